"""The per-record fold a review page uses equals the store's vectorised fold, over random histories of
every event kind (hypothesis): current row, each reviewer's values, gold answers and conflicts."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store.store_helpers import frame_of, msg

from workbench.model.events import Event, value_hash
from workbench.store.edits import apply_ops, text_at
from workbench.store.fold import REVIEW_KINDS, STATE_KINDS, fold_events
from workbench.store.record_fold import REVIEWER_KINDS, RecordState, fold_record

SOURCE = {"id": "r1", "kind": "sft",
          "messages": [msg("system", "Be brief."), msg("user", "What is 2+2?"), msg("assistant", "4.")],
          "chosen": None, "rejected": None, "candidates": None, "completion": None, "label": None,
          "category": None, "source_file": "mem.jsonl", "source_line": 1, "metadata": None}
REVIEWERS = ("alice", "bob", "chen")
ADJUDICATORS = {"chen"}
TARGETS = ("messages[1].content", "messages[2].content")
TEXTS = ("4.", "Four.", "It is 4.", "2+2 = 4")


@st.composite
def histories(draw) -> list[Event]:
    """Up to 25 events on one record: values of every state kind, edits (some made from a stale or a
    wrong view), added and deleted turns, suggestions, and undos of earlier events (undo of undo too)."""
    events: list[Event] = []
    for _ in range(draw(st.integers(0, 25))):
        who = draw(st.sampled_from(REVIEWERS))
        kind = draw(st.sampled_from(("edit", "edit", "rating", "label", "tags", "preference", "comment",
                                     "decision", "gold", "suggestion", "add_turn", "delete_turn", "undo")))
        if kind == "undo":
            if not events:
                continue
            events.append(Event("r1", "undo", who, reverts=draw(st.sampled_from(events)).id))
        elif kind == "edit":
            seen = draw(st.sampled_from((None, "fresh", "stale")))
            target = draw(st.sampled_from(TARGETS))
            text = draw(st.sampled_from(TEXTS))
            # "fresh": the hash of the text the reviewer would see now, as the widget sends it
            shown = text_at(fold_record(SOURCE, frame_of(events), ADJUDICATORS).row, target) if events else \
                text_at(SOURCE, target)
            seen_hash = {None: None, "stale": value_hash("an old text"),
                         "fresh": None if shown is None else value_hash(shown)}[seen]
            events.append(Event("r1", "edit", who, target, text, seen_hash=seen_hash))
        elif kind in ("add_turn", "delete_turn"):
            value = {"index": draw(st.integers(0, 3))}
            if kind == "add_turn":
                value.update(role=draw(st.sampled_from(("user", "assistant"))), content="more")
            events.append(Event("r1", kind, who, "messages", value))
        else:
            value = {"rating": draw(st.integers(1, 5)), "label": draw(st.sampled_from(("ok", "bad"))),
                     "tags": draw(st.lists(st.sampled_from(("x", "y", "z")), max_size=2, unique=True)),
                     "preference": {"choice": draw(st.sampled_from(("A", "B", "tie")))},
                     "comment": "note", "decision": draw(st.sampled_from(("accept", "reject"))),
                     "gold": draw(st.sampled_from(("ok", "bad"))),
                     "suggestion": {"value": "ok", "score": 0.5, "model": "m"}}[kind]
            target = "overall" if kind in ("rating", "decision", "comment", "preference") else "label"
            events.append(Event("r1", kind, who, target, value))
    return events


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_record_fold_equals_the_store_fold(events):
    frame = frame_of(events)
    state = fold_record(SOURCE, frame, ADJUDICATORS)
    folded = fold_events(frame, adjudicators=ADJUDICATORS,
                         originals={("r1", t): text_at(SOURCE, t) for t in TARGETS})
    # the current row: the store's applied operations in commit order on the source
    ops = folded.ops[folded.ops["applied"]]
    assert state.row == apply_ops(SOURCE, list(zip(ops["kind"], ops["target"], ops["value"]))) if len(ops) \
        else state.row == SOURCE
    # each reviewer's values
    pr = folded.per_reviewer
    mine = pr[pr["kind"].isin(REVIEWER_KINDS)]
    expected: dict[str, dict] = {}
    for who, kind, target, value in zip(mine["reviewer"], mine["kind"], mine["target"], mine["value"]):
        expected.setdefault(who, {})[(kind, target)] = value
    assert state.values == expected
    gold = pr[pr["kind"] == "gold"].sort_values("seq")
    assert state.gold == dict(zip(gold["target"], gold["value"]))
    # edits kept but not applied, with their reason
    got = {(c["event_id"], c["reason"]) for c in state.conflicts}
    want = set(zip(folded.conflicts["event_id"], folded.conflicts["reason"])) if len(folded.conflicts) else set()
    assert got == want
    assert state.n_events == len(events)


def test_kind_lists_have_one_owner():
    assert set(REVIEWER_KINDS) == set(STATE_KINDS) - {"gold"}
    assert set(REVIEW_KINDS) <= set(STATE_KINDS)
    import workbench.store.views as views
    import workbench.ui.actions as actions

    assert views.REVIEW_KINDS is REVIEW_KINDS and actions.REVIEW_KINDS is REVIEW_KINDS


def test_record_state_repr_names_the_record():
    state = fold_record(SOURCE, frame_of([Event("r1", "rating", "alice", "overall", 4)]), set())
    assert isinstance(state, RecordState)
    assert repr(state) == "RecordState(id='r1', events=1, reviewers=['alice'], conflicts=0)"
