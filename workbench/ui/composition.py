"""The Overview's composition panel: what the data is made of, every chart linked to the review queue.

Data that came with categories shows them against the guidelines' target mix; every dataset shows its
inferred task types (``task_type`` signal), its topics (``topics`` signal) and the map of its records
(``map_x`` / ``map_y``), coloured by topic, task type, language, a signal or the review status.

Links: a category, task-type or topic bar opens the review queue on those records (categories through
the category filter; task types and topics through the review query, ``task_type == 'code'`` /
``topic in [3, 4]``, which the reviewer then sees in the query box); a box or lasso selection on the map
filters the queue to ALL records inside the region (:mod:`workbench.ui.regions`), also those the map
did not draw. All charts are ONE static plotly figure (drawn by the page's plotly extension, loaded once
with the page); its clicks and selections reach Python through :class:`workbench.ui.plot_events.PlotEvents`
(2 KB of inline JavaScript). A plotly ``FigureWidget`` would carry plotly.js (5 MB) in its state to every
page and hold the whole page back until the browser compiled it (see :mod:`workbench.ui.plot_events`).

Everything comes from the signal frame the dashboard already holds (read from the project's cache);
nothing is computed here but counts, and the prompts of the drawn markers for their hover text.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.model.taxonomy import is_task_type
from workbench.ui.dashboard_tabs import html_table
from workbench.ui.filters import align_signals
from workbench.ui.regions import describe_region, region_positions
from workbench.ui.render import esc

MAP_MAX_POINTS = 5_000  # markers drawn (each with its hover text: about 0.2 KB of page state); the rest of the
# records are in the density layer and in selections, which reach every record inside the region
REVIEW_STATUS = "review_status"


def review_status(status: pd.DataFrame, ids: pd.Index) -> np.ndarray:
    """Per record (in ``ids`` order): "disputed", its decision, "reviewed" or "unreviewed"."""
    st = status.set_index("record_id").reindex(ids)
    out = np.where(st["n_reviews"].fillna(0).to_numpy() > 0, "reviewed", "unreviewed").astype(object)
    decision = st["decision"].astype(object).to_numpy()
    has = pd.notna(decision)
    out[has] = decision[has]
    out[st["disputed"].fillna(False).to_numpy(dtype=bool)] = "disputed"
    return out


def topic_query(topics: list[int]) -> str:
    """The review query selecting these topic ids."""
    ids = [int(t) for t in topics]
    return f"topic == {ids[0]}" if len(ids) == 1 else f"topic in [{', '.join(map(str, ids))}]"


class CompositionPanel:
    """Category / task-type / topic bars and the map of one dataset, linked to the review queue.

    Parameters
    ----------
    dataset : Dataset
        The project's dataset (categories; prompts for the map's hover text).
    frame : DataFrame or None
        The signal frame (``compute_signals(...).frame``, ``id`` first), from the project's cache.
    filter_review : callable
        ``filter_review(label=..., **filters)`` opens the review queue filtered (the dashboard's).
    guard : callable
        ``guard(fn, what)`` wraps a callback so an exception becomes a message (the dashboard's).
    target_mix : dict, optional
        The guidelines' target shares per category.
    status : callable, optional
        Returns the project's status frame; enables colouring the map by review status.
    linked : bool
        Clicks and selections on the figure filter the queue (True) or the figure is only drawn.
    put : callable, optional
        ``put(output, bundle)`` shows a figure's output bundle (default: at once; the served dashboard
        passes :meth:`workbench.ui.plot_events.DeferredFigures.put`).
    """

    def __init__(self, dataset, frame: pd.DataFrame | None, filter_review: Callable[..., Any],
                 guard: Callable, target_mix: dict | None = None, status: Callable[[], pd.DataFrame] | None = None,
                 linked: bool = True, max_points: int = MAP_MAX_POINTS,
                 put: Callable[[W.Output, dict], Any] | None = None):
        self.dataset, self.filter_review, self.guard = dataset, filter_review, guard
        # how a figure reaches its output: at once (default) or when on screen (DeferredFigures.put)
        self.put = put or (lambda out, bundle: setattr(out, "outputs", (bundle,)))
        self.target_mix, self.status, self.linked, self.max_points = target_mix, status, linked, max_points
        self.frame = self._aligned(frame)
        self.color = "topic" if "topic" in self.frame.columns else "task_type"
        self._topics: pd.DataFrame | None = None
        self.events: Any = None  # the PlotEvents bridge of a linked figure
        self.summary = W.HTML(self._summary_html())
        self.color_choice = W.Dropdown(options=self.color_options(), description="colour map by",
                                       style={"description_width": "initial"})
        if self.has_map:
            self.color_choice.value = self.color
            self.color_choice.observe(self.guard(lambda ch: self.set_color(ch["new"]), "map colour"), names="value")
        self.figure = self.build_figure()
        self.output = self._widget(self.figure)
        self.children = [self.summary] + ([self.color_choice] if self.has_map else []) + [self.output]

    # data --------------------------------------------------------------------------------------------
    def _aligned(self, frame: pd.DataFrame | None) -> pd.DataFrame:
        ids = self.dataset.ids
        if frame is None or "id" not in frame.columns:
            return pd.DataFrame({"id": ids.to_numpy(dtype=object)})
        if len(frame) == len(ids) and np.array_equal(frame["id"].to_numpy(dtype=object), ids.to_numpy(dtype=object)):
            return frame.reset_index(drop=True)
        return align_signals(frame, ids).assign(id=ids.to_numpy(dtype=object))

    @property
    def has_map(self) -> bool:
        """Whether the frame holds map coordinates (the ``topics`` signal ran with its map)."""
        return {"map_x", "map_y"} <= set(self.frame.columns)

    def color_options(self) -> list[tuple[str, str]]:
        """(label, column) of what the map can be coloured by."""
        cols = self.frame.columns
        out = [(lab, c) for lab, c in (("topic", "topic"), ("task type", "task_type"), ("language", "language"))
               if c in cols]
        if self.status is not None:
            out.append(("review status", REVIEW_STATUS))
        out += [(f"flag: {c[3:-6]}", c) for c in cols if c.startswith("is_") and c.endswith("_issue")
                and c != "is_topics_issue"]
        return out

    def topic_overview(self) -> pd.DataFrame | None:
        """Per topic: label, size, share, task-type mix and flag rate (``quality.topics.topic_overview``)."""
        if "topic" not in self.frame.columns:
            return None
        if self._topics is None:
            from workbench.quality.topics import topic_overview

            self._topics = topic_overview(self.frame)
        return self._topics

    def _summary_html(self) -> str:
        parts = ["<h4 style='margin:6px 0'>What is in the data</h4>"]
        if not self.dataset.has_categories:
            parts.append("<div class='wb-info'>The data has no categories: task types and topics below are "
                         "inferred from the prompts. Click a bar, or select a region of the map, to review "
                         "those records.</div>")
        if "task_type" in self.frame.columns:
            counts = self.frame["task_type"].value_counts()
            n = max(int(counts.sum()), 1)
            parts.append("<div class='wb-task-types'><b>Task types</b>: " + ", ".join(
                f"{esc(k)} {v:,} ({v / n:.0%})" for k, v in counts.items()) + "</div>")
        ov = self.topic_overview()
        if ov is not None and len(ov):
            table = pd.DataFrame({
                "topic": ov.index.astype(int), "label": ov.get("label", ""), "records": ov["size"].astype(int),
                "share": ov["share"].map(lambda s: f"{s:.0%}"),
                "main task types": [", ".join(list(m)[:2]) if isinstance(m, dict) else ""
                                    for m in ov.get("task_types", [None] * len(ov))]})
            parts.append(f"<div class='wb-topics'><b>Topics</b> ({len(ov)})" + html_table(table, max_rows=10)
                         + "</div>")
        if len(parts) == 1:
            parts.append("<i>no task types or topics: the quality signals are unavailable</i>")
        return "".join(parts)

    # figure ------------------------------------------------------------------------------------------
    def build_figure(self):
        """Category (if any), task-type and topic bars and the map, stacked in one figure."""
        from workbench import plots

        figs, heights = [], []
        if self.dataset.has_categories:
            cats = pd.Series(self.dataset.table.column("category").to_pylist(), dtype=object)
            figs.append(plots.category_distribution(cats.fillna("(none)"), self.target_mix))
            heights.append(320.0)
        if "task_type" in self.frame.columns:
            figs.append(plots.task_type_distribution(self.frame["task_type"]))
        ov = self.topic_overview()
        if ov is not None:
            figs.append(plots.topic_distribution(ov))
        heights += [float(f.layout.height or 320) for f in figs[len(heights):]]
        for f in figs:  # the legend is the map's (and the category targets')
            f.update_traces(showlegend=False, selector=lambda t: t.name != "target")
        self._n_fixed = sum(len(f.data) for f in figs)
        self._map_row = len(figs) + 1 if self.has_map else None
        if self.has_map:
            figs.append(self.map_figure(self.color))
            heights.append(520.0)
        fig = plots.stack_figures(figs, heights)
        if self.has_map:
            fig.update_layout(dragmode="lasso", legend={"y": heights[-1] / sum(heights), "yanchor": "top"})
        return fig

    def map_figure(self, color: str):
        """The map alone, coloured by ``color`` (a column, or "review_status")."""
        from workbench.model.text import prompt_text
        from workbench.plots.map import map_figure, sample_positions

        f = self.frame
        data = {"id": f["id"], "map_x": f["map_x"], "map_y": f["map_y"]}
        if color == REVIEW_STATUS:
            data[color] = review_status(self.status(), self.dataset.ids)
        elif color:
            data[color] = f[color]
        if color == "topic" and "topic_label" in f.columns:
            data["topic_label"] = f["topic_label"]
        drawn = sample_positions(len(f), self.max_points)
        prompts = np.full(len(f), None, dtype=object)
        prompts[drawn] = prompt_text(self.dataset.table.take(pa.array(drawn, pa.int64()))).to_pylist()
        data["prompt"] = prompts
        return map_figure(pd.DataFrame(data), color=color, hover="prompt", max_points=self.max_points)

    def _widget(self, fig) -> W.Widget:
        out = W.Output()
        self._show_static(out, fig)
        if self.linked:
            from workbench.ui.plot_events import PlotEvents

            self.events = PlotEvents(self.guard(self.on_event, "composition filter"))
            out.add_class(self.events.target)
            return W.VBox([out, self.events])
        return out

    def _show_static(self, out: W.Output | None = None, fig=None) -> None:
        """Draw ``fig`` (default: the panel's figure) as a static plotly output in ``out``."""
        if out is None:  # the panel's own output (inside the VBox with the events bridge when linked)
            out = self.output.children[0] if self.events is not None else self.output
        fig = self.figure if fig is None else fig
        self.put(out, {"output_type": "display_data", "metadata": {},
                       "data": {"application/vnd.plotly.v1+json": json.loads(fig.to_json()),
                                "text/plain": "<composition>"}})

    def set_color(self, color: str) -> None:
        """Colour the map by ``color`` (one of :meth:`color_options`' columns)."""
        if color not in [c for _, c in self.color_options()]:
            raise ValueError(f"cannot colour the map by {color!r}")
        self.color = color
        new = self.map_figure(color)
        row = self._map_row
        axes = {"xaxis": f"x{row if row > 1 else ''}", "yaxis": f"y{row if row > 1 else ''}"}
        for trace in new.data:
            trace.update(**axes)
        self.figure.data = self.figure.data[:self._n_fixed]
        self.figure.add_traces(list(new.data))
        self.figure.layout.annotations[row - 1].text = new.layout.title.text
        self._show_static()

    # links -------------------------------------------------------------------------------------------
    def on_event(self, event: dict) -> None:
        """An event of the figure from the page (:class:`~workbench.ui.plot_events.PlotEvents`): a click on
        a bar filters the queue on that bar; a box or lasso on the map filters it to every record inside.
        Indices come from the browser: anything that does not name a trace and point of this figure, or
        a selection with no map point in it (one on the bars), is ignored."""
        data = self.figure.data
        points = [p for p in event.get("points") or [] if isinstance(p, (list, tuple)) and len(p) == 2
                  and all(isinstance(i, int) and not isinstance(i, bool) for i in p) and 0 <= p[0] < len(data)]
        if event.get("event") == "click":
            for curve, index in points[:1]:
                trace = data[curve]
                meta = trace.meta if isinstance(trace.meta, dict) else {}
                if meta.get("link") == "key" and trace.customdata is not None and 0 <= index < len(trace.customdata):
                    self.on_click(trace, index)
            return
        if event.get("event") != "select" or not any(
                isinstance(data[c].meta, dict) and data[c].meta.get("region") for c, _ in points):
            return  # no map point selected (a selection on the bars, or an empty one)
        if event.get("lasso"):
            xs, ys = event["lasso"]
            region = {"lasso": {"x": [float(v) for v in xs], "y": [float(v) for v in ys]}}
        elif event.get("box"):
            (x0, x1), (y0, y1) = event["box"]
            region = {"box": [float(x0), float(x1), float(y0), float(y1)]}
        else:
            return
        self.select_region(region)

    def on_click(self, trace, index: int) -> None:
        """A click on a bar: filter the queue on that bar's category, task type or topic(s)."""
        meta = trace.meta if isinstance(trace.meta, dict) else {}
        self.filter_by(meta.get("column"), trace.customdata[index])

    def filter_by(self, column: str, key: Any) -> None:
        """Open the review queue on the records whose ``column`` ("category", "task_type" or "topic")
        is ``key`` (for topics: an id or a string of space-separated ids)."""
        if column == "category":
            self.filter_review(label=f"category = {key}", category=str(key))
        elif column == "task_type":
            if not is_task_type(key):
                raise ValueError(f"{key!r} is not a task type")
            self.filter_review(label=f"task type = {key}", query=f"task_type == '{key}'")
        elif column == "topic":
            ids = [int(t) for t in str(key).split()]
            ov = self.topic_overview()  # cached with the panel: no groupby per click
            labels = ov["label"] if ov is not None and "label" in ov.columns else {}
            what = (f"topic {ids[0]} ({labels.get(ids[0], '')})" if len(ids) == 1
                    else f"{len(ids)} topics")
            self.filter_review(label=what, query=topic_query(ids))
        else:
            raise ValueError(f"this chart does not filter the queue ({column!r})")

    def select_region(self, region: dict) -> np.ndarray:
        """Filter the queue to the records inside ``region`` (see :mod:`workbench.ui.regions`); returns
        their table positions."""
        positions = region_positions(self.frame, region)
        self.filter_review(label=f"{describe_region(region)} ({len(positions):,} records)", region=region)
        return positions
