"""Blind review: a preference pick does not say which side the dataset chose; a reviewer does not see
other reviewers' decisions, ratings or the gold answers; adjudicators and owners see everything."""
from __future__ import annotations

from helpers import msg, widget_texts
from ui.ui_data import rows

from workbench.store import Project
from workbench.store.identity import Identity
from workbench.ui import ReviewSession
from workbench.ui.blind import reveals_preference, sees_all
from workbench.ui.dashboard import Dashboard


def _pref_session(project, who: str) -> ReviewSession:
    s = ReviewSession(project, who, signals=None)
    s.jump("pref")
    assert s.current_id == "pref"
    return s


def test_reviewer_pick_message_names_the_letter_only(project):
    s = _pref_session(project, "alice")
    event = s.prefer("A")
    assert event is not None and event.value["choice"] == "A"
    assert set(event.value["order"]) == {"chosen", "rejected"}  # the log keeps what was shown
    assert s.message == "saved preference = A on pref"
    assert "chosen" not in s.message and "rejected" not in s.message
    assert not reveals_preference(s)


def test_adjudicator_sees_the_dataset_label(project):
    s = _pref_session(project, "judge")
    s.prefer("B")
    side = s.current_order()[1]
    assert s.message == f"saved preference = B ({side}) on pref"


def test_always_setting_reveals_to_reviewers(make_project):
    p = make_project(settings={"reveal_dataset_preference": "always"})
    p.add_reviewer("alice", "reviewer")
    s = _pref_session(p, "alice")
    s.prefer("A")
    assert s.message.startswith("saved preference = A (") and s.message.endswith(") on pref")


def test_after_batch_reveals_once_the_batch_is_done(make_project):
    pref = next(r for r in rows() if r["id"] == "pref")
    other = {**pref, "id": "pref2", "messages": [msg("user", "Which one?")]}
    p = make_project([pref, other], settings={"reveal_dataset_preference": "after_batch"})
    p.add_reviewer("alice", "reviewer")
    s = _pref_session(p, "alice")
    s.prefer("A")
    assert "chosen" not in s.message and "rejected" not in s.message  # 1 of 2 done
    s.jump("pref2")
    s.prefer("B")
    assert "(chosen)" in s.message or "(rejected)" in s.message  # the batch is done


def test_record_status_hides_other_reviewers_until_you_decide(project):
    project.decide("bob", "s0", "reject")
    project.rate("bob", "s0", 2)
    dash = Dashboard(project, reviewer="alice")
    dash.build_tab(1)
    dash.session.jump("s0")
    status = dash.record_status.value
    assert "bob" not in status and "reject" not in status
    assert "1 other reviewer worked on it" in status
    dash.session.decide("accept")
    dash.session.jump("s0")  # the decision opened the next record
    assert "bob: reject" in dash.record_status.value  # after deciding, the others' answers are shown


def test_adjudicator_record_status_shows_everything(project):
    project.decide("bob", "s0", "reject")
    dash = Dashboard(project, reviewer="judge")
    dash.build_tab(1)
    dash.session.jump("s0")
    assert "reviewed by bob" in dash.record_status.value and "bob: reject" in dash.record_status.value


def _agreement_project(project):
    for i, rid in enumerate(["s0", "s1", "s2", "s4"]):
        project.rate("alice", rid, 2 + i % 3)
        project.rate("bob", rid, 3 + i % 2)
    project.gold("judge", "s0", "overall", 4)
    return project


def test_gold_accuracy_only_for_adjudicators(project):
    _agreement_project(project)
    alice = Dashboard(project, reviewer="alice")
    alice.build_tab(2)
    judge = Dashboard(project, reviewer="judge")
    judge.build_tab(2)
    seen_by_alice, seen_by_judge = widget_texts(alice.tabs.children[2]), widget_texts(judge.tabs.children[2])
    assert "Accuracy on gold" in seen_by_judge
    assert "Accuracy on gold" not in seen_by_alice and "gold" not in seen_by_alice.lower()


def test_adjudication_queue_hides_who_rated_what_from_reviewers(project):
    _agreement_project(project)
    alice = Dashboard(project, reviewer="alice")
    alice.build_tab(2)
    judge = Dashboard(project, reviewer="judge")
    judge.build_tab(2)
    seen_by_alice, seen_by_judge = widget_texts(alice.tabs.children[2]), widget_texts(judge.tabs.children[2])
    assert "Adjudication queue (4 records)" in seen_by_alice and "Adjudication queue (4 records)" in seen_by_judge
    assert "<th>bob</th>" in seen_by_judge and "<th>alice</th>" in seen_by_judge
    assert "<th>bob</th>" not in seen_by_alice and "<th>alice</th>" not in seen_by_alice
    assert "<th>disagreement</th>" in seen_by_alice


def test_served_typed_adjudicator_name_is_not_privileged(project):
    assert sees_all(project, "judge")
    assert not sees_all(project, "alice")
    served = Project.open(project.path, served=True)  # the served app: a typed name is a claim
    assert not sees_all(served, "judge")
    assert sees_all(served, Identity("judge", "key"))  # verified: the adjudicator's role
    assert not sees_all(served, Identity("alice", "key"))
    assert not sees_all(served, None)
