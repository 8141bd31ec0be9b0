"""The Overview's composition panel on a real third-party file (self-instruct's human-eval predictions, no
categories): task types, topics and the map, and every chart linked to the review queue."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import widget_texts

from workbench.io import load
from workbench.plots.map import records_in_polygon, records_in_region
from workbench.quality import compute_signals
from workbench.quality.topics import TopicsSignal
from workbench.store import Project
from workbench.ui.composition import CompositionPanel, topic_query
from workbench.ui.dashboard import Dashboard
from workbench.ui.filters import Filters
from workbench.ui.regions import check_region, region_positions

SELFINSTRUCT = Path(__file__).resolve().parents[1] / "fixtures" / "selfinstruct_text-davinci-003_predictions.jsonl"
SAMPLE_CATEGORIES = ("billing", "shipping", "account", "returns", "technical")
# a map fitted on 150 records (PCA, milliseconds) and the rest placed among them: the same code path as a
# large dataset's sampled map, without UMAP's compile time in a unit test
SIGNALS = ["task_type", "language", "exact_duplicates", TopicsSignal(map_sample=150)]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    folder = tmp_path_factory.mktemp("selfinstruct")
    project = Project.create(folder / "project", load(SELFINSTRUCT))
    frame = compute_signals(project.dataset, project.guidelines, signals=SIGNALS).frame
    yield project, frame
    project.close()


@pytest.fixture
def dashboard(real, monkeypatch):
    project, frame = real
    monkeypatch.setattr(Dashboard, "signals", lambda self: frame)
    return Dashboard(project, reviewer="alice")


def _trace(fig, column):
    return next(t for t in fig.data if isinstance(t.meta, dict) and t.meta.get("column") == column)


def _click(panel, trace, key):
    """A click on the bar of ``key`` as the page's events widget reports it (trace and point indices)."""
    curve = list(panel.figure.data).index(trace)
    panel.events._receive(panel.events, {"event": "click", "points": [[curve, list(trace.customdata).index(key)]]},
                          [])


def test_overview_names_inferred_task_types_and_topics_not_sample_categories(dashboard, real):
    _, frame = real
    overview = dashboard.tabs.children[0].children
    text = widget_texts(*overview)
    assert "The data has no categories" in text
    top_types = frame["task_type"].value_counts().index[:3].tolist()
    assert len(frame["task_type"].unique()) >= 5  # a real instruction set spans many task types
    for name in top_types:
        assert name in text
    for label in frame.groupby("topic")["topic_label"].first().head(3):
        assert label in text  # escaped labels of terms like "sentence · language · words"
    assert not any(c in text for c in SAMPLE_CATEGORIES)
    fw = dashboard.composition.figure
    columns = [t.meta.get("column") for t in fw.data if isinstance(t.meta, dict)]
    assert "category" not in columns and {"task_type", "topic", "id"} <= set(columns)
    bars = _trace(fw, "task_type")
    assert set(bars.customdata) == set(frame["task_type"])
    assert dict(zip(bars.customdata, bars.x)) == frame["task_type"].value_counts().to_dict()
    # one static figure (no FigureWidget: plotly.js would travel in its state) and its 2 KB events widget
    assert not any("FigureWidget" in type(w).__name__ for w in overview)
    linked = dashboard.composition.output
    assert type(linked.children[1]).__name__ == "PlotEvents" and len(linked.children[1]._esm) < 4000
    assert linked.children[1].target in linked.children[0]._dom_classes
    shown = linked.children[0].outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert len(shown["data"]) == len(fw.data)


def test_task_type_bar_click_filters_the_queue(dashboard, real):
    _, frame = real
    key = frame["task_type"].value_counts().index[1]
    panel = dashboard.composition
    _click(panel, _trace(panel.figure, "task_type"), key)
    assert dashboard.tabs.selected_index == 1
    expected = np.flatnonzero(frame["task_type"].to_numpy() == key)
    assert dashboard.session.queue.tolist() == expected.tolist()
    assert dashboard.session.filters.query == f"task_type == '{key}'"
    assert f"{len(expected)} records where task type = {key}" in dashboard.message.value


def test_topic_bar_click_filters_the_queue(dashboard, real):
    _, frame = real
    bars = _trace(dashboard.composition.figure, "topic")
    _click(dashboard.composition, bars, "1")
    assert dashboard.session.queue.tolist() == np.flatnonzero(frame["topic"].to_numpy() == 1).tolist()
    label = frame.loc[frame["topic"] == 1, "topic_label"].iloc[0]
    assert f"topic 1 ({label})" in dashboard.message.value
    dashboard.composition.filter_by("topic", "0 2")
    assert dashboard.session.queue.tolist() == np.flatnonzero(frame["topic"].isin([0, 2])).tolist()
    assert topic_query([3]) == "topic == 3" and topic_query([0, 2]) == "topic in [0, 2]"


