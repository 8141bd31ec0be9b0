"""Widgets for navigating and reading: toolbar, filters panel, record view and text editor.

Each view takes the session, builds its widgets once and has ``refresh()`` to show the session's
state; user input calls session methods. Text the tests (and reviewers) read lives in HTML widgets.
"""
from __future__ import annotations

from typing import Any

import ipywidgets as w
import pyarrow.compute as pc

from workbench.ui import render
from workbench.ui.filters import SEARCH_FIELDS, STATUSES, Filters

PAGE_SIZES = (1, 5, 10, 20, 50)


def _layout(**kw: Any) -> w.Layout:
    return w.Layout(**kw)


class Toolbar:
    """first / previous / next / last, jump to an id or position, page size, progress."""

    def __init__(self, session):
        self.session = session
        # FontAwesome icons (bundled with the widgets) rather than glyphs a browser font may lack
        self.first = w.Button(description="", icon="fast-backward", tooltip="first page",
                              layout=_layout(width="40px"))
        self.prev = w.Button(description="◀", tooltip="previous page", layout=_layout(width="40px"))
        self.next = w.Button(description="▶", tooltip="next page", layout=_layout(width="40px"))
        self.last = w.Button(description="", icon="fast-forward", tooltip="last page",
                             layout=_layout(width="40px"))
        self.reload = w.Button(description="↻", tooltip="reload: show other reviewers' new work",
                               layout=_layout(width="40px"))
        self.jump_text = w.Text(placeholder="id or position", layout=_layout(width="160px"))
        self.jump = w.Button(description="Go", layout=_layout(width="50px"))
        self.page_size = w.Dropdown(options=sorted(set(PAGE_SIZES) | {session.page_size}),
                                    value=session.page_size, description="per page",
                                    layout=_layout(width="150px"))
        self.bar = w.FloatProgress(min=0.0, max=1.0, layout=_layout(width="160px"))
        self.label = w.HTML()
        for button, fn in ((self.first, session.first), (self.prev, session.prev), (self.next, session.next),
                           (self.last, session.last), (self.reload, session.refresh)):
            button.on_click(self.session.guard(lambda _b, fn=fn: fn()))
        self.jump.on_click(self.session.guard(lambda _b: self.go()))
        self.page_size.observe(self.session.guard(self._on_size), names="value")
        self.box = w.HBox([self.first, self.prev, self.next, self.last, self.reload, self.jump_text,
                           self.jump, self.page_size, self.bar, self.label],
                          layout=_layout(flex_flow="row wrap"))

    def go(self) -> None:
        """Jump to the typed record id, or to a 1-based position when it is a number and no id."""
        text = self.jump_text.value.strip()
        if not text:
            return
        if text.isdigit() and text not in self.session.dataset.ids:
            self.session.jump(int(text) - 1)
        else:
            self.session.jump(text)

    def _on_size(self, change) -> None:
        if change["new"] != self.session.page_size:
            self.session.set_page_size(int(change["new"]))

    def refresh(self) -> None:
        s = self.session
        p = s.progress()
        self.bar.value = p.fraction
        if self.page_size.value != s.page_size:
            self.page_size.value = s.page_size
        where = f"{s.position + 1:,} of {len(s.queue):,}" if len(s.queue) else "empty queue"
        self.label.value = (f"<span>{where} · mine {p.mine:,}/{p.total:,} reviewed · "
                            f"team {p.team:,}/{p.team_total:,}</span>")
        self.bar.description = f"{p.fraction:.1%}" if 0 < p.fraction < 0.1 else f"{p.fraction:.0%}"


