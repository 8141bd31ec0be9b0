"""The map figure: bounded marker count, region selection over ALL records, escaped hover text."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from workbench.plots.map import SVG_MAX_POINTS, map_figure, records_in_polygon, records_in_region


def map_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    topic = rng.integers(0, 6, n)
    return pd.DataFrame({"id": [f"r{i}" for i in range(n)], "map_x": rng.normal(topic * 3.0, 1.0),
                         "map_y": rng.normal(topic % 2, 1.0), "topic": topic,
                         "topic_label": [f"term{t} · other{t}" for t in topic],
                         "prompt": [f"prompt number {i}" for i in range(n)], "score": rng.random(n)})


def markers(fig: go.Figure) -> int:
    return sum(len(t.x) for t in fig.data if isinstance(t, (go.Scatter, go.Scattergl)))


def test_never_more_markers_than_max_points():
    frame = map_frame(5_000)
    fig = map_figure(frame, max_points=1_000)
    assert markers(fig) == 1_000
    density = [t for t in fig.data if t.name == "density"]
    # the whole shape stays visible: every record counted, carried as 120 x 120 counts, not 5,000 points
    assert len(density) == 1 and isinstance(density[0], go.Heatmap)
    z = np.asarray(density[0].z, dtype=float)
    assert z.shape == (120, 120) and np.nansum(z) == 5_000
    counts, _, _ = np.histogram2d(frame["map_x"], frame["map_y"], bins=120)
    assert np.array_equal(np.nan_to_num(z), counts.T)
    small = map_figure(frame.iloc[:300], max_points=1_000)
    assert markers(small) == 300 and not any(t.name == "density" for t in small.data)
    # SVG markers up to SVG_MAX_POINTS (no WebGL context for the page to pay for), WebGL above
    assert {type(t) for t in fig.data if t.name != "density"} == {go.Scatter}
    big = map_figure(map_frame(SVG_MAX_POINTS + 1), max_points=SVG_MAX_POINTS + 1)
    assert {type(t) for t in big.data} == {go.Scattergl} and markers(big) == SVG_MAX_POINTS + 1


def test_customdata_links_each_marker_to_its_record():
    frame = map_frame(2_000)
    fig = map_figure(frame, max_points=500)
    for trace in (t for t in fig.data if isinstance(t, (go.Scatter, go.Scattergl))):
        ids, rows = np.asarray(trace.customdata)[:, 0], np.asarray(trace.customdata)[:, 1].astype(int)
        assert (frame["id"].to_numpy()[rows] == ids).all()
        assert np.allclose(frame["map_x"].to_numpy()[rows], trace.x)
        assert trace.meta["link"] == "ids" and trace.meta["region"] is True
        key = trace.meta["key"]
        assert (frame["topic"].astype(str).to_numpy()[rows] == key).all()
        assert trace.name.startswith(f"{key}: term{key}")  # legend names topics by their label


def test_region_returns_every_record_inside_including_unsampled():
    frame = map_frame(20_000)
    fig = map_figure(frame, max_points=1_000)
    drawn = set(np.concatenate([np.asarray(t.customdata)[:, 1].astype(int)
                                for t in fig.data if isinstance(t, (go.Scatter, go.Scattergl))]).tolist())
    got = records_in_region(frame, 4.0, 0.0, -0.5, 1.5)  # bounds in any order
    x, y = frame["map_x"].to_numpy(), frame["map_y"].to_numpy()
    expected = np.flatnonzero((x >= 0) & (x <= 4) & (y >= -0.5) & (y <= 1.5))
    assert np.array_equal(got, expected) and len(got) > 2_000
    assert len(set(got.tolist()) - drawn) > 0.9 * len(got)  # most of them were never drawn


def test_lasso_polygon_selects_points_inside():
    frame = map_frame(10_000)
    tri_x, tri_y = [0.0, 6.0, 0.0], [-2.0, -2.0, 4.0]  # the triangle x >= 0, y >= -2, x + y <= 4
    got = records_in_polygon(frame, tri_x, tri_y)
    x, y = frame["map_x"].to_numpy(), frame["map_y"].to_numpy()
    expected = np.flatnonzero((x > 0) & (y > -2) & (x + y < 4))
    assert np.array_equal(got, expected) and len(got) > 500
    assert len(records_in_polygon(frame, [0, 1], [0, 1])) == 0


def test_hover_text_is_escaped():
    frame = map_frame(10)
    frame.loc[3, "prompt"] = "<script>alert('x')</script>\nsecond line"
    fig = map_figure(frame)
    texts = [s for t in fig.data if isinstance(t, (go.Scatter, go.Scattergl)) for s in t.text]
    bad = [s for s in texts if "alert" in s][0]
    assert "<script>" not in bad and "&lt;script&gt;" in bad and "<br>" in bad
    html_out = fig.to_html(include_plotlyjs=False)
    assert "<script>alert" not in html_out


def test_colour_by_numeric_signal_and_by_status():
    frame = map_frame(400)
    fig = map_figure(frame, color="score", hover=None)
    (trace,) = [t for t in fig.data if isinstance(t, (go.Scatter, go.Scattergl))]
    assert trace.marker.showscale and len(trace.marker.color) == 400
    frame["status"] = np.where(np.arange(400) % 3 == 0, "accepted", "pending")
    fig = map_figure(frame, color="status")
    assert {t.name for t in fig.data} == {"accepted", "pending"}
    assert markers(map_figure(frame, color=None)) == 400


def test_missing_column_is_a_clear_error():
    frame = map_frame(10).drop(columns="map_y")
    with pytest.raises(KeyError, match="map_y"):
        map_figure(frame)
    with pytest.raises(KeyError, match="task_type"):
        map_figure(map_frame(10), color="task_type")
    with pytest.raises(KeyError, match="map_x"):
        records_in_region(frame.drop(columns="map_x"), 0, 1, 0, 1)


def test_same_frame_same_sample():
    frame = map_frame(3_000)
    a, b = map_figure(frame, max_points=200), map_figure(frame, max_points=200)
    assert [list(t.customdata[:, 1]) for t in a.data[1:]] == [list(t.customdata[:, 1]) for t in b.data[1:]]
