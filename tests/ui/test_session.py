"""ReviewSession: queue, navigation, every action's stored event, undo, conflicts, persistence, observers."""
from __future__ import annotations

import json

import pytest

from workbench.model.events import value_hash
from workbench.ui import ReviewSession
from workbench.ui.modes import display_order

pytestmark = pytest.mark.filterwarnings("error")


def events(project, kind=None, reviewer="alice"):
    return project.log.events(reviewer=reviewer, kind=kind)


def test_queue_is_every_record_without_assignments(session, project):
    assert len(session.queue) == len(project.dataset)
    assert session.current_id == project.dataset.ids[0]


def test_navigation_first_next_prev_last_jump(session, project):
    ids = list(project.dataset.ids)
    assert session.next() and session.current_id == ids[1]
    assert session.prev() and session.current_id == ids[0]
    assert not session.prev() and "start" in session.message
    assert session.last() and session.current_id == ids[-1]
    assert not session.next() and "end" in session.message
    assert session.first() and session.current_id == ids[0]
    assert session.jump("pref") and session.current_id == "pref"
    assert session.jump(2) and session.current_id == ids[2]
    assert not session.jump("nope") and "no such record" in session.message
    assert not session.jump(999) and session.level == "error"


def test_page_size_pages_and_record_focus(session, project):
    ids = list(project.dataset.ids)
    session.set_page_size(5)
    assert [it.record_id for it in session.page()] == ids[:5]
    assert session.page()[0].focused
    session.next_record()
    assert session.current_id == ids[1] and session.page_start == 0
    session.next()
    assert session.current_id == ids[5] and [it.record_id for it in session.page()] == ids[5:10]
    session.last()
    assert session.page_start == 10 and len(session.page()) == len(ids) - 10
    with pytest.raises(ValueError):
        session.set_page_size(0)


def test_rate_every_criterion_and_refusals(session, project):
    assert session.rate(4).value == 4
    for c in project.guidelines.criteria:
        session.rate(3, c.name)
    stored = {(e.target, e.value) for e in events(project, "rating")}
    assert ("overall", 4) in stored and ("tone", 3) in stored
    n = project.log.count()
    assert session.rate(9) is None and "within 1-5" in session.message and session.level == "error"
    assert session.rate(3, "nonsense") is None and "unknown criterion" in session.message
    assert project.log.count() == n


def test_label_tag_comment_decide(session, project):
    rid = session.current_id
    session.label("billing")
    session.tag(["pii", "legal"])
    session.comment("check the refund policy")
    session.decide("needs_fix")
    evs = {e.kind: e for e in events(project)}
    assert evs["label"].value == "billing" and evs["label"].record_id == rid
    assert evs["tags"].value == ["legal", "pii"]
    assert evs["comment"].value == "check the refund policy"
    assert evs["decision"].value == "needs_fix"
    mine = session.record_state().mine("alice")
    assert mine[("decision", "decision")] == "needs_fix" and mine[("label", "category")] == "billing"
    assert session.label("not-a-category") is None and "unknown category" in session.message
    assert session.decide("maybe") is None and session.level == "error"


def test_edit_sends_hash_of_shown_text_and_updates_record(session, project):
    shown = session.record_state().text("messages[1].content")
    ev = session.edit("messages[1].content", "A better answer.")
    assert ev.seen_hash == value_hash(shown)
    assert session.record_state().record.response == "A better answer."
    assert project.current_record(session.current_id).response == "A better answer."
    assert session.edit("messages[1].content", "A better answer.") is None and "unchanged" in session.message
    assert session.edit("messages[7].content", "x") is None and session.level == "error"


def test_edit_conflict_is_reported_and_never_overwrites(session, project):
    rid = session.current_id
    session.record_state()  # alice is shown the original text
    project.edit("bob", rid, "messages[1].content", "Bob's fix.",
                 seen_hash=value_hash(project.current_record(rid).response))
    n = project.log.count()
    ev = session.edit("messages[1].content", "Alice's fix.")
    assert ev is not None and project.log.count() == n + 1  # kept in the log, nothing lost
    assert session.level == "conflict" and "NOT applied" in session.message
    assert project.current_record(rid).response == "Bob's fix."  # not overwritten
    assert session.record_state().record.response == "Bob's fix."  # she now sees the current text
    assert len(project.fold().conflicts) == 1
    # redoing the edit on the fresh text resolves it
    session.edit("messages[1].content", "Alice's fix, on Bob's.")
    assert project.current_record(rid).response == "Alice's fix, on Bob's."
    assert session.level == "info"


def test_add_and_delete_turns(session, project):
    rid = session.current_id
    session.add_turn(2, "user", "And a follow-up?")
    session.add_turn(3, "assistant", "Here you go.")
    roles = [m.role for m in project.current_record(rid).messages]
    assert roles == ["user", "assistant", "user", "assistant"]
    session.delete_turn(0)
    assert [m.content for m in session.record_state().record.messages][0].startswith("Answer")
    assert session.delete_turn(9) is None and "cannot delete" in session.message
    assert session.add_turn(0, "wizard", "x") is None and session.level == "error"