class FiltersPanel:
    """Category, status, signals, language, reviewer, search (text or regex), query and sort."""

    def __init__(self, session):
        self.session = session
        idx = session.index
        cats = sorted({c for c in pc.unique(idx.table.column("category")).to_pylist() if c}
                      | set(session.project.guidelines.categories))
        self.category = w.Dropdown(options=[("any", None)] + [(c, c) for c in cats], description="category")
        self.status = w.Dropdown(options=[("any", None)] + [(s.replace("_", " "), s) for s in STATUSES],
                                 description="status")
        self.signals = w.SelectMultiple(options=idx.signal_names(), description="signals", rows=4)
        lang = idx.language_column()
        langs = sorted({str(v) for v in idx.signals[lang].dropna().unique()}) if lang else []
        self.language = w.Dropdown(options=[("any", None)] + [(v, v) for v in langs], description="language",
                                   layout=_layout(display=None if lang else "none"))
        self.annotator = w.Dropdown(options=[("any", None)] + [(r, r) for r in sorted(_reviewers(session))],
                                    description="reviewer")
        self.search = w.Text(placeholder="text to find", description="search")
        self.regex = w.Checkbox(description="regex", indent=False, layout=_layout(width="80px"))
        self.search_in = w.Dropdown(options=SEARCH_FIELDS, value="all", description="in",
                                    layout=_layout(width="160px"))
        self.query = w.Text(placeholder="e.g. n_reviews == 0 and category == 'billing'", description="query",
                            layout=_layout(width="420px"))
        self.sort = w.Dropdown(options=[("queue order", None)] + [(c, c) for c in idx.columns()],
                               description="sort by")
        self.descending = w.Checkbox(description="descending", indent=False)
        self.apply = w.Button(description="Apply filters", button_style="primary")
        self.clear = w.Button(description="Clear")
        self.query_error = w.HTML()  # one line under the query box when the query is refused
        self.apply.on_click(self.session.guard(lambda _b: self._apply()))
        self.clear.on_click(self.session.guard(lambda _b: self.session.clear_filters()))
        self.box = w.VBox([
            w.HBox([self.category, self.status, self.annotator, self.language],
                   layout=_layout(flex_flow="row wrap")),
            w.HBox([self.search, self.regex, self.search_in]),
            w.HBox([self.signals,
                    w.VBox([self.query, self.query_error, w.HBox([self.sort, self.descending])])]),
            w.HBox([self.apply, self.clear])])

    def _apply(self) -> bool:
        """Apply the widgets' filters; a refused query is also shown under the query box."""
        ok = self.session.set_filters(self.value())
        query, msg = self.query.value.strip(), self.session.message
        failed = not ok and bool(query) and msg.startswith(f"query {query!r}")
        self.query_error.value = render.message_html(msg, "error") if failed else ""
        return ok

    def value(self) -> Filters:
        """The filters as set in the widgets (plus the current map region, which has no widget here)."""
        return Filters(category=self.category.value, status=self.status.value,
                       signals=list(self.signals.value), language=self.language.value,
                       annotator=self.annotator.value, search=self.search.value.strip(),
                       regex=self.regex.value, search_in=self.search_in.value, query=self.query.value.strip(),
                       sort=self.sort.value, descending=self.descending.value,
                       region=self.session.filters.region)  # a map selection stays until "Clear"

    def refresh(self) -> None:
        f = self.session.filters
        pairs = ((self.category, f.category if isinstance(f.category, str) else None),
                 (self.status, f.status), (self.language, f.language), (self.annotator, f.annotator),
                 (self.sort, f.sort), (self.search_in, f.search_in))
        for widget, value in pairs:
            if value in [o[1] if isinstance(o, tuple) else o for o in widget.options]:
                widget.value = value
        self.signals.value = tuple(s for s in f.signals if s in self.signals.options)
        self.search.value, self.regex.value = f.search, f.regex
        self.query.value, self.descending.value = f.query, f.descending


def _reviewers(session) -> list[str]:
    try:
        return list(session.project.reviewers)
    except Exception:  # a fake or remote project without role events
        return []


class RecordView:
    """The current page as HTML (the review widget's keys work wherever its focus is: ``workbench.ui.keys``)."""

    def __init__(self, session):
        self.session = session
        self.html = w.HTML(layout=_layout(width="100%"))
        self.focus = w.Dropdown(description="focus", layout=_layout(display="none", width="260px"))
        self.focus.observe(self.session.guard(self._on_focus), names="value")
        self.box = w.VBox([self.focus, self.html], layout=_layout(flex="3 1 0%", min_width="0"))
        self._syncing = False

    def _on_focus(self, change) -> None:
        if not self._syncing and change["new"] is not None and change["new"] != self.session.current_id:
            self.session.jump(change["new"])

    def refresh(self) -> None:
        s = self.session
        self.html.value = s.render_page()
        ids = [it.record_id for it in s.page()] if s.page_size > 1 else []
        self._syncing = True
        try:
            self.focus.options = ids
            self.focus.value = s.current_id if s.current_id in ids else None
            self.focus.layout.display = None if len(ids) > 1 else "none"
        finally:
            self._syncing = False