def test_map_selection_reaches_records_that_were_not_drawn(real, monkeypatch):
    project, frame = real
    monkeypatch.setattr(Dashboard, "signals", lambda self: frame)
    d = Dashboard(project, reviewer="alice")
    panel = CompositionPanel(project.dataset, frame, d.filter_review, d.guard, max_points=40)
    fw = panel.figure
    markers = [t for t in fw.data if isinstance(t.meta, dict) and t.meta.get("region")]
    # customdata = [record id, row position] per drawn marker (x / y travel base64-encoded)
    rows = [np.array([int(c[1]) for c in t.customdata]) for t in markers]
    assert sum(len(r) for r in rows) == 40  # sampled: 40 of 252 drawn, plus the density layer
    x0, x1 = np.percentile(frame["map_x"], [10, 70])
    y0, y1 = np.percentile(frame["map_y"], [10, 70])
    expected = records_in_region(frame, x0, x1, y0, y1)
    inside = [np.flatnonzero(np.isin(r, expected)).tolist() for r in rows]
    assert len(expected) > sum(map(len, inside)) > 0
    # one selection event from the page: the drawn points in it (any trace) and the box on the map's axes
    curves = [list(fw.data).index(t) for t in markers]
    points = [[c, i] for c, pts in zip(curves, inside) for i in pts]
    panel.events._receive(panel.events, {"event": "select", "points": points, "box": [[x0, x1], [y0, y1]],
                                         "lasso": None}, [])
    assert d.session.queue.tolist() == expected.tolist()
    assert d.session.filters.region == {"box": [x0, x1, y0, y1]}
    assert f"a box on the map ({len(expected)} records)" in d.message.value

    xs, ys = [x0, x1, x0], [y0, y0, y1]  # a triangle
    panel.events._receive(panel.events, {"event": "select", "points": [[curves[0], 0]], "box": None,
                                         "lasso": [xs, ys]}, [])
    assert d.session.queue.tolist() == records_in_polygon(frame, xs, ys).tolist()
    assert 0 < len(d.session.queue) < len(expected)
    # narrowing the selection in the filters panel keeps the region; Clear drops it
    panel_widgets = d.review_widget.filters
    panel_widgets.status.value = "unreviewed"
    panel_widgets.apply.click()
    assert d.session.queue.tolist() == records_in_polygon(frame, xs, ys).tolist()
    panel_widgets.clear.click()
    assert d.session.filters.region is None and len(d.session.queue) == len(frame)


def test_a_selection_on_the_bars_leaves_the_queue_alone(dashboard):
    panel = dashboard.composition
    bars = list(panel.figure.data).index(_trace(panel.figure, "task_type"))
    for event in ({"event": "select", "points": [], "box": [[0, 1], [0, 1]]},  # nothing drawn inside
                  {"event": "select", "points": [[bars, 0]], "box": [[0, 1], [0, 1]]},  # bars only
                  {"event": "click", "points": [[len(panel.figure.data) + 5, 0]]},  # no such trace
                  {"event": "click", "points": [[bars, 10_000]]},  # no such bar
                  {"event": "click", "points": [["0", "x"]]}):  # not indices
        panel.events._receive(panel.events, event, [])
    assert dashboard.session is None  # the Review tab was not even opened
    assert "failed" not in dashboard.message.value


def test_map_colour_choices(dashboard, real):
    project, frame = real
    panel = dashboard.composition
    labels = [lab for lab, _ in panel.color_options()]
    assert labels[:4] == ["topic", "task type", "language", "review status"]
    assert "flag: exact_duplicates" in labels
    project.decide("alice", str(frame["id"].iloc[0]), "accept")
    panel.color_choice.value = "review_status"
    names = {t.name for t in panel.figure.data[panel._n_fixed:]}
    assert names == {"accept", "unreviewed"}
    assert panel.figure.layout.annotations[-1].text.startswith("map of the records by review_status")
    shown = panel.output.children[0].outputs[0]["data"]["application/vnd.plotly.v1+json"]  # redrawn
    assert {t.get("name") for t in shown["data"][panel._n_fixed:]} == {"accept", "unreviewed"}
    panel.color_choice.value = "task_type"
    names = {t.name for t in panel.figure.data[panel._n_fixed:]}
    assert names == set(frame["task_type"])
    # the bars are untouched and still linked
    _click(panel, _trace(panel.figure, "task_type"), frame["task_type"].iloc[0])
    assert dashboard.session.filters.query == f"task_type == '{frame['task_type'].iloc[0]}'"


