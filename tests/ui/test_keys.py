"""The key handling logic as plain objects (workbench.ui.keys), undo on the record on screen, auto-advance."""
from __future__ import annotations

import pytest

from workbench.ui.keys import ACTIONS, ReviewKeys, is_widget_key, keymap_html, normalize

pytestmark = pytest.mark.filterwarnings("error")


def down(k: str, **kw) -> dict:
    return {"type": "keydown", "key": k, **kw}


class FakeView:
    """What ReviewKeys asks of the widget, recorded."""

    def __init__(self, session):
        self.session, self.calls = session, []

    def toggle_help(self):
        self.calls.append("help")
        return "key map shown"

    def toggle_expand(self):
        self.calls.append("expand")
        return "long texts expanded"

    def focus_editor(self):
        self.calls.append("edit")
        return "editing"

    def accept_suggestion(self):
        self.calls.append("suggestion")
        self.session._say("no suggestion")


@pytest.fixture
def keys(session):
    session.auto_advance = True
    return ReviewKeys(session, FakeView(session))


def decisions(project):
    return [(e.record_id, e.value) for e in project.log.events(reviewer="alice", kind="decision")]


def test_which_keys_are_the_widgets():
    # a text box keeps every letter; Esc leaves it
    assert not is_widget_key("a", editing=True) and not is_widget_key("j", editing=True)
    assert is_widget_key("Escape", editing=True)
    # copy, save, run cell, plain Esc / Enter / Tab / Space pass through to the page or notebook
    for k, mods in (("c", {"ctrl": True}), ("s", {"ctrl": True}), ("c", {"meta": True}), ("Enter", {}),
                    ("Enter", {"shift": True}), ("Escape", {}), ("Tab", {}), (" ", {}), ("F5", {}),
                    ("a", {"alt": True})):
        assert not is_widget_key(k, **mods), (k, mods)
    # the widget's keys, and any other single character (m, d would change the notebook cell)
    for k in ("j", "a", "ArrowRight", "1", "?", "m", "d", "x"):
        assert is_widget_key(k)
    assert normalize("A", shift=False) == "a" and normalize("a", shift=True) == "A"  # Caps Lock is not Shift
    assert normalize("ArrowUp", True) == "ArrowUp" and normalize("?", True) == "?"
    assert ACTIONS["A"] == "prefer_A" and ACTIONS["a"] == "accept"


def test_every_key_gives_feedback_and_acts(keys, session, project):
    ids = list(project.dataset.ids)
    assert keys.press(down("j")) == f"j → next: {ids[1]} (2 of 13)"
    assert keys.press(down("ArrowLeft")) == f"← → previous: {ids[0]} (1 of 13)"
    assert keys.press(down("k")) == "k → start of the queue"
    assert keys.press(down("4")).startswith("4 → saved rating")
    assert session.record_state().mine("alice")[("rating", "overall")] == 4
    assert keys.press(down("7")) == "7: no action for this key (? shows the keys)"  # scale is 1-5
    assert keys.press(down("q")) == "q: no action for this key (? shows the keys)"
    assert keys.press(down("c", ctrlKey=True)) is None and keys.press(down("Enter", shiftKey=True)) is None
    assert keys.press({"type": "keyup", "key": "j"}) is None
    assert keys.press(down("a", editing=True)) is None  # typed into a text box: text, not an action
    assert keys.press(down("Escape", editing=True)).startswith("Esc: left the text box")


def test_decisions_open_the_next_record(keys, session, project):
    ids = list(project.dataset.ids)
    text = keys.press(down("a"))
    assert text == f"a → saved decision = accept on {ids[0]} · next: {ids[1]}"
    assert session.current_id == ids[1]
    keys.press(down("e"))  # escalate is not a verdict: the reviewer stays to explain it
    assert session.current_id == ids[1]
    keys.press(down("r"))
    keys.press(down("f"))
    assert session.current_id == ids[3]
    assert decisions(project) == [(ids[0], "accept"), (ids[1], "escalate"), (ids[1], "reject"),
                                  (ids[2], "needs_fix")]
    session.auto_advance = False
    keys.press(down("a"))
    assert session.current_id == ids[3]
    session.auto_advance = True
    session.jump(len(session.queue) - 1)
    assert keys.press(down("a")).endswith("· end of the queue")


def test_a_refused_decision_does_not_move(keys, session, monkeypatch):
    def refuse(*a, **k):
        raise ValueError("closed for review")

    monkeypatch.setattr(session.project, "decide", refuse)
    assert keys.press(down("a")) == "a → closed for review" and session.position == 0


def test_preference_keys(keys, session, project):
    assert "not one" in keys.press(down("A", shiftKey=True))  # an SFT record: nothing written
    session.jump("pref")
    assert keys.press(down("B", shiftKey=True)) == "B → saved preference = B on pref"
    pref = project.log.events(reviewer="alice", kind="preference")
    assert [e.value["choice"] for e in pref] == ["B"] and set(pref[0].value["order"]) == {"chosen", "rejected"}
    keys.press(down("t", shiftKey=True))
    keys.press(down("a", shiftKey=True))  # Shift+a is A whatever the key event's case
    got = [e.value["choice"] for e in project.log.events(reviewer="alice", kind="preference")]
    assert got == ["B", "tie", "A"] and session.current_id == "pref"


