"""The per-record fold used for pages agrees with the store's fold on random action sequences."""
from __future__ import annotations

import random

import pytest

from workbench.model.events import value_hash
from workbench.ui import ReviewSession


def _random_actions(project, rng, rid, n=14):
    reviewers = ["alice", "bob", "judge"]
    for _ in range(n):
        who = rng.choice(reviewers)
        rec = project.current_record(rid)
        k = rng.random()
        try:
            if k < 0.45:
                i = rng.randrange(len(rec.messages))
                shown = rec.messages[i].content if rng.random() < 0.6 else "something stale"
                seen = value_hash(shown) if rng.random() < 0.8 else None
                text = f"{who} text {rng.random():.3f}"
                project.edit(who, rid, f"messages[{i}].content", text, seen_hash=seen)
            elif k < 0.55:
                project.add_turn(who, rid, rng.randrange(len(rec.messages) + 1), "user", "added")
            elif k < 0.62 and len(rec.messages) > 1:
                project.delete_turn(who, rid, rng.randrange(len(rec.messages)))
            elif k < 0.8:
                project.undo(who)
            else:
                project.rate(who, rid, rng.randint(1, 5))
        except ValueError:
            pass  # e.g. nothing to undo


@pytest.mark.parametrize("seed", range(3))
def test_page_fold_matches_store_current_record(project, seed):
    rng = random.Random(seed)
    for rid in ("s0", "s1"):
        _random_actions(project, rng, rid)
    s = ReviewSession(project, "alice", signals=None)
    for rid in ("s0", "s1"):
        state = s.record_state(rid)
        assert state.record == project.current_record(rid)
        store = project.fold().per_reviewer.query("record_id == @rid and kind == 'rating'")
        for reviewer, value in zip(store["reviewer"], store["value"]):
            assert state.values[reviewer][("rating", "overall")] == value
        stale = {e for e in project.fold().conflicts.query("record_id == @rid")["event_id"]}
        assert {c["event_id"] for c in state.conflicts} == stale


def test_random_sequences_reach_conflicts_and_undos(project):
    rng = random.Random(0)
    for rid in ("s0", "s1"):
        _random_actions(project, rng, rid)
    kinds = {e.kind for e in project.log.events()}
    assert {"edit", "undo", "add_turn"} <= kinds
    assert len(project.fold().conflicts) > 0
