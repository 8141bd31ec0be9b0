"""Modes: gold (unmarked, scored), calibration (shared set first), adjudicate (side by side, final say)."""
from __future__ import annotations

import pytest

from workbench.store import PermissionDenied
from workbench.ui import ReviewSession
from workbench.ui.modes import calibration_ids, display_order, score_gold


@pytest.fixture
def assigned(project):
    project.gold(project.owner, "s2", "category", "billing")
    project.gold(project.owner, "s2", "overall", 4)
    project.gold(project.owner, "s2", "tags", ["pii"])
    plan = project.assign(["alice", "bob"], calibration=2, gold_rate=0.3, seed=1, by=project.owner)
    return project, plan


def test_review_mode_follows_the_assigned_queue(assigned):
    project, plan = assigned
    s = ReviewSession(project, "alice", signals=None)
    assert list(s.index.ids[s.queue]) == project.queue("alice")
    assert len(s.queue) < len(project.dataset)


def test_gold_mode_does_not_mark_gold_items_and_scores_answers(assigned):
    project, plan = assigned
    s = ReviewSession(project, "alice", mode="gold", signals=None)
    assert "s2" in list(s.index.ids[s.queue])
    s.jump("s2")
    html = s.render_page()
    assert "gold" not in html.lower()
    assert s.gold_accuracy() is None
    s.label("account")  # wrong
    s.rate(4)  # right
    s.tag(["pii"])  # right
    score = s.gold_score().set_index("field")
    assert not score.loc["category", "correct"]
    assert score.loc["overall", "correct"] and score.loc["tags", "correct"]
    assert s.gold_accuracy() == pytest.approx(2 / 3)
    # an undone gold answer no longer counts
    project.undo(project.owner, project.log.events(kind="gold")[0].id)
    assert "category" not in set(s.gold_score()["field"])


def test_score_gold_preference_and_rating_tolerance():
    import pandas as pd

    gold = pd.DataFrame({"record_id": ["p", "r"], "target": ["preference", "overall"],
                         "value": [{"choice": "A", "order": ["chosen", "rejected"]}, 4]})
    mine = pd.DataFrame({"record_id": ["p", "r"], "kind": ["preference", "rating"],
                         "target": ["preference", "overall"],
                         "value": [{"choice": "B", "order": ["rejected", "chosen"]}, 3]})
    out = score_gold(gold, mine, [], tolerance=1)
    assert out["correct"].tolist() == [True, True]  # same winner seen in another order; within tolerance
    assert score_gold(gold, mine, [], tolerance=0)["correct"].tolist() == [True, False]


def test_calibration_mode_puts_the_shared_set_first(assigned):
    project, plan = assigned
    cal = calibration_ids(project.log)
    assert len(cal) == 2
    for reviewer in ("alice", "bob"):
        s = ReviewSession(project, reviewer, mode="calibration", signals=None)
        assert list(s.index.ids[s.queue[:2]]) == cal
        assert "calibration" not in (s.message or "")


def test_calibration_mode_without_a_calibration_set_warns(project):
    s = ReviewSession(project, "alice", mode="calibration", signals=None)
    assert "no calibration set" in s.message and len(s.queue) == len(project.dataset)


def test_modes_keep_separate_saved_positions(project):
    s = ReviewSession(project, "alice", signals=None)
    s.jump(3)
    project.assign(["alice"], calibration=2, by=project.owner)
    c = ReviewSession(project, "alice", mode="calibration", signals=None)
    c.jump(1)
    assert ReviewSession(project, "alice", signals=None).current_id == s.current_id
    assert ReviewSession(project, "alice", mode="calibration", signals=None).position == 1


def test_adjudicate_needs_the_role(project):
    with pytest.raises(PermissionDenied):
        ReviewSession(project, "alice", mode="adjudicate", signals=None)
    with pytest.raises(ValueError):
        ReviewSession(project, "alice", mode="party", signals=None)


def test_adjudicate_shows_every_annotator_and_records_final_decision(project):
    project.rate("alice", "s0", 5)
    project.rate("bob", "s0", 1)
    project.label("alice", "s0", "billing")
    project.label("bob", "s0", "account")
    project.edit("bob", "s0", "messages[1].content", "Bob's version.")
    project.decide("bob", "s3", "escalate")
    project.decide("alice", "s4", "accept")
    s = ReviewSession(project, "judge", mode="adjudicate", signals=None)
    assert list(s.index.ids[s.queue]) == ["s0", "s3"]
    rows, reviewers = s.annotations("s0")
    table = dict(rows)
    assert reviewers == ["alice", "bob"]
    assert table["rating: overall"] == {"alice": 5, "bob": 1}
    assert table["category"] == {"alice": "billing", "bob": "account"}
    assert table["edit: messages[1].content"] == {"bob": "Bob's version."}
    ev = s.decide("accept")
    assert ev.reviewer == "judge" and ev.kind == "decision"
    s.rate(3)
    s.label("billing")
    st = project.status_frame().set_index("record_id")
    assert st.loc["s0", "decision"] == "accept" and st.loc["s0", "decision_source"] == "adjudicator"
    s.refresh()
    assert list(s.index.ids[s.queue]) == ["s3"]
    s2 = ReviewSession(project, "judge", mode="adjudicate", signals=None, restore=False)
    s2.decide("reject", record_id="s3")
    s2.refresh()
    assert len(s2.queue) == 0


def test_adjudicated_preference_records_order(project):
    project.prefer("alice", "pref", "A", ["chosen", "rejected"])
    project.prefer("bob", "pref", "A", ["rejected", "chosen"])  # disagree on the winner
    s = ReviewSession(project, "judge", mode="adjudicate", signals=None)
    assert list(s.index.ids[s.queue]) == ["pref"]
    ev = s.prefer("B")
    assert ev.value["order"] == display_order(s.record_state().record, "judge", 0)
    assert project.fold().consolidated.query("kind == 'preference'")["source"].tolist() == ["adjudicator"]


def test_adjudicator_edit_is_final(project):
    from workbench.model.events import value_hash

    project.edit("alice", "s0", "messages[1].content", "Alice's text.")
    project.rate("alice", "s0", 5)
    project.rate("bob", "s0", 1)
    s = ReviewSession(project, "judge", mode="adjudicate", signals=None)
    ev = s.edit("messages[1].content", "The adjudicated text.")
    assert ev.reviewer == "judge" and ev.value == "The adjudicated text."
    assert ev.seen_hash == value_hash("Alice's text.")
    project.edit("bob", "s0", "messages[1].content", "Bob tries later.",
                 seen_hash=value_hash("The adjudicated text."))
    assert project.current_record("s0").response == "The adjudicated text."
    assert s.record_state("s0").record.response == "The adjudicated text."
