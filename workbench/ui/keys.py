"""The review widget's keys, decided with no widgets in sight: which key does what, and what it says.

The browser side (:mod:`workbench.ui.keys_widget`) sends every key pressed while the focus is inside
the review widget; :meth:`ReviewKeys.press` acts through the session (or asks the view to open the
key map, expand text, focus the editor) and returns the feedback line shown for that key. Rules:

- a key with Ctrl, Cmd or Alt is never the widget's (copy, save, run cell pass through untouched);
- while a text box has the focus, only Esc is the widget's (it leaves the box); every letter is text;
- any other single character is the widget's (a key it has no action for says so, and does not reach
  the notebook, where ``m`` or ``dd`` would change the widget's cell); Enter, Tab, Esc and Space are not.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Binding:
    keys: tuple[str, ...]
    action: str
    label: str


BINDINGS = (
    Binding(("j", "ArrowRight", "ArrowDown"), "next", "next record"),
    Binding(("k", "ArrowLeft", "ArrowUp"), "prev", "previous record"),
    Binding(("1", "2", "3", "4", "5"), "rate", "rate overall (the guidelines' scale)"),
    Binding(("a",), "accept", "accept"),
    Binding(("r",), "reject", "reject"),
    Binding(("f",), "needs_fix", "needs fix"),
    Binding(("e",), "escalate", "escalate"),
    Binding(("A",), "prefer_A", "A is better (Shift+A, preference pairs)"),
    Binding(("B",), "prefer_B", "B is better (Shift+B)"),
    Binding(("T",), "prefer_tie", "tie (Shift+T)"),
    Binding(("u",), "undo", "undo your last action on this record"),
    Binding(("U",), "undo_anywhere", "undo your last action on any record (Shift+U; names the record, "
                                     "press again to confirm)"),
    Binding(("s",), "suggestion", "accept the selected suggestion"),
    Binding(("o",), "expand", "expand / fold long texts"),
    Binding(("i",), "edit", "edit the text (Esc leaves the text box)"),
    Binding(("?",), "help", "show / hide this key map"),
)
ACTIONS = {k: b.action for b in BINDINGS for k in b.keys}
DECISION_KEYS = {"accept": "accept", "reject": "reject", "needs_fix": "needs_fix", "escalate": "escalate"}
PASS_THROUGH = ("Enter", "Tab", "Escape", " ")  # never the widget's unless a text box is being left


class KeyView(Protocol):
    """What the keys ask of the view (the review widget); each returns the feedback line."""

    def toggle_help(self) -> str: ...
    def toggle_expand(self) -> str: ...
    def focus_editor(self) -> str: ...
    def accept_suggestion(self) -> Any: ...


def normalize(key: str, shift: bool = False) -> str:
    """A letter as typed with Shift (upper) or without (lower), whatever Caps Lock says."""
    if len(key) == 1 and key.isalpha() and key.isascii():
        return key.upper() if shift else key.lower()
    return key


def is_widget_key(key: str, shift: bool = False, ctrl: bool = False, alt: bool = False, meta: bool = False,
                  editing: bool = False, bound: frozenset[str] | set[str] = frozenset(ACTIONS)) -> bool:
    """Whether the widget takes the key (and stops it reaching the notebook); the browser side applies
    the same rule (see the module doc)."""
    if ctrl or alt or meta:
        return False
    if editing:
        return key == "Escape"
    key = normalize(key, shift)
    return key in bound or (len(key) == 1 and key not in PASS_THROUGH)


class ReviewKeys:
    """Key -> action on a review session.

    Parameters
    ----------
    session : ReviewSession
        What the keys act on.
    view : KeyView, optional
        The widget, for the keys that change only the view (key map, expand, editor, suggestion).
    """

    def __init__(self, session, view: KeyView | None = None):
        self.session, self.view = session, view
        self._armed: str | None = None  # the event id a first Shift+U named

    def bound(self) -> list[str]:
        """Every key with an action (the digits of the overall scale, up to 9)."""
        lo, hi = self.session.project.guidelines.OVERALL.scale
        digits = [str(v) for v in range(max(lo, 0), min(hi, 9) + 1)]
        return [k for k in ACTIONS if not k.isdigit()] + digits

    def press(self, event: dict[str, Any]) -> str | None:
        """Act on a browser key event (``{"type": "keydown", "key": "j", "shiftKey": False, ...}``);
        returns the feedback line, or None when the key is not the widget's (it went to the page)."""
        if event.get("type", "keydown") != "keydown":
            return None
        key, shift = str(event.get("key", "")), bool(event.get("shiftKey", event.get("shift", False)))
        mods = {m: bool(event.get(f"{m}Key", event.get(m, False))) for m in ("ctrl", "alt", "meta")}
        editing = bool(event.get("editing", False))
        if not is_widget_key(key, shift, editing=editing, **mods):
            return None
        key = normalize(key, shift)
        if editing:  # Esc in a text box: the browser side has moved the focus back to the widget
            return "Esc: left the text box; keys are on again"
        bound = self.bound()
        action = ("rate" if key in bound else None) if key.isdigit() else ACTIONS.get(key)
        if action != "undo_anywhere":
            self._armed = None
        if action is None:
            return f"{key}: no action for this key (? shows the keys)"
        text = self._run(action, key)
        return f"{_shown(key)} → {text}"

    # actions -------------------------------------------------------------------------------------
    def _session_says(self, fn: Callable[[], Any]) -> str:
        fn()
        return self.session.message or "done"

    def _run(self, action: str, key: str) -> str:
        s = self.session
        if action == "next":
            return self._moved(True)
        if action == "prev":
            return self._moved(False)
        if action == "rate":
            return self._session_says(lambda: s.rate(int(key), "overall"))
        if action in DECISION_KEYS:
            return self._session_says(lambda: s.decide(DECISION_KEYS[action]))
        if action.startswith("prefer_"):
            return self._prefer(action.split("_", 1)[1])
        if action == "undo":
            return self._session_says(s.undo)
        if action == "undo_anywhere":
            return self._undo_anywhere()
        if self.view is None:
            return "not available here"
        if action == "suggestion":
            return self._session_says(self.view.accept_suggestion)
        return {"help": self.view.toggle_help, "expand": self.view.toggle_expand,
                "edit": self.view.focus_editor}[action]()

    def _moved(self, forward: bool) -> str:
        s = self.session
        moved = s.next_record() if forward else s.prev_record()
        if not moved:
            return s.message or ("end of the queue" if forward else "start of the queue")
        return f"{'next' if forward else 'previous'}: {s.current_id} ({s.position + 1:,} of {len(s.queue):,})"

    def _prefer(self, choice: str) -> str:
        s = self.session
        kind = s.record_state().record.kind if s.current_id is not None else None
        if kind != "preference":
            return "A / B / tie keys work on preference pairs; this record is not one"
        return self._session_says(lambda: s.prefer(choice))

    def _undo_anywhere(self) -> str:
        s = self.session
        found = s.undo_target(anywhere=True)
        if found is None:
            self._armed = None
            return "nothing of yours to undo, on any record"
        what = f"{found['kind']} on {found['record_id']}"
        if found["record_id"] != s.current_id and self._armed != found["id"]:
            self._armed = found["id"]
            return f"press Shift+U again to undo your {what} (not the record on screen)"
        self._armed = None
        return self._session_says(lambda: s.undo(anywhere=True))


def _shown(key: str) -> str:
    return {"ArrowRight": "→", "ArrowLeft": "←", "ArrowUp": "↑", "ArrowDown": "↓"}.get(key, key)


def keymap_html(bound: list[str] | None = None) -> str:
    """The key map as an HTML table (``?`` shows it)."""
    from workbench.ui.render import esc

    rows = "".join(f"<tr><td>{' '.join(f'<kbd>{esc(_shown(k))}</kbd>' for k in b.keys)}</td>"
                   f"<td>{esc(b.label)}</td></tr>" for b in BINDINGS)
    return (f'<table class="wb-keymap">{rows}<tr><td><kbd>Esc</kbd></td><td>in a text box: leave it, keys '
            "work again</td></tr></table><div class='wb-keynote'>Keys work while the focus is in the review "
            "pane (click it: a blue ring shows it has the focus) and never while you type in a text box. "
            "Keys with Ctrl / Cmd / Alt, Enter, Tab and Esc go to the page or notebook as usual.</div>")