def test_undo_acts_on_the_record_on_screen(session, project):
    ids = list(project.dataset.ids)
    session.rate(2)
    session.jump(2)
    session.rate(5)
    session.decide("accept")
    assert session.undo().reverts == project.log.events(reviewer="alice", kind="decision")[0].id
    assert session.undo().target == "rating"  # the rating on ids[2], not the one on ids[0]
    assert session.undo() is None and session.message == f"alice has nothing to undo on {ids[2]}"
    assert session.record_state(ids[0]).mine("alice")[("rating", "overall")] == 2  # untouched
    session.redo()
    assert session.record_state(ids[2]).mine("alice")[("rating", "overall")] == 5
    session.jump(0)
    assert session.undo().record_id == ids[0]


def test_undo_anywhere_names_the_record_and_asks_again(keys, session, project):
    ids = list(project.dataset.ids)
    keys.press(down("3"))
    keys.press(down("a"))  # accepted, and moved on to ids[1]
    assert keys.press(down("u")) == f"u → alice has nothing to undo on {ids[1]}"
    first = keys.press(down("U", shiftKey=True))
    assert first == f"U → press Shift+U again to undo your decision on {ids[0]} (not the record on screen)"
    assert project.log.events(kind="undo") == []
    assert keys.press(down("U", shiftKey=True)) == f"U → undo: decision on {ids[0]}"
    assert ("decision", "decision") not in session.record_state(ids[0]).mine("alice")
    keys.press(down("U", shiftKey=True))  # asks again for the next one (the rating)
    keys.press(down("j"))  # any other key cancels the question
    assert keys.press(down("U", shiftKey=True)).startswith("U → press Shift+U again")
    assert len(project.log.events(kind="undo")) == 1
    session.jump(0)
    assert keys.press(down("U", shiftKey=True)) == f"U → undo: rating on {ids[0]}"  # on screen: at once


def test_view_keys_go_to_the_view(keys):
    assert keys.press(down("?", shiftKey=True)) == "? → key map shown"
    assert keys.press(down("o")) == "o → long texts expanded"
    assert keys.press(down("i")) == "i → editing"
    assert keys.press(down("s")) == "s → no suggestion"
    assert keys.view.calls == ["help", "expand", "edit", "suggestion"]
    assert "press again to confirm" in keymap_html() and "<kbd>?</kbd>" in keymap_html()


def test_widget_view_keys_change_what_is_shown(make_project):
    from helpers import msg

    from workbench.ui import ReviewSession
    from workbench.ui.widget import ReviewWidget

    long = "A long answer. " * 200
    p = make_project([{"id": "pair", "kind": "preference", "messages": [msg("user", "Which?")],
                       "chosen": [msg("assistant", long)], "rejected": [msg("assistant", "Short.")]},
                      {"id": "next", "messages": [msg("user", "Q?"), msg("assistant", "A.")]}])
    ui = ReviewWidget(ReviewSession(p, "alice", signals=None))
    html = ui.record.html.value
    assert html.count('<details class="wb-fold">') == 2 and " open>" not in html  # both sides fold alike
    assert ui.on_key(down("o")) == "o → long texts expanded (o folds them)"
    assert ui.record.html.value.count('<details class="wb-fold" open>') == 2
    assert ui.keys.feedback == "o → long texts expanded (o folds them)"
    ui.on_key(down("o"))
    assert '<details class="wb-fold" open>' not in ui.record.html.value
    assert ui.keymap.layout.display == "none"
    ui.on_key(down("?"))
    assert ui.keymap.layout.display is None and "A is better" in ui.keymap.value
    ui.on_key(down("i"))
    assert ui.tools.selected_index == 1  # the editor's section is open (the browser puts the cursor in it)
    # the pick and the decision are filled buttons
    ui.on_key(down("B", shiftKey=True))
    assert [b.button_style for b in (ui.preference.a, ui.preference.tie, ui.preference.b)] == ["", "", "primary"]
    ui.advance.value = False
    ui.on_key(down("a"))
    assert ui.decision.buttons["accept"].button_style == "success" and ui.session.current_id == "pair"
    ui.advance.value = True
    ui.decision.buttons["reject"].click()  # a button decides and moves on too
    assert ui.session.current_id == "next"
    assert "next: next" in ui.message.value


def test_auto_advance_is_a_setting_of_the_widget(project):
    from workbench.ui import review

    off = review(project, "alice", signals=None, auto_advance=False)
    assert off.session.auto_advance is False and off.advance.value is False
    off.on_key(down("a"))
    assert off.session.position == 0
    on = review(project, "bob", signals=None)
    assert on.session.auto_advance is True and on.advance.value is True
    on.advance.value = False  # the checkbox in the widget
    assert on.session.auto_advance is False
