"""Side panels of the review widget: bulk actions, adjudication (every reviewer side by side) and
machine suggestions. Split from :mod:`workbench.ui.panels`, whose ``Panel`` base they share."""
from __future__ import annotations

import ipywidgets as w

from workbench.ui import render
from workbench.ui.bulk import BULK_ACTIONS
from workbench.ui.panels import Panel
from workbench.ui.wording import field_label


class BulkPanel(Panel):
    """Bulk actions on the filtered selection: prepare, read the plan, confirm or cancel."""

    HELP = {"reject_duplicates": "duplicate signal (default exact_duplicates)", "decide": "decision",
            "tag": "tags, comma-separated", "label": "category", "assign": "reviewer"}

    def __init__(self, session):
        super().__init__(session)
        self.action = w.Dropdown(options=BULK_ACTIONS, value="reject_duplicates", description="action")
        self.param = w.Text(placeholder=self.HELP["reject_duplicates"], description="value")
        self.prepare = w.Button(description="Prepare")
        self.confirm = w.Button(description="Confirm", button_style="danger", disabled=True)
        self.cancel = w.Button(description="Cancel", disabled=True)
        self.plan = w.HTML()
        self.action.observe(self.session.guard(self._on_action), names="value")
        self.prepare.on_click(self.session.guard(lambda _b: self._prepare()))
        self.confirm.on_click(self.session.guard(lambda _b: self.session.confirm_bulk()))
        self.cancel.on_click(self.session.guard(lambda _b: self.session.cancel_bulk()))
        self.box = w.VBox([w.HBox([self.action, self.param, self.prepare]), self.plan,
                           w.HBox([self.confirm, self.cancel])])

    def _on_action(self, change) -> None:
        self.param.placeholder = self.HELP[change["new"]]

    def _prepare(self) -> None:
        action, text = self.action.value, self.param.value.strip()
        key = {"decide": "decision", "label": "category", "assign": "reviewer", "reject_duplicates": "signal"}
        if action == "tag":
            params = {"tags": [t.strip() for t in text.split(",") if t.strip()]}
        else:
            params = {key[action]: text} if text else {}
        self.session.bulk(action, **params)

    def refresh(self, force: bool = False) -> None:
        p = self.session.pending_bulk
        self.confirm.disabled = self.cancel.disabled = p is None
        self.confirm.description = f"Confirm ({len(p):,})" if p is not None else "Confirm"
        s = self.session
        n = len(s.selection) if s.selection is not None else len(s.queue)
        self.plan.value = (f"<b>about to {render.esc(p.description)}</b>" if p is not None
                           else f"applies to the {n:,} records of the filtered queue")


class AdjudicationPanel(Panel):
    """Every reviewer's values side by side, their edits as diffs, and open conflicts."""

    def __init__(self, session):
        super().__init__(session)
        self.html = w.HTML()
        self.box = w.VBox([self.html])

    def refresh(self, force: bool = False) -> None:
        s = self.session
        if s.mode != "adjudicate" or not (self._changed() or force):
            return
        if s.current_id is None:
            self.html.value = ""
            return
        state = s.record_state()
        rows, reviewers = s.annotations()
        roles = _roles(s)
        parts = [render.annotations_table(rows, reviewers, roles)]
        for reviewer in reviewers:
            for (kind, target), value in state.values[reviewer].items():
                if kind == "edit":
                    title = f"{reviewer}: {field_label(target, s.current_order(), len(state.record.messages))}"
                    parts.append(render.diff_html(state.original_text(target), value, title))
        for c in state.conflicts:
            if not c["resolved"]:
                parts.append(render.message_html(f"conflict ({c['reason']}): {c['reviewer']}'s edit of "
                                                 f"{field_label(c['target'])} is not applied", "conflict"))
        self.html.value = "".join(parts)


class SuggestionPanel(Panel):
    """Machine suggestions on the focused record, marked apart from human work; "s" or the button accepts."""

    def __init__(self, session):
        super().__init__(session)
        self.html = w.HTML()
        self.target = w.Dropdown(description="suggestion", layout=w.Layout(width="260px"))
        self.text = w.Textarea(layout=w.Layout(width="100%", display="none"))  # a draft, editable first
        self.accept = w.Button(description="Accept suggestion (s)", icon="check", button_style="info")
        self.accept.on_click(self.session.guard(lambda _b: self.accept_selected()))
        self.target.observe(self.session.guard(lambda _c: self._show_draft()), names="value")
        self.box = w.VBox([self.html, w.HBox([self.target, self.accept]), self.text])

    def accept_selected(self):
        """Accept the selected suggestion (a draft with the reviewer's changes in the text box)."""
        text = self.text.value if self.text.layout.display != "none" else None
        return self.session.accept_suggestion(self.target.value, text=text)

    def _show_draft(self) -> None:
        s, t = self.session, self.target.value
        v = s.record_state().suggestions.get(t) if s.current_id and t else None
        draft = isinstance(v, dict) and isinstance(v.get("value"), str) and "[" in t
        self.text.layout.display = None if draft else "none"
        self.text.value = v["value"] if draft else ""

    def refresh(self, force: bool = False) -> None:
        if not (self._changed() or force):
            return
        s = self.session
        sugg = s.record_state().suggestions if s.current_id else {}
        pre = s.prefill() if s.current_id else {}
        self.box.layout.display = None if sugg else "none"
        keep = self.target.value
        self.target.options = sorted(sugg, key=lambda t: t not in pre)  # unanswered ones first
        self.target.value = keep if keep in pre else next(iter(self.target.options), None)
        self.html.value = render.suggestions_html(sugg, list(pre))
        self._show_draft()


def _roles(session) -> dict[str, str]:
    try:
        return dict(session.project.reviewers)
    except Exception:
        return {}
