"""The review widget: every view assembled around one session, plus keyboard shortcuts.

Keyboard events are captured with ``ipyevents`` on the record view (ipyevents listens while the
mouse is over it), so typing in an editor's text area never triggers a shortcut.
"""
from __future__ import annotations

from typing import Any, Callable

import ipywidgets as w
from ipyevents import Event

from workbench.ui import render
from workbench.ui.panels import DecisionPanel, LabelPanel, PreferencePanel, RatingPanel
from workbench.ui.side_panels import AdjudicationPanel, BulkPanel, SuggestionPanel
from workbench.ui.views import Editor, FiltersPanel, RecordView, Toolbar

HELP = ("Keys (mouse over the record): <b>j</b>/→ next · <b>k</b>/← previous · <b>1-5</b> rate overall · "
        "<b>a</b> accept · <b>r</b> reject · <b>f</b> needs fix · <b>e</b> escalate · <b>u</b> undo · "
        "<b>s</b> accept the selected suggestion")
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
    """

    def __init__(self, session):
        self.session = session
        self.toolbar = Toolbar(session)
        self.filters = FiltersPanel(session)
        self.record = RecordView(session)
        self.editor = Editor(session)
        self.rating = RatingPanel(session)
        self.labels = LabelPanel(session)
        self.decision = DecisionPanel(session)
        self.preference = PreferencePanel(session)
        self.bulk = BulkPanel(session)
        self.adjudication = AdjudicationPanel(session)
        self.suggestions = SuggestionPanel(session)
        self.message = w.HTML()
        self.help = w.HTML(f'<div style="color:#666;font-size:11px">{HELP}</div>')
        self.mode_note = w.HTML(render.message_html(MODE_NOTES.get(session.mode, ""), "info"))
        self.keys = Event(source=self.record.html, watched_events=["keydown"])  # copy (ctrl+c) keeps working
        self.keys.on_dom_event(session.guard(self.on_key))
        self._views = [self.toolbar, self.record, self.editor, self.rating, self.labels, self.decision,
                       self.preference, self.bulk, self.adjudication, self.suggestions]
        side = w.VBox([self.rating.box, self.labels.box, self.decision.box, self.preference.box,
                       self.suggestions.box],
                      layout=w.Layout(flex="2 1 0%", min_width="320px"))
        self.tools = w.Accordion(children=[self.filters.box, self.editor.box, self.bulk.box],
                                 titles=("Filters & sort", "Edit text (diff below)", "Bulk actions"))
        self.adjudication.box.layout.display = None if session.mode == "adjudicate" else "none"
        self.widget = w.VBox([self.toolbar.box, self.mode_note, self.message, self.help,
                              w.HBox([self.record.box, side]), self.adjudication.box, self.tools])
        self._unobserve = session.observe(self._on_change)
        self.filters.refresh()
        self.refresh()

    # updates -------------------------------------------------------------------------------------
    def _on_change(self, change: str) -> None:
        if change == "message":
            self.message.value = render.message_html(self.session.message, self.session.level)
            return
        if change == "bulk":
            self.bulk.refresh()
            return
        if change == "queue":
            self.filters.refresh()
        self.refresh()

    def refresh(self) -> None:
        """Bring every view up to date with the session."""
        for view in self._views:
            view.refresh()
        self.message.value = render.message_html(self.session.message, self.session.level)

    # keyboard ------------------------------------------------------------------------------------
    def shortcuts(self) -> dict[str, Callable[[], Any]]:
        """Key -> action (the help line lists them)."""
        s = self.session
        keys: dict[str, Callable[[], Any]] = {
            "j": s.next_record, "ArrowRight": s.next_record, "ArrowDown": s.next_record,
            "k": s.prev_record, "ArrowLeft": s.prev_record, "ArrowUp": s.prev_record,
            "a": lambda: s.decide("accept"), "r": lambda: s.decide("reject"),
            "f": lambda: s.decide("needs_fix"), "e": lambda: s.decide("escalate"), "u": s.undo,
            "s": self.suggestions.accept_selected,
        }
        lo, hi = s.project.guidelines.OVERALL.scale
        for v in range(lo, min(hi, 9) + 1):
            keys[str(v)] = lambda v=v: s.rate(v, "overall")
        return keys

    def on_key(self, event: dict[str, Any]) -> None:
        """Handle an ipyevents keyboard event (``{"type": "keydown", "key": "j", ...}``)."""
        if event.get("type") != "keydown" or any(event.get(m) for m in ("ctrlKey", "metaKey", "altKey")):
            return
        action = self.shortcuts().get(event.get("key", ""))
        if action is not None:
            action()

    # display -------------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Stop observing the session and close the widgets."""
        self._unobserve()
        self.keys.close()
        self.widget.close()
