"""The workbench dashboard: Overview, Review, Agreement and Export tabs in one ipywidgets box.

Served by Voila (``workbench serve`` runs ``notebooks/app.ipynb``) and usable in any notebook.
Only the Overview is built at once, from the project's counts and its cached signals; the other tabs
are built the first time they are opened, so the first paint stays cheap. Every callback runs
through :meth:`Dashboard.guard`: an exception becomes a one-line message in ``Dashboard.message``
(an HTML widget), never a traceback. Text from the data is escaped before it reaches HTML.
"""
from __future__ import annotations

import functools
import html
import json
import logging
import os
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import pandas as pd

from workbench.model.memory import release_freed
from workbench.ui.dashboard_tabs import AgreementTab, html_table
from workbench.ui.export_tab import ExportTab
from workbench.ui.identity_box import IdentityBox, key_from_query, one_line, reviewer_from_query
from workbench.ui.render import STYLE, esc
from workbench.ui.wording import project_title

TAB_TITLES = ("Overview", "Review", "Agreement", "Export")
log = logging.getLogger(__name__)
CSS = """<style>
.wb-header{font-size:15px;margin:2px 0 6px 0}.wb-count{white-space:nowrap}
.wb-error,.wb-warning,.wb-info{padding:4px 8px;border-radius:3px;margin:2px 0}
.wb-error{color:#8a1f11;background:#fde2e1}.wb-warning{color:#7a5b00;background:#fff4d6}
.wb-info{color:#1d4f73;background:#e3f0fa}.wb-record-status{color:#333;margin:2px 0 6px 0}
</style>"""


def error_widget(text: str) -> W.HTML:
    """A message widget for an error (``text`` is escaped)."""
    return W.HTML(f"<div class='wb-error'>{esc(text)}</div>")