def test_data_with_categories_shows_them_and_the_inferred_composition(real, tmp_path):
    import pyarrow as pa

    project, frame = real
    table = project.dataset.table
    cats = pa.array([("alpha" if i % 3 else "beta") for i in range(table.num_rows)], pa.string())
    table = table.set_column(table.column_names.index("category"), "category", cats)
    from workbench.model.dataset import Dataset

    ds = Dataset(table)
    calls = []
    panel = CompositionPanel(ds, frame, lambda label=None, **f: calls.append((label, f)), lambda fn, what: fn)
    columns = [t.meta.get("column") for t in panel.figure.data if isinstance(t.meta, dict)]
    assert columns[0] == "category" and "task_type" in columns and "topic" in columns
    assert "The data has no categories" not in panel.summary.value
    _click(panel, panel.figure.data[0], "beta")
    assert calls == [("category = beta", {"category": "beta"})]


def test_regions_are_checked(real):
    _, frame = real
    for bad in (None, {"box": [0, 1]}, {"box": ["a", 1, 2, 3]}, {"lasso": {"x": [0, 1], "y": [0, 1]}},
                {"circle": 1}, {"box": [0, float("nan"), 0, 1]}):
        with pytest.raises(ValueError, match="map region"):
            check_region(bad)
    assert Filters.from_dict(Filters(region={"box": [0, 1, 0, 1]}).to_dict()).region == {"box": [0, 1, 0, 1]}
    assert len(region_positions(frame, {"box": [-1e9, 1e9, -1e9, 1e9]})) == len(frame)


def test_a_bad_region_is_refused_with_a_message(dashboard):
    dashboard.filter_review(status="unreviewed")
    before = dashboard.session.queue.tolist()
    assert not dashboard.session.set_filters(region={"box": [1, 2]})
    assert "map region" in dashboard.session.message
    assert dashboard.session.queue.tolist() == before


def _plotly_outputs(widget, kind: str | None = None) -> list:
    """Every plotly figure inside ``widget`` (depth first) as a bundle ``{"data": {plotly mime: figure}}``:
    plotly outputs (``kind="mime"``, drawn by the plotly extension in notebooks) and PlotlyView widgets
    (``kind="view"``, the served app, whose pages carry no plotly extension)."""
    import ipywidgets as W

    from workbench.ui.plotly_view import PlotlyView

    mime, view_mime = "application/vnd.plotly.v1+json", "application/vnd.jupyter.widget-view+json"
    found = []
    if isinstance(widget, W.Output):
        for o in widget.outputs:
            data = o.get("data", {})
            if mime in data and kind in (None, "mime"):
                found.append(o)
            elif view_mime in data and kind in (None, "view"):
                view = getattr(widget, "_wb_plotly_view", None)  # the view show_in keeps with its Output
                if isinstance(view, PlotlyView) and view.model_id == data[view_mime]["model_id"]:
                    found.append({"data": {mime: view.figure}})
    for child in getattr(widget, "children", ()):
        found += _plotly_outputs(child, kind)
    return found


def test_in_the_served_app_the_overview_draws_its_figures_once_on_screen(real, monkeypatch):
    project, frame = real
    monkeypatch.setattr(Dashboard, "signals", lambda self: frame)
    monkeypatch.setattr(project, "served", True)
    d = Dashboard(project, reviewer="alice")
    overview = d.tabs.children[0]
    # the page is painted without a plotly output (no 4.8 MB chunk before the first paint) ...
    pending = d.figures.pending
    assert _plotly_outputs(overview) == [] and pending >= 2  # the composition and the flag counts
    assert "The data has no categories" in widget_texts(*overview.children)
    # ... and the figures come when the browser says the Overview is on screen
    d.figures._receive(d.figures, {"event": "shown"}, [])
    drawn = _plotly_outputs(overview)
    assert len(drawn) == pending and d.figures.pending == 0
    # drawn by PlotlyView widgets: the served page needs no plotly extension
    assert len(_plotly_outputs(overview, "view")) == pending and _plotly_outputs(overview, "mime") == []
    assert any("task type" in str(b["data"]["application/vnd.plotly.v1+json"]).lower() for b in drawn)
    # afterwards a new colour draws at once, replacing the map's output (not adding one)
    d.composition.set_color("task_type")
    assert len(_plotly_outputs(overview)) == pending and d.figures.pending == 0
    d.figures._receive(d.figures, {"event": "something else"}, [])  # other messages are ignored
    assert len(_plotly_outputs(overview)) == pending


def test_in_a_notebook_the_overview_draws_its_figures_at_once(dashboard):
    assert len(_plotly_outputs(dashboard.tabs.children[0])) >= 2 and dashboard.figures.pending == 0
