"""Widgets for annotating: ratings, category and tags, comment, decisions, preference (bulk, adjudication and
suggestions live in side_panels.py).

Values shown are the reviewer's own current values for the focused record; they are re-synced when
the focused record or its state changes, with a guard so that syncing never writes an event.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import ipywidgets as w

from workbench.model.events import DECISIONS
from workbench.ui import render

DECISION_LABELS = {"accept": ("Accept", "success"), "reject": ("Reject", "danger"),
                   "needs_fix": ("Needs fix", "warning"), "escalate": ("Escalate", "info")}


class Panel:
    """Base: a session, a root ``box``, and a guard for programmatic updates."""

    def __init__(self, session):
        self.session = session
        self._syncing = False
        self._key: Any = None

    @contextmanager
    def syncing(self):
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False

    def _changed(self) -> bool:
        """Whether the focused record (or its state) changed since the last refresh."""
        s = self.session
        key = (s.current_id, s.record_state().serial if s.current_id else None)
        changed, self._key = key != self._key, key
        return changed

    def mine(self) -> dict:
        s = self.session
        return s.record_state().mine(s.reviewer) if s.current_id else {}


class RatingPanel(Panel):
    """Overall and each guideline criterion on its scale, with the criterion descriptions at hand."""

    def __init__(self, session):
        super().__init__(session)
        g = session.project.guidelines
        self.toggles: dict[str, w.ToggleButtons] = {}
        rows = []
        for c in [g.OVERALL, *g.criteria]:
            lo, hi = c.scale
            t = w.ToggleButtons(options=[(str(v), v) for v in range(lo, hi + 1)], value=None,
                                tooltips=[f"{c.name}: {v}" for v in range(lo, hi + 1)],
                                style={"button_width": "32px"})
            t.observe(self.session.guard(lambda ch, name=c.name: self._on_rate(name, ch)), names="value")
            self.toggles[c.name] = t
            rows.append(w.HBox([w.HTML(f'<b title="{render.esc(c.description)}">{render.esc(c.name)}</b>',
                                       layout=w.Layout(width="110px")), t]))
            if c.description:
                rows.append(w.HTML(f'<div style="color:#666;font-size:11px;margin:-4px 0 4px 0">'
                                   f"{render.esc(c.description)}</div>"))
        self.box = w.VBox(rows)

    def _on_rate(self, name: str, change) -> None:
        if self._syncing or change["new"] is None:
            return
        if self.session.rate(change["new"], name) is None:
            self.refresh(force=True)  # refused: show the stored value again

    def refresh(self, force: bool = False) -> None:
        if not (self._changed() or force):
            return
        mine = self.mine()
        with self.syncing():
            for name, t in self.toggles.items():
                v = mine.get(("rating", name))
                t.value = v if v in [o[1] for o in t.options] else None


class LabelPanel(Panel):
    """Category (single), tags (multi-label) and a comment box."""

    def __init__(self, session):
        super().__init__(session)
        g = session.project.guidelines
        cats = list(g.categories) or sorted(
            {c for c in session.index.table.column("category").unique().to_pylist() if c})
        self.category = w.Dropdown(options=[("—", None)] + [(c, c) for c in cats], description="category")
        # free-text tags: the guidelines' tags (and tags already used) are suggestions, not a closed list
        self.tags = w.TagsInput(value=[], allowed_tags=[], allow_duplicates=False,
                                layout=w.Layout(width="100%", min_width="320px"))
        self.tag_suggest = w.Combobox(placeholder="add a tag (suggestions as you type)", options=list(g.tags),
                                      ensure_option=False, continuous_update=False,
                                      layout=w.Layout(width="260px"))
        self.tag_error = w.HTML()
        self.comment = w.Textarea(placeholder="comment", layout=w.Layout(width="100%"))
        self.add_comment = w.Button(description="Comment")
        self.comment_shown, self.suggested = w.HTML(), w.HTML()
        self.category.observe(self.session.guard(self._on_category), names="value")
        self.tags.observe(self.session.guard(self._on_tags), names="value")
        self.tag_suggest.observe(self.session.guard(self._on_suggested_tag), names="value")
        self.add_comment.on_click(self.session.guard(lambda _b: self._on_comment()))
        tag_row = w.HBox([w.HTML("<b>tags</b>&nbsp;"), self.tags], layout=w.Layout(width="100%"))
        self.box = w.VBox([self.category, tag_row, self.tag_suggest, self.tag_error, self.suggested,
                           self.comment, w.HBox([self.add_comment]), self.comment_shown])

    def _on_category(self, change) -> None:
        if not self._syncing and change["new"] is not None:
            if self.session.label(change["new"]) is None:
                self.refresh(force=True)

    def _on_tags(self, change) -> None:
        if not self._syncing:
            self._save_tags(list(change["new"]))

    def _on_suggested_tag(self, change) -> None:
        text = (change["new"] or "").strip()
        if self._syncing or not text:
            return
        if text not in self.tags.value:
            self._save_tags([*self.tags.value, text])
        with self.syncing():
            self.tag_suggest.value = ""

    def _save_tags(self, tags: list) -> None:
        """Save the full tag set; a refused tag says why beside the box (and the stored tags come back)."""
        if self.session.tag(tags) is None:
            self.tag_error.value = render.message_html(self.session.message, "error")
            self.refresh(force=True)
        else:
            self.tag_error.value = ""

    def _on_comment(self) -> None:
        if self.session.comment(self.comment.value) is not None:
            self.comment.value = ""

    def refresh(self, force: bool = False) -> None:
        if not (self._changed() or force):
            return
        if not force:
            self.tag_error.value = ""  # a refusal belongs to the record it was made on
        mine = self.mine()
        pre = {t: v for t, v in self.session.prefill().items() if t in ("category", "tags")} \
            if self.session.current_id else {}  # suggestions shown in place until the reviewer answers
        with self.syncing():
            cat = mine.get(("label", "category"), pre.get("category", {}).get("value"))
            self.category.value = cat if cat in [o[1] for o in self.category.options] else None
            tags = mine.get(("tags", "tags"), pre.get("tags", {}).get("value"))
            self.tags.value = list(tags or [])
            used = self.session.project.guidelines.tags
            self.tag_suggest.options = sorted({*used, *self.tags.value})
        self.suggested.value = "".join(f"<div>{render.suggestion_badge(v)} {render.esc(t)} pre-filled, not "
                                       "saved: press <b>s</b> to accept</div>" for t, v in pre.items())
        note = mine.get(("comment", "comment"))
        self.comment_shown.value = \
            f'<div style="color:#555">your comment: {render.esc(note)}</div>' if note else ""


class DecisionPanel(Panel):
    """accept / reject / needs fix / escalate, undo and redo; the reviewer's decision is highlighted."""

    def __init__(self, session):
        super().__init__(session)
        self.buttons: dict[str, w.Button] = {}
        self.styles: dict[str, str] = {}
        for d in DECISIONS:
            label, style = DECISION_LABELS.get(d, (d, ""))
            b = w.Button(description=label, tooltip=d, layout=w.Layout(width="95px"))
            b.on_click(self.session.guard(lambda _b, d=d: self.session.decide(d)))
            self.buttons[d] = b
            self.styles[d] = style
        self.undo = w.Button(description="Undo", icon="undo", layout=w.Layout(width="80px"))
        self.redo = w.Button(description="Redo", icon="redo", layout=w.Layout(width="80px"))
        self.undo.on_click(self.session.guard(lambda _b: self.session.undo()))
        self.redo.on_click(self.session.guard(lambda _b: self.session.redo()))
        self.current = w.HTML()
        self.box = w.VBox([w.HBox(list(self.buttons.values())), w.HBox([self.undo, self.redo, self.current])])

    def refresh(self, force: bool = False) -> None:
        if not (self._changed() or force):
            return
        decision = self.mine().get(("decision", "decision"))
        for d, b in self.buttons.items():
            b.button_style = self.styles[d] if d == decision else ""
        final = " (final: adjudicating)" if self.session.mode == "adjudicate" else ""
        self.current.value = f"decision: <b>{render.esc(decision)}</b>{final}" if decision else ""


