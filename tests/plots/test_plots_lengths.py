"""Length histograms and per-role boxes: values, window shapes, outliers, customdata ids."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.plots import length_by_role, length_histogram
from workbench.plots._common import NO_DATA


def _rects(fig):
    return [s for s in fig.layout.shapes if s.type == "rect"]


def test_histogram_values_ids_and_window(signal_frame):
    fig = length_histogram(signal_frame, window=(100, 300))
    assert [t.type for t in fig.data] == ["histogram"]
    h = fig.data[0]
    assert list(h.x) == signal_frame["response_words"].tolist()
    assert list(h.customdata) == signal_frame["id"].tolist()
    assert h.meta == {"link": "ids"}
    (rect,) = _rects(fig)
    assert (rect.x0, rect.x1, rect.xref, rect.yref) == (100, 300, "x", "y domain")
    assert any("guideline 100-300" in a.text for a in fig.layout.annotations)
    assert fig.layout.xaxis.title.text == "response_words"


def test_histogram_custom_window_open_end_and_none(signal_frame):
    fig = length_histogram(signal_frame, window=(None, 250))
    (rect,) = _rects(fig)
    assert (rect.x0, rect.x1) == (0.0, 250.0)
    assert _rects(length_histogram(signal_frame, window=None)) == []


def test_histogram_outliers_are_their_own_trace(signal_frame):
    fig = length_histogram(signal_frame, outlier_column="is_length_outlier")
    main, out = fig.data
    assert out.name == "outliers" and out.marker.color == "#d62728"
    assert sorted(out.x) == [400, 900]
    assert sorted(out.customdata) == ["r3", "r8"]
    assert "r3" not in list(main.customdata) and len(main.x) == 10
    # every trace shares one set of bins so the stacked bars line up
    assert main.xbins.size == out.xbins.size and main.xbins.start == out.xbins.start


def test_histogram_by_category_colours_and_log(signal_frame):
    fig = length_histogram(signal_frame, by="category", outlier_column="is_length_outlier", log=True)
    names = [t.name for t in fig.data]
    assert names == ["billing", "code", "qa", "outliers"]
    code = fig.data[1]
    assert list(code.customdata) == ["r5", "r6", "r7"]  # r8 is an outlier
    assert fig.layout.barmode == "stack"
    assert fig.layout.yaxis.type == "log"


def test_histogram_facets_per_category_windows(signal_frame):
    fig = length_histogram(signal_frame, by="category", facet=True,
                           window={"billing": (100, 300), "code": (200, 600)})
    assert [t.name for t in fig.data] == ["billing", "code", "qa"]
    assert [t.yaxis for t in fig.data] == ["y", "y2", "y3"]
    rects = _rects(fig)
    assert sorted((r.x0, r.x1) for r in rects) == [(100, 300), (200, 600)]
    assert {r.yref for r in rects} == {"y domain", "y2 domain"}


def test_histogram_ignores_nan_and_missing_ids(signal_frame):
    df = signal_frame.drop(columns="id").assign(response_words=[np.nan] + [5.0] * 11)
    fig = length_histogram(df, window=None)
    assert len(fig.data[0].x) == 11
    assert list(fig.data[0].customdata) == list(range(1, 12))  # the index stands in for ids


@pytest.mark.parametrize("frame_kind", ["none", "empty", "all_nan"])
def test_histogram_empty_inputs(signal_frame, frame_kind):
    frame = {"none": None, "empty": signal_frame.iloc[:0],
             "all_nan": signal_frame.assign(response_words=np.nan)}[frame_kind]
    fig = length_histogram(frame)
    assert fig.data == () and fig.layout.annotations[0].text == NO_DATA


def test_histogram_of_a_missing_column_raises(signal_frame):
    with pytest.raises(ValueError, match="plots.length_histogram: no column 'response_words'"):
        length_histogram(signal_frame.drop(columns="response_words"))


def test_length_by_role_uses_signal_columns(signal_frame):
    fig = length_by_role(signal_frame)
    assert [(t.type, t.name) for t in fig.data] == [("box", "prompt"), ("box", "response")]
    assert list(fig.data[0].y) == signal_frame["prompt_words"].tolist()
    assert list(fig.data[1].customdata) == signal_frame["id"].tolist()
    assert fig.layout.yaxis.title.text == "words"


def test_length_by_role_chars_falls_back_to_user_columns(signal_frame):
    fig = length_by_role(signal_frame, unit="chars", window=(500, 1500), log=True)
    assert list(fig.data[0].y) == signal_frame["user_chars"].tolist()
    assert list(fig.data[1].y) == signal_frame["response_chars"].tolist()
    (rect,) = _rects(fig)
    assert (rect.y0, rect.y1) == (500, 1500)
    assert fig.layout.yaxis.type == "log"


def test_length_by_role_explicit_columns_and_empty(signal_frame):
    fig = length_by_role(signal_frame, columns={"answer": "response_words"})
    assert [t.name for t in fig.data] == ["answer"]
    with pytest.raises(ValueError, match="plots.length_by_role: no column 'missing'"):
        length_by_role(signal_frame, columns={"answer": "response_words", "nope": "missing"})
    assert length_by_role(signal_frame, unit="tokens").layout.annotations[0].text == NO_DATA


def test_length_by_role_large_input_sends_quartiles_and_outliers_only():
    rng = np.random.default_rng(0)
    n = 5_000
    df = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "prompt_words": rng.integers(5, 50, n),
                       "response_words": np.r_[rng.integers(100, 300, n - 2), [5_000, 9_000]]})
    fig = length_by_role(df, max_points=1_000, window=(100, 300))
    names = [t.name for t in fig.data]
    assert names == ["prompt", "prompt outliers", "response", "response outliers"]
    box, out = fig.data[2], fig.data[3]
    assert box.y is None and box.q1[0] == pytest.approx(np.percentile(df["response_words"], 25))
    assert box.median[0] == pytest.approx(df["response_words"].median())
    assert box.upperfence[0] <= 300
    assert list(out.y) == [5_000, 9_000] and list(out.customdata) == [f"r{n - 2}", f"r{n - 1}"]
    assert len(fig.to_json()) < 20_000


def test_histogram_draws_no_window_unless_given(signal_frame):
    # no guideline window by default: a 100-300 band would judge any data by the sample's support rules
    assert _rects(length_histogram(signal_frame)) == []
    assert not any("guideline" in (a.text or "") for a in length_histogram(signal_frame).layout.annotations)