def test_undo_and_redo_are_new_events(session, project):
    session.decide("accept")
    ev = session.undo()
    assert ev.kind == "undo" and ev.reverts == events(project, "decision")[0].id
    assert ("decision", "decision") not in session.record_state().mine("alice")
    session.redo()
    assert session.record_state().mine("alice")[("decision", "decision")] == "accept"
    assert [e.kind for e in events(project)][-3:] == ["decision", "undo", "undo"]
    fresh = ReviewSession(project, "carol", signals=None)
    assert fresh.undo() is None and "nothing to undo" in fresh.message


def test_preference_order_is_seeded_per_reviewer_and_recorded(session, project):
    session.jump("pref")
    order = session.current_order()
    assert order == display_order(session.record_state().record, "alice", 0)
    assert sorted(order) == ["chosen", "rejected"]
    ev = session.prefer("A")
    assert ev.value == {"choice": "A", "order": order}
    orders = {tuple(display_order(session.record_state().record, f"r{i}", 0)) for i in range(20)}
    assert len(orders) == 2  # both positions occur across reviewers
    assert session.prefer("C") is None and session.level == "error"


def test_rank_by_letters(session, project):
    session.jump("rank")
    order = session.current_order()
    ev = session.rank("C > A > B")
    assert ev.value == {"ranking": [order[2], order[0], order[1]], "order": order}
    assert session.rank(["A", "B"]) is None and "permutation" in session.message


def test_accept_suggestion_uses_the_reviewers_name(session, project):
    rid = session.current_id
    project.suggest("gpt-x", rid, "category", "account", score=0.9)
    project.suggest("gpt-x", rid, "overall", 2)
    ev = session.accept_suggestion("category")
    assert ev.reviewer == "alice" and ev.kind == "label" and ev.value == "account"
    assert session.accept_suggestion("overall").value == 2
    assert session.accept_suggestion("tags") is None and "no suggestion for" in session.message
    session.next()
    assert session.accept_suggestion() is None and "no suggestion" in session.message


def test_progress_mine_and_team(session, project):
    p = session.progress()
    assert (p.mine, p.total, p.team) == (0, len(project.dataset), 0)
    session.rate(4)
    session.next()
    session.comment("comments are not reviews")
    project.decide("bob", "s5", "reject")
    p = session.progress()
    assert p.mine == 1 and p.team >= 1
    session.refresh()
    assert session.progress().team == 2
    assert 0 < session.progress().fraction < 1


def test_observers_are_notified_and_can_unobserve(session):
    seen = []
    stop = session.observe(seen.append)
    session.next()
    session.rate(5)
    assert "page" in seen and "record" in seen and "message" in seen
    stop()
    seen.clear()
    session.next()
    assert seen == []


def test_position_and_filters_survive_a_new_session(project, signals):
    s1 = ReviewSession(project, "alice", signals=signals)
    s1.set_filters(category="billing")
    s1.next()
    s1.set_page_size(1)
    rid = s1.current_id
    path = project.path / "ui" / "alice.json"
    assert json.loads(path.read_text())["modes"]["review"]["record_id"] == rid
    s2 = ReviewSession(project, "alice", signals=signals)  # a kernel restart
    assert s2.filters.category == "billing" and s2.current_id == rid
    assert ReviewSession(project, "bob", signals=signals).current_id == project.dataset.ids[0]
    assert ReviewSession(project, "alice", signals=signals, restore=False).filters.category is None


def test_saved_state_with_a_vanished_record_or_bad_filter(project, signals, tmp_path):
    state = tmp_path / "state.json"
    s1 = ReviewSession(project, "alice", signals=signals, state_path=state)
    s1.set_filters(signals=["pii"])
    s2 = ReviewSession(project, "alice", signals=None, state_path=state)  # signals gone
    assert s2.filters.signals == [] and "dropped" in s2.message
    state.write_text("{not json")
    assert ReviewSession(project, "alice", signals=None, state_path=state).position == 0


def test_odd_reviewer_names_get_a_safe_state_file(project):
    s = ReviewSession(project, "../Ann Lee", signals=None)
    assert s.state_path.parent == project.path / "ui" and ".." not in s.state_path.name
    s.next()
    assert ReviewSession(project, "../Ann Lee", signals=None).position == 1


def test_empty_queue_actions_say_so(session):
    assert session.set_filters(search="no such text anywhere")
    assert session.current_id is None and session.page() == []
    assert "No records" in session.render_page()
    assert session.rate(3) is None and "empty" in session.message
    assert session.edit("messages[0].content", "x") is None
    assert not session.next()


def test_page_render_reads_only_the_page(session, project, monkeypatch):
    ids = list(project.dataset.ids)
    project.rate("bob", ids[1], 3)
    project.rate("bob", ids[7], 3)  # not on the first page
    session.record_state()  # the log is synced once
    calls = []
    orig = session.project.log.frame
    monkeypatch.setattr(session.project.log, "frame", lambda **kw: calls.append(kw) or orig(**kw))
    session.set_page_size(5)
    session.render_page()
    per_record = [c["record_id"] for c in calls if c.get("record_id")]
    assert per_record == [ids[1]]  # only records that have events are queried, only on this page
    assert all(c.get("record_id") or c.get("after_seq") for c in calls)  # never the whole log
    project.rate("bob", ids[2], 4)  # another reviewer writes: picked up incrementally
    session.next()
    session.prev()
    assert session.record_state(ids[2]).values["bob"][("rating", "overall")] == 4