class Dashboard(IdentityBox, AgreementTab, ExportTab):
    """The tabbed dashboard on one project.

    Parameters
    ----------
    project : Project
        An open project.
    reviewer : str, optional
        Who is working; else ``?reviewer=NAME`` of ``query_string``, else a name field is shown.
    query_string : str, optional
        The page's query string (default: Voila's ``QUERY_STRING`` environment variable).
    server_user : Identity, optional
        The user the server vouches for (JupyterHub, a trusted proxy); the reviewer is then that user.
    linked_charts : bool, optional
        Clicking a bar of the Overview's composition chart, or selecting a region of its map, filters
        the review queue (through a 2 KB events widget beside the static figure; see
        :mod:`workbench.ui.plot_events`); False only draws it. Default: the ``WORKBENCH_LINKED_CHARTS``
        environment variable ("0" turns them off), else True.
    """

    def __init__(self, project, reviewer: str | None = None, query_string: str | None = None,
                 linked_charts: bool | None = None, server_user=None):
        self.project = project
        self.server_user = server_user
        self.linked_charts = (os.environ.get("WORKBENCH_LINKED_CHARTS", "1") != "0" if linked_charts is None
                              else linked_charts)
        self.reviewer: str | None = None
        self.session = None
        self.review_widget = None
        self._signals: Any = None
        self.counts_html: W.HTML | None = None
        self._built: set[int] = set()
        self.message = W.HTML(layout=W.Layout(min_height="0"))
        self.header = W.HTML()
        self.identity = self._identity_box()
        self.tabs = W.Tab(children=[W.VBox() for _ in TAB_TITLES], titles=TAB_TITLES)
        self.tabs.observe(lambda ch: self.build_tab(ch["new"]), names="selected_index")
        self.widget = W.VBox([self.header, self.identity, self.message, self.tabs],
                             layout=W.Layout(width="100%"))
        self.widget.add_class("wb-dashboard")
        query = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
        name = reviewer or reviewer_from_query(query)
        self._update_header()
        self.build_tab(0)
        if name or server_user is not None:
            self.guard(self.set_reviewer, "reviewer")(name, key_from_query(query))

    def connect(self, query_string: str) -> None:
        """Take the reviewer (and key) from a page's query string, or the server's user, when none is set;
        bring the counts up to date."""
        name = reviewer_from_query(query_string)
        if (name or self.server_user is not None) and not self.reviewer:
            self.set_reviewer(name, key_from_query(query_string))
        self.refresh()

    def refresh(self) -> None:
        """Re-read the project's counts (other reviewers work at the same time)."""
        if self.counts_html is not None:
            self.counts_html.value = "<div class='wb-counts'>" + " · ".join(
                f"<span class='wb-count'><b>{n:,}</b> {esc(k[:-1] if n == 1 and k.endswith('s') else k)}</span>"
                for k, n in self.counts().items()) + "</div>"

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # messages and errors ---------------------------------------------------------------------
    def say(self, text: str, level: str = "info") -> None:
        self.message.value = f"<div class='wb-{level}' role='status'>{esc(text)}</div>" if text else ""

    def guard(self, fn: Callable, what: str) -> Callable:
        """``fn`` that reports an exception as a message instead of raising it."""
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - a reviewer sees a message, never a traceback
                log.debug("dashboard %s failed", what, exc_info=True)
                self.say(f"{what} failed: {one_line(exc)}", "error")
                return None
        return run

    # reviewer identity -----------------------------------------------------------------------
    def _update_header(self) -> None:
        how = getattr(self.reviewer, "verified_by", None)
        role = self.project.role_of(self.reviewer) if self.reviewer else None
        how_known = "verified by " + esc(how) if how else "typed name"
        # opening the page writes nothing: the store enrols a new name with its first saved action
        detail = (f" ({esc(role)}, {how_known})" if role else f" (new here: your first saved answer adds you as "
                  f"a reviewer; {how_known})") if self.reviewer else ""
        who = (f"reviewing as <b class='wb-reviewer'>{esc(self.reviewer)}</b>{detail}" if self.reviewer
               else "type your name to start reviewing")
        self.header.value = (f"{CSS}{STYLE}<div class='wb-header'><b>Workbench</b> · {esc(project_title(self.project))} "
                             f"· {who}</div>")

    # tabs --------------------------------------------------------------------------------------
    def build_tab(self, index: int | None) -> None:
        if index is None or index in self._built:
            return
        builders = (self._overview, self._review, self._agreement, self._export)
        box = self.tabs.children[index]
        try:
            box.children = tuple(builders[index]())
            self._built.add(index)
            # a tab's build frees large temporaries (frames, figures): every served tab is a kernel process,
            # so what the allocators keep of them is paid per tab (see workbench.model.memory)
            release_freed()
        except Exception as exc:  # noqa: BLE001
            log.debug("building tab %s failed", TAB_TITLES[index], exc_info=True)
            box.children = (W.HTML(f"<div class='wb-error'>{esc(TAB_TITLES[index])} could not be shown: "
                                   f"{esc(one_line(exc))}</div>"),)

    def signals(self):
        """The per-record quality signal frame from the project's cache (None when unavailable)."""
        if self._signals is None:
            rep = fresh_cached_signals(self.project)
            if rep is None:  # not cached, or cached by other data, guidelines or signal code: compute
                from workbench.workflows.signals import signals_or_none

                n = len(self.project.dataset)
                self.say(f"computing the quality signals of {n:,} records (once: they are cached)...")
                rep = signals_or_none(self.project, say=lambda message: self.say(message, "warning"),
                                      progress=lambda done, total: self.say(
                                          f"computing the quality signals: {done:,} of {total:,} records..."))
                if rep is not None:
                    self.say("")
            self._signals = False if rep is None else rep.frame
        return self._signals if self._signals is not False else None

    def filter_review(self, label: str | None = None, **filters: Any) -> None:
        """Open the Review tab with its queue filtered (``category=``, ``signals=[...]``, ``status=``,
        ``query=``, ``region=``: see :class:`workbench.ui.filters.Filters`); ``label`` names the filter
        in the message."""
        if not self.reviewer:
            self.say("type your name first: the review queue belongs to a reviewer", "warning")
            return
        self.tabs.selected_index = 1
        self.build_tab(1)
        from workbench.ui.filters import Filters

        if self.session is not None and self.session.set_filters(Filters(**filters)):
            what = label or ", ".join(f"{k} = {v}" for k, v in filters.items())
            self.say(f"review queue: {len(self.session.queue):,} records where {what}")

    def _figure(self, fig, put: Callable[[W.Output, dict], Any] | None = None) -> W.Widget:
        """The figure as a static output: in a notebook a plotly output (drawn by plotly's own renderer),
        in the served app a :class:`~workbench.ui.plotly_view.PlotlyView` (the pages carry no plotly
        extension; plotly.js is fetched when a figure is first drawn). No plotly ``FigureWidget``: each
        carries plotly.js (5 MB) in its own state, and the page shows nothing until the browser has
        compiled it (see :mod:`workbench.ui.plot_events`)."""
        fig = binned(fig)
        out = W.Output()
        bundle = {"output_type": "display_data", "metadata": {},
                  "data": {"application/vnd.plotly.v1+json": json.loads(fig.to_json()),
                           "text/plain": f"<{fig.layout.title.text or 'figure'}>"}}
        # at once (another tab's figures), or through the Overview's DeferredFigures
        (put or self._show_figure)(out, bundle)
        return out

    def _show_figure(self, out: W.Output, bundle: dict) -> None:
        """Put a plotly bundle into ``out``: as it is in a notebook (plotly's renderer draws it), as a
        :class:`~workbench.ui.plotly_view.PlotlyView` in the served app (its pages carry no plotly
        extension)."""
        if self.project.served:
            from workbench.ui.plotly_view import show_in

            show_in(out, bundle)
        else:
            out.outputs = (bundle,)

    # Overview -----------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        p = self.project
        status = p.status_frame()
        decided = status["decision"].value_counts()
        return {"records": len(p.dataset), "quarantined": len(p.dataset.quarantine),
                "reviewed": int((status["n_reviews"] > 0).sum()), "accepted": int(decided.get("accept", 0)),
                "rejected": int(decided.get("reject", 0)), "needs fix": int(decided.get("needs_fix", 0)),
                "disputed": int(status["disputed"].sum()), "reviewers": len(p.reviewers)}

    def _overview(self) -> list:
        from workbench import plots

        self.counts_html = W.HTML()
        self.refresh()
        items = [self.counts_html]
        frame = self.signals()
        from workbench.ui.composition import CompositionPanel

        # categories (when the data has them), inferred task types and topics, and the map: one linked figure
        from workbench.ui.plot_events import DeferredFigures

        # in the served app the figures are drawn once the Overview is on screen, after its first paint
        self.figures = DeferredFigures(defer=bool(self.project.served), show=self._show_figure)
        self.composition = CompositionPanel(self.project.dataset, frame, self.filter_review, self.guard,
                                            self.project.guidelines.target_mix, self.project.status_frame,
                                            linked=self.linked_charts, put=self.figures.put)
        items += [self.figures, *self.composition.children]
        if frame is not None:
            if "response_words" in frame.columns:
                items.append(self._figure(plots.length_histogram(frame, "response_words",
                                                                 window=self.project.guidelines.window_for(None)),
                                          self.figures.put))
            items.append(self._figure(plots.flag_counts(frame), self.figures.put))
            items.append(self._flag_buttons(frame))
        items.append(self._machine_suggestions())
        return items

    def _machine_suggestions(self) -> W.HTML:
        """Machine output (classifier, rules, LLM drafts and judge) in a box of its own, apart from
        the human counts: what was suggested, how often reviewers took it, and the provenance mix."""
        from workbench.assist import provenance_counts, suggestion_summary

        summary = suggestion_summary(self.project)
        if summary.empty:
            body = "<i>no machine suggestions in this project</i>"
        else:
            prov = provenance_counts(self.project)
            body = html_table(summary) + "<p>provenance: " + html.escape(
                ", ".join(f"{k} {v}" for k, v in prov["counts"].items())) + "</p>"
        return W.HTML("<div style='border:1px dashed #7b4fbf;padding:6px'><b>Machine suggestions</b> "
                      "<span style='color:#7b4fbf'>(suggestions, not human annotations)</span> " + body + "</div>")

    def _flag_buttons(self, frame: pd.DataFrame) -> W.Widget:
        buttons = []
        for col in (c for c in frame.columns if str(c).startswith("is_") and str(c).endswith("_issue")):
            n = int(frame[col].fillna(False).astype(bool).sum())
            if n:
                b = W.Button(description=f"{_signal_name(col)}: {n}", tooltip="review these records")
                signal = _signal_name(col)
                b.on_click(self.guard(lambda _, s=signal: self.filter_review(signals=[s]),
                                      "flag filter"))
                buttons.append(b)
        label = W.HTML("<b>Quality flags</b> (click to review the flagged records)" if buttons
                       else "<b>Quality flags</b>: none")
        return W.VBox([label, W.HBox(buttons, layout=W.Layout(flex_flow="row wrap"))])

    # Review -------------------------------------------------------------------------------------
    def _review(self) -> list:
        if not self.reviewer:
            return [W.HTML("<div class='wb-info'>Type your name above to start reviewing.</div>")]
        from workbench.ui import ReviewSession
        from workbench.ui.widget import ReviewWidget

        self.session = ReviewSession(self.project, self.reviewer, signals=self.signals())
        # in the served app other reviewers are working at the same time: their new actions are counted on
        # the reload button (a follower thread per kernel; not in notebooks and tests, where it would idle)
        self.review_widget = ReviewWidget(self.session, follow=self.project.served)
        self.record_status = W.HTML()
        self.session.observe(self.guard(lambda _change: self._show_record_status(), "record status"))
        self._show_record_status()
        return [self.record_status, self.review_widget.widget]

    def _show_record_status(self) -> None:
        """Who else reviewed the focused record and what they decided (several tabs work at once).

        Blind review: a reviewer sees how many others worked on it, not who or what they decided, until
        they decided themselves; adjudicators and owners see everything (:mod:`workbench.ui.blind`).
        """
        from workbench.ui.blind import sees_all
        from workbench.ui.wording import plural

        s = self.session
        if s.current_id is None:
            self.record_status.value = ""
            return
        state = s.record_state()
        who = state.reviewers()
        decisions = {r: v.get(("decision", "decision")) for r, v in state.values.items()}
        if sees_all(self.project, self.reviewer) or decisions.get(str(self.reviewer)):
            decided = ", ".join(f"{esc(r)}: {esc(d)}" for r, d in sorted(decisions.items()) if d)
            text = (f"reviewed by {esc(', '.join(who))}" + (f" · decision {decided}" if decided else "")
                    if who else "not reviewed yet")
        else:
            others = [r for r in who if r != str(self.reviewer)]
            mine = " · you reviewed it" if str(self.reviewer) in who else ""
            text = (f"{plural(len(others), 'other reviewer')} worked on it (their answers stay hidden "
                    f"until you decide){mine}" if others else f"not reviewed by others yet{mine}")
        self.record_status.value = (f"<div class='wb-record-status'><b>{esc(s.current_id)}</b> · {text}</div>")