def editable_texts(record, order: list | None = None) -> list[tuple[str, str, str]]:
    """(target, label, text) of every text a reviewer can edit on a record.

    Compared candidates are labelled by their display letter in ``order`` (never "chosen" or
    "rejected"), so opening the editor does not reveal which response the source preferred.
    """
    out = [(f"messages[{i}].content", f"turn {i + 1} · {m.role}", m.content or "")
           for i, m in enumerate(record.messages)]
    if record.kind == "preference" and order:
        for letter, name in zip(render.LETTERS, order):
            turns = getattr(record, name) or []
            for i, m in enumerate(turns):
                suffix = f" · turn {i + 1}" if len(turns) > 1 else ""
                out.append((f"{name}[{i}].content", f"Response {letter}{suffix}", m.content or ""))
        return out
    for name in ("chosen", "rejected", "completion"):
        for i, m in enumerate(getattr(record, name) or []):
            out.append((f"{name}[{i}].content", f"{name} {i + 1} · {m.role}", m.content or ""))
    cands = record.candidates or []
    for letter, i in zip(render.LETTERS, order if record.kind == "ranking" and order else range(len(cands))):
        out.append((f"candidates[{i}]", f"Response {letter}", cands[i] or ""))
    return out


class Editor:
    """A text area per turn (save records an edit), add and delete turns, and the diff view."""

    def __init__(self, session):
        self.session = session
        self.areas: dict[str, w.Textarea] = {}
        self.save_buttons: dict[str, w.Button] = {}
        self.delete_buttons: dict[str, w.Button] = {}
        self.diff = w.HTML()
        self.turns = w.VBox()
        self.add_index = w.BoundedIntText(value=0, min=0, max=0, description="at",
                                          layout=_layout(width="140px"))
        self.add_role = w.Dropdown(options=["user", "assistant", "system", "tool"], value="user",
                                   layout=_layout(width="120px"))
        self.add_content = w.Textarea(placeholder="content of the new turn", layout=_layout(width="50%"))
        self.add = w.Button(description="Add turn")
        self.add.on_click(self.session.guard(lambda _b: self._add()))
        self.box = w.VBox([self.turns, w.HBox([self.add_index, self.add_role, self.add_content, self.add]),
                           self.diff])
        self._key: Any = None

    def _add(self) -> None:
        if self.session.add_turn(int(self.add_index.value), self.add_role.value, self.add_content.value):
            self.add_content.value = ""

    def refresh(self, force: bool = False) -> None:
        s = self.session
        if s.current_id is None:
            self.turns.children, self.diff.value, self._key = (), "", None
            return
        state = s.record_state()
        key = (s.current_id, state.serial)
        if key == self._key and not force:
            return  # keep what the reviewer is typing
        self._key = key
        rows, self.areas, self.save_buttons, self.delete_buttons = [], {}, {}, {}
        for target, label, text in editable_texts(state.record, s.current_order()):
            area = w.Textarea(value=text, rows=min(12, max(2, text.count("\n") + 2, len(text) // 90 + 1)),
                              layout=_layout(width="100%"))
            save = w.Button(description="Save", tooltip=f"save {label}", layout=_layout(width="70px"))
            save.on_click(self.session.guard(lambda _b, t=target, a=area: self.session.edit(t, a.value)))
            parts = [save]
            if target.startswith("messages["):
                index = int(target.split("[")[1].split("]")[0])
                delete = w.Button(description="Delete", tooltip=f"delete turn {index + 1}",
                                  button_style="warning", layout=_layout(width="70px"))
                delete.on_click(self.session.guard(lambda _b, i=index: self.session.delete_turn(i)))
                self.delete_buttons[target] = delete
                parts.append(delete)
            self.areas[target], self.save_buttons[target] = area, save
            rows.append(w.VBox([w.HTML(f"<b>{render.esc(label)}</b>"), area, w.HBox(parts)]))
        self.turns.children = rows
        n = len(state.record.messages)
        self.add_index.max = n
        self.add_index.value = n
        self.diff.value = self._diffs(state, s.current_order())

    @staticmethod
    def _diffs(state, order: list) -> str:
        parts = []
        for target, label, text in editable_texts(state.record, order):
            original = state.original_text(target)
            if original is not None and original != text:
                parts.append(render.diff_html(original, text, label))
        return "".join(parts)
