"""The kappa heatmap coloured by interpretation band, and alpha per field with intervals."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbench import agreement
from workbench.agreement.interpret import interpret
from workbench.plots import alpha_by_field, band, kappa_heatmap
from workbench.plots._bands import COLORS, EXCELLENT, GOOD, LOW, MODERATE, UNDEFINED, colorscale
from workbench.plots._common import NO_DATA


def test_bands_follow_the_convention():
    assert [band(v) for v in (-0.2, 0.39, 0.4, 0.59, 0.6, 0.8, 0.81, None, float("nan"))] == [
        LOW, LOW, MODERATE, MODERATE, GOOD, GOOD, EXCELLENT, UNDEFINED, UNDEFINED]


def test_bands_agree_with_the_agreement_package():
    for v in np.linspace(-1, 1, 201).tolist() + [0.4, 0.6, 0.8, None]:
        assert band(v) == interpret(v)


@pytest.mark.parametrize("zmin,zmax", [(0.0, 1.0), (-1.0, 1.0)])
def test_colourscale_steps_at_band_edges(zmin, zmax, colour_at):
    scale = colorscale(zmin, zmax)
    for v in (zmin, 0.1, 0.39, 0.4, 0.5, 0.6, 0.7, 0.8, 0.8000001, 0.9, 1.0):
        assert colour_at(scale, v, zmin, zmax) == COLORS[band(v)], v


def test_heatmap_text_hover_and_customdata(kappa_frames):
    kappa, n = kappa_frames
    fig = kappa_heatmap(kappa, n)
    (hm,) = fig.data
    assert hm.type == "heatmap"
    assert list(hm.x) == ["ann", "bob", "cy"] and list(hm.y) == ["ann", "bob", "cy"]
    text = [list(r) for r in hm.text]
    assert text == [["", "0.75", "0.30"], ["0.75", "", ""], ["0.30", "", ""]]
    assert hm.texttemplate == "%{text}"
    assert "n=12" in hm.hovertext[0][1] and "good" in hm.hovertext[0][1]
    assert "n=9" in hm.hovertext[2][0] and "low (review the guidelines)" in hm.hovertext[2][0]
    assert "undefined" in hm.hovertext[1][2]
    assert hm.hovertext[0][0] == "ann: 40 items rated"  # the diagonal is blank, its hover says why
    assert list(hm.customdata[0][1]) == ["ann", "bob", 12, GOOD]
    assert hm.meta == {"link": "pair"}
    assert math.isnan(hm.z[0][0]) and math.isnan(hm.z[1][2])


def test_heatmap_cells_coloured_by_band(kappa_frames, colour_at):
    kappa, n = kappa_frames
    hm = kappa_heatmap(kappa, n).data[0]
    colours = {(i, j): colour_at(hm.colorscale, hm.z[i][j], hm.zmin, hm.zmax)
               for i in range(3) for j in range(3) if not math.isnan(hm.z[i][j])}
    assert colours[(0, 1)] == COLORS[GOOD] and colours[(0, 2)] == COLORS[LOW]
    edges = sorted({float(p) for p, _ in hm.colorscale} - {0.0, 1.0})
    assert edges == pytest.approx([0.4, 0.6, 0.8])


def test_heatmap_negative_kappa_is_low_and_text_keeps_the_value(colour_at):
    names = ["a", "b"]
    k = pd.DataFrame([[1.0, -0.25], [-0.25, 1.0]], index=names, columns=names)
    hm = kappa_heatmap(k, diagonal=True).data[0]
    assert hm.text[0][1] == "-0.25" and hm.text[0][0] == "1.00"
    assert colour_at(hm.colorscale, hm.z[0][1], hm.zmin, hm.zmax) == COLORS[LOW]
    assert colour_at(hm.colorscale, hm.z[0][0], hm.zmin, hm.zmax) == COLORS[EXCELLENT]
    assert "n=" not in hm.hovertext[0][1]  # no n_shared given


def test_heatmap_from_agreement_kappa_matrix():
    rng = np.random.default_rng(3)
    truth = rng.integers(1, 6, 30)
    rows = [{"record_id": i, "annotator": a, "field": "overall",
             "value": int(truth[i] if rng.random() < q else rng.integers(1, 6))}
            for a, q in (("ann", 0.9), ("bob", 0.8), ("cy", 0.3)) for i in range(30)]
    km = agreement.cohen_kappa_matrix(pd.DataFrame(rows), field="overall")
    hm = kappa_heatmap(km.kappa, km.n_shared).data[0]
    assert hm.text[0][1] == f"{km.kappa.loc['ann', 'bob']:.2f}"
    assert "n=30" in hm.hovertext[0][1]


def test_alpha_by_field_points_error_bars_and_bands():
    rows = pd.DataFrame({"field": ["overall", "tone", "tags"], "estimate": [0.72, 0.35, 0.9],
                         "low": [0.6, np.nan, 0.85], "high": [0.8, np.nan, 0.95]})
    fig = alpha_by_field(rows)
    (pts,) = fig.data
    assert pts.type == "scatter" and list(pts.x) == ["overall", "tone", "tags"]
    assert list(pts.y) == pytest.approx([0.72, 0.35, 0.9])
    assert list(pts.error_y.array) == pytest.approx([0.08, 0.0, 0.05])
    assert list(pts.error_y.arrayminus) == pytest.approx([0.12, 0.0, 0.05])
    assert list(pts.marker.color) == [COLORS[GOOD], COLORS[LOW], COLORS[EXCELLENT]]
    assert list(pts.customdata) == ["overall", "tone", "tags"]
    rects = sorted((s.y0, s.y1, s.fillcolor) for s in fig.layout.shapes if s.type == "rect")
    assert [(r[1], r[2]) for r in rects] == [(0.4, COLORS[LOW]), (0.6, COLORS[MODERATE]),
                                            (0.8, COLORS[GOOD]), (1.0, COLORS[EXCELLENT])]


def test_alpha_by_field_accepts_mappings_and_intervals():
    interval = agreement.Interval
    fig = alpha_by_field({"overall": interval(0.5, 0.4, 0.6),
                          "tone": {"estimate": 0.2, "low": 0.0, "high": 0.3},
                          "tags": 0.9, "bad": (float("nan"), 0, 1)})
    pts = fig.data[0]
    assert list(pts.x) == ["overall", "tone", "tags"]
    assert list(pts.error_y.arrayminus) == pytest.approx([0.1, 0.2, 0.0])


def test_alpha_axis_extends_below_zero():
    fig = alpha_by_field({"x": (-0.3, -0.5, -0.1)})
    assert fig.layout.yaxis.range[0] < -0.5
    assert "low (review the guidelines)" in fig.data[0].hovertext[0]


@pytest.mark.parametrize("value", [None, pd.DataFrame(), {}])
def test_agreement_empty(value):
    for fig in (kappa_heatmap(value, None), alpha_by_field(value)):
        assert fig.data == () and fig.layout.annotations[0].text == NO_DATA


def test_alpha_without_any_estimate_is_no_data():
    fig = alpha_by_field(pd.DataFrame({"field": ["a"], "estimate": [np.nan], "low": [0], "high": [1]}))
    assert fig.data == () and fig.layout.annotations[0].text == NO_DATA


def test_kappa_without_any_defined_pair_says_why():
    k = pd.DataFrame([[1.0, np.nan], [np.nan, 1.0]], index=["a", "b"], columns=["a", "b"])
    fig = kappa_heatmap(k, pd.DataFrame([[5, 1], [1, 4]], index=["a", "b"], columns=["a", "b"]))
    assert fig.data == () and fig.layout.annotations[0].text == "no pair of annotators shares enough items"


def test_alpha_by_field_from_agreement_summary():
    rng = np.random.default_rng(0)
    rows = [{"record_id": i, "annotator": a, "field": f,
             "value": int(rng.integers(1, 6)) if f == "overall" else str(rng.choice(["x", "y"]))}
            for a in "abc" for i in range(15) for f in ("overall", "label")]
    summary = agreement.agreement_summary(pd.DataFrame(rows), n_boot=20)
    pts = alpha_by_field(summary).data[0]
    assert list(pts.x) == ["overall", "label"]
    assert pts.y[0] == pytest.approx(summary["fields"]["overall"]["metrics"]["alpha_ordinal"]["value"])
    assert pts.y[1] == pytest.approx(summary["fields"]["label"]["metrics"]["alpha_nominal"]["value"])


def test_alpha_by_field_value_column():
    df = pd.DataFrame({"field": ["a"], "value": [0.5], "low": [0.4], "high": [0.6]})
    assert list(alpha_by_field(df).data[0].y) == [0.5]