def fresh_cached_signals(project):
    """The project's signal report read from its cache alone when the cache is fresh (no signal
    implementation imported: :func:`workbench.quality.engine.cached_signals`), else None."""
    try:
        from workbench.quality.engine import cached_signals
        from workbench.workflows.signals import signal_cache

        return cached_signals(project.dataset, project.guidelines, signal_cache(project))
    except Exception:  # noqa: BLE001 - the computing path reads the cache too and reports failures
        log.debug("reading the signal cache failed", exc_info=True)
        return None


HISTOGRAM_MAX_VALUES = 5_000  # a histogram of more values is shown as bars of its counts


def binned(fig, max_values: int = HISTOGRAM_MAX_VALUES):
    """``fig`` with each histogram trace of more than ``max_values`` values (and fixed ``xbins``) replaced
    by bars of its counts on the same bins, counted with numpy: a static chart needs the counts, not every
    record's value and id (the Overview's length histogram carried 4.5 MB at 200k records, 3 KB so)."""
    import numpy as np
    import plotly.graph_objects as go

    data = list(fig.data)
    changed = False
    for i, tr in enumerate(data):
        if tr.type != "histogram" or tr.x is None or len(tr.x) <= max_values or tr.y is not None:
            continue
        b = tr.xbins
        if b is None or b.size is None or b.start is None or b.end is None or not float(b.size) > 0:
            continue
        start, end, size = float(b.start), float(b.end), float(b.size)
        edges = start + size * np.arange(int(np.ceil((end - start) / size)) + 1)
        x = np.asarray(tr.x, dtype=float)
        counts, _ = np.histogram(x[np.isfinite(x)], bins=edges)
        text = [f"{lo:g}-{hi:g}" for lo, hi in zip(edges[:-1], edges[1:])]
        data[i] = go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=size, name=tr.name, text=text,
                         textposition="none", marker=tr.marker.to_plotly_json(), showlegend=tr.showlegend,
                         legendgroup=tr.legendgroup, xaxis=tr.xaxis, yaxis=tr.yaxis,
                         hovertemplate=(tr.hovertemplate or "").replace("%{x}", "%{text}") or None)
        changed = True
    if not changed:
        return fig
    out = go.Figure(fig)
    out.data = ()
    out.add_traces(data)
    return out


def _signal_name(column: str) -> str:
    """``is_<name>_issue`` -> ``<name>``."""
    col = str(column)
    return col[3:-6] if col.startswith("is_") and col.endswith("_issue") else col
