"""The review widget: every view assembled around one session, plus keyboard shortcuts.

Keys work while the focus is anywhere inside the widget (a click inside gives it the focus, shown by a
blue ring) and never while a text box or a notebook cell has it: :mod:`workbench.ui.keys_widget`
listens in the browser, :mod:`workbench.ui.keys` decides what a key does (no widgets there).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from workbench.store.fold import PROJECT_RECORD
from workbench.ui import render
from workbench.ui.keys import ReviewKeys, keymap_html
from workbench.ui.keys_widget import KeyCapture
from workbench.ui.panels import DecisionPanel, LabelPanel, PreferencePanel, RatingPanel
from workbench.ui.side_panels import AdjudicationPanel, BulkPanel, SuggestionPanel
from workbench.ui.views import Editor, FiltersPanel, RecordView, Toolbar

HELP = ("Keys (click the review pane first): <b>j</b>/→ next · <b>k</b>/← previous · <b>1-5</b> rate overall · "
        "<b>a</b> accept · <b>r</b> reject · <b>f</b> needs fix · <b>e</b> escalate · <b>A</b>/<b>B</b>/<b>T</b> "
        "A better / B better / tie · <b>u</b> undo on this record · <b>o</b> expand · <b>i</b> edit · "
        "<b>s</b> accept the selected suggestion · <b>?</b> all keys")
FOLDED = '<details class="wb-fold">'

TOOLS = ("filters", "editor", "bulk")  # the accordion's panels, in order
TOOL_TITLES = ("Filters & sort", "Edit text (diff below)", "Bulk actions")
LAZY_PANELS = (*TOOLS, "adjudication")
PANEL_CLASSES = {"filters": FiltersPanel, "editor": Editor, "bulk": BulkPanel, "adjudication": AdjudicationPanel}

MODE_NOTES = {
    "calibration": "Calibration: the shared calibration set comes first; the team discusses disagreements.",
    "adjudicate": "Adjudication: every annotator's values side by side; your decision is final.",
}


class ReviewWidget:
    """The widget a reviewer works in; ``.widget`` is the root box, ``.session`` the state.

    Parameters
    ----------
    session : ReviewSession
        The session the views observe and act through.
    auto_advance : bool
        Accept, reject and needs fix open the next record (a checkbox in the widget changes it).
    follow : bool
        Watch the project's event log (:class:`workbench.store.follow.LogFollower`: a cheap poll on
        SQLite, LISTEN/NOTIFY on PostgreSQL): when other reviewers act, the reload button says how many
        new actions wait, without showing whose or what (blind review holds). Off by default: each
        follower is a thread.
    """

    def __init__(self, session, auto_advance: bool = True, follow: bool = False):
        self.session = session
        session.auto_advance = bool(auto_advance)
        self.expanded = False  # "o": long texts shown unfolded
        self.toolbar = Toolbar(session)
        self.record = RecordView(session)
        self.rating = RatingPanel(session)
        self.labels = LabelPanel(session)
        self.decision = DecisionPanel(session)
        self.preference = PreferencePanel(session)
        self.suggestions = SuggestionPanel(session)
        self.message = w.HTML()
        self.help = w.HTML(f'<div class="wb-help" style="color:#666;font-size:11px">{HELP}</div>')
        self.mode_note = w.HTML(render.message_html(MODE_NOTES.get(session.mode, ""), "info"))
        self.shortcut_keys = ReviewKeys(session, self)
        self.keys = KeyCapture(session.guard(self.shortcut_keys.press), self.shortcut_keys.bound())
        self.keymap = w.HTML(keymap_html(), layout=w.Layout(display="none"))
        self.advance = w.Checkbox(value=session.auto_advance, description="next record after a decision",
                                  indent=False, layout=w.Layout(width="auto"))
        self.advance.observe(lambda ch: setattr(session, "auto_advance", bool(ch["new"])), names="value")
        self.decision.undo.tooltip = "undo your last action on this record (u; Shift+U: on any record)"
        self.decision.redo.tooltip = "redo your last undo on this record"
        self._views = [self.toolbar, self.record, self.rating, self.labels, self.decision, self.preference,
                       self.suggestions]
        side = w.VBox([self.rating.box, self.labels.box, self.decision.box, self.preference.box,
                       self.suggestions.box],
                      layout=w.Layout(flex="2 1 0%", min_width="320px"))
        # the rarely used panels (about 140 widget models) are built the first time they are opened or
        # used (see _panel): the Review tab's first paint creates only what is on screen
        self._panels: dict[str, Any] = {}
        self._slots = {name: w.VBox() for name in LAZY_PANELS}
        self.tools = w.Accordion(children=[self._slots[name] for name in TOOLS], titles=TOOL_TITLES)
        self.tools.observe(self._open_tool, names="selected_index")
        self._adjudicating = session.mode == "adjudicate"
        if self._adjudicating:
            self._panel("adjudication")
        self.widget = w.VBox([self.toolbar.box, self.mode_note, self.message,
                              w.HBox([self.keys, self.advance], layout=w.Layout(align_items="center")),
                              self.help, self.keymap, w.HBox([self.record.box, side]),
                              self._slots["adjudication"], self.tools])
        self.widget.add_class("wb-review")
        self._unobserve = session.observe(self._on_change)
        self.follower = None
        self._others_seq = session.project.log.max_seq()
        self.refresh()
        if follow:
            self.follow()

    # panels built on first use ---------------------------------------------------------------------
    def _panel(self, name: str):
        """The panel ``name`` of :data:`LAZY_PANELS`, built (and put in its place) on first use."""
        panel = self._panels.get(name)
        if panel is None:
            panel = self._panels[name] = PANEL_CLASSES[name](self.session)
            if name == "editor":
                panel.box.add_class("wb-editor")
            if name == "adjudication":
                panel.box.layout.display = None if self._adjudicating else "none"
            self._slots[name].children = (panel.box,)
            panel.refresh()
            if name != "filters":  # the filters follow the queue ("queue" changes), not each record
                self._views.append(panel)
        return panel

    def _open_tool(self, change) -> None:
        index = change["new"]
        if index is not None and 0 <= index < len(TOOLS):
            self.session.guard(self._panel)(TOOLS[index])

    @property
    def filters(self) -> FiltersPanel:
        return self._panel("filters")

    @property
    def editor(self) -> Editor:
        return self._panel("editor")

    @property
    def bulk(self) -> BulkPanel:
        return self._panel("bulk")

    @property
    def adjudication(self) -> AdjudicationPanel:
        return self._panel("adjudication")

    # other reviewers' work -----------------------------------------------------------------------
    def follow(self, schedule: Callable[[Callable[[], None]], None] | None = None, wait_seconds: float = 2.0):
        """Start following the event log (see the class docstring). ``schedule`` runs a callback on the
        thread that owns the widgets (default: the kernel's event loop, so widget state is only ever
        changed between messages, never from the follower's thread)."""
        from workbench.store.follow import LogFollower

        if schedule is None:
            from tornado.ioloop import IOLoop

            loop = IOLoop.current()
            schedule = loop.add_callback
        run = schedule
        self.follower = LogFollower(self.session.project.log, lambda seq: run(self.note_new_events),
                                    wait_seconds=wait_seconds).start()
        return self.follower

    def note_new_events(self) -> int:
        """Count the actions other reviewers stored since this widget last showed the log, and show the
        count on the reload button (which reloads and clears it). Returns the count."""
        log = self.session.project.log
        new = log.frame(after_seq=self._others_seq)
        acts = new[(new["reviewer"] != self.session.reviewer) & (new["record_id"] != PROJECT_RECORD)] if len(new) else new
        others = len(acts)
        button = self.toolbar.reload
        if others:
            button.description = f"↻ {others} new"
            button.button_style = "info"
            button.tooltip = f"{others} new action{'s' if others != 1 else ''} by other reviewers: reload to see them"
        return others

    def _reloaded(self) -> None:
        self._others_seq = self.session.project.log.max_seq()
        button = self.toolbar.reload
        button.description, button.button_style = "↻", ""
        button.tooltip = "reload: show other reviewers' new work"

    # updates -------------------------------------------------------------------------------------
    def _on_change(self, change: str) -> None:
        if change == "message":
            self.message.value = render.message_html(self.session.message, self.session.level)
            return
        if change == "bulk":
            if "bulk" in self._panels:
                self._panels["bulk"].refresh()
            return
        if change == "queue":
            if "filters" in self._panels:
                self._panels["filters"].refresh()
            if self.follower is not None or self.toolbar.reload.button_style:
                self._reloaded()  # a rebuild re-read the log: nothing waits any more
        self.refresh()

    def refresh(self) -> None:
        """Bring every view up to date with the session."""
        for view in self._views:
            view.refresh()
        if self.expanded:
            self.record.html.value = self.record.html.value.replace(FOLDED, '<details class="wb-fold" open>')
        self._mark_preference()
        self.message.value = render.message_html(self.session.message, self.session.level)

    def _mark_preference(self) -> None:
        """The reviewer's pick among A / tie / B is a filled button, like the decision."""
        s, p = self.session, self.preference
        value = p.mine().get(("preference", "preference")) if s.current_id else None
        choice = value.get("choice") if isinstance(value, dict) else None
        for button, name in ((p.a, "A"), (p.tie, "tie"), (p.b, "B")):
            button.button_style = "primary" if choice == name else ""

    # keyboard (see workbench.ui.keys) ------------------------------------------------------------
    def on_key(self, event: dict[str, Any]) -> str | None:
        """Handle a browser key event (``{"type": "keydown", "key": "j", "shiftKey": False, ...}``) as the
        browser side does; returns (and shows) the feedback line, None when the key is not the widget's."""
        text = self.session.guard(self.shortcut_keys.press)(event)
        self.keys.show(text)
        return text

    def toggle_help(self) -> str:
        shown = self.keymap.layout.display == "none"
        self.keymap.layout.display = None if shown else "none"
        return "key map shown (? hides it)" if shown else "key map hidden"

    def toggle_expand(self) -> str:
        self.expanded = not self.expanded
        self.record.refresh()
        if self.expanded:
            self.record.html.value = self.record.html.value.replace(FOLDED, '<details class="wb-fold" open>')
        return "long texts expanded (o folds them)" if self.expanded else "long texts folded"

    def focus_editor(self) -> str:
        self.tools.selected_index = 1
        self.keys.focus_editor()
        return "editing: the text box has the cursor; Esc leaves it"

    def accept_suggestion(self) -> Any:
        return self.suggestions.accept_selected()

    # display -------------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Stop observing the session and close the widgets."""
        self._unobserve()
        if self.follower is not None:
            self.follower.stop()
        self.keys.close()
        self.keymap.close()
        self.widget.close()