class PreferencePanel(Panel):
    """A / tie / B for preference pairs, a ranking for N candidates (display order recorded)."""

    def __init__(self, session):
        super().__init__(session)
        self.a = w.Button(description="A is better")
        self.tie = w.Button(description="Tie")
        self.b = w.Button(description="B is better")
        for button, choice in ((self.a, "A"), (self.tie, "tie"), (self.b, "B")):
            button.on_click(self.session.guard(lambda _b, c=choice: self.session.prefer(c)))
        self.pair = w.HBox([self.a, self.tie, self.b])
        self.ranking = w.Text(placeholder="best first, e.g. B > A > C", description="ranking")
        self.save_ranking = w.Button(description="Save ranking")
        self.save_ranking.on_click(self.session.guard(lambda _b: self.session.rank(self.ranking.value)))
        self.rank_box = w.HBox([self.ranking, self.save_ranking])
        self.current = w.HTML()
        self.box = w.VBox([self.pair, self.rank_box, self.current])

    def refresh(self, force: bool = False) -> None:
        if not (self._changed() or force):
            return
        s = self.session
        kind = s.record_state().record.kind if s.current_id else None
        self.box.layout.display = None if kind in ("preference", "ranking") else "none"
        self.pair.layout.display = None if kind == "preference" else "none"
        self.rank_box.layout.display = None if kind == "ranking" else "none"
        value = self.mine().get(("preference", "preference"))
        shown = _letters(value, s.current_order()) if value else ""
        self.current.value = f"your answer: {render.esc(shown)}" if value else ""


def _letters(value: dict, order: list) -> str:
    """A stored preference as the letters the reviewer sees now."""
    if "ranking" in value:
        return " > ".join(render.LETTERS[order.index(v)] if v in order else str(v) for v in value["ranking"])
    return str(value.get("choice"))
