"""fold_events on hand-built logs: undo chains, consolidation rules, adjudication, conflicts."""
from __future__ import annotations

import pytest
from store.store_helpers import frame_of

from workbench.model.events import Event, value_hash
from workbench.store import fold_events
from workbench.store.fold import active_mask, preference_key


def E(reviewer, kind, value=None, record="r1", target=None, **kw):
    defaults = {"rating": "overall", "label": "category", "decision": "decision", "tags": "tags",
                "preference": "preference", "comment": "comment"}
    return Event(record, kind, reviewer, target or defaults.get(kind), value, **kw)


def undo(of: Event, by: str | None = None) -> Event:
    return Event(of.record_id, "undo", by or of.reviewer, of.kind, None, reverts=of.id)


def test_undo_chains_alternate():
    a = E("bob", "rating", 4)
    u1 = undo(a)
    u2 = undo(u1)
    u3 = undo(u2)
    events = [a, u1, u2, u3]
    assert active_mask(frame_of([a, u1])).tolist() == [False, True]
    assert active_mask(frame_of([a, u1, u2])).tolist() == [True, False, True]  # redo
    assert active_mask(frame_of(events)).tolist() == [False, True, False, True]


def test_undo_restores_the_previous_value():
    a, b = E("bob", "rating", 2), E("bob", "rating", 5)
    u = undo(b)
    st = fold_events(frame_of([a, b, u]))
    assert st.value("r1", "rating", "overall", reviewer="bob") == 2
    st = fold_events(frame_of([a, b, u, undo(u)]))  # undo of the undo re-applies 5
    assert st.value("r1", "rating", "overall", reviewer="bob") == 5
    st = fold_events(frame_of([a, undo(a)]))
    assert st.per_reviewer.empty and st.consolidated.empty


def test_last_value_per_reviewer_and_key():
    evs = [E("bob", "rating", 1), E("bob", "rating", 3), E("bob", "rating", 2, target="tone"),
           E("cat", "rating", 5), E("bob", "label", "billing"), E("bob", "label", "account")]
    pr = fold_events(frame_of(evs)).per_reviewer
    got = {(r, k, t): v for r, k, t, v in zip(pr["reviewer"], pr["kind"], pr["target"], pr["value"])}
    assert got == {("bob", "rating", "overall"): 3, ("bob", "rating", "tone"): 2,
                   ("cat", "rating", "overall"): 5,
                   ("bob", "label", "category"): "account"}
    assert set(pr.columns) >= {"record_id", "reviewer", "kind", "target", "value", "time", "event_id"}


def test_majority_labels_and_decisions():
    evs = [E("a", "label", "billing"), E("b", "label", "billing"), E("c", "label", "account"),
           E("a", "decision", "accept"), E("b", "decision", "reject")]
    st = fold_events(frame_of(evs))
    c = st.consolidated.set_index("kind")
    assert c.loc["label", "value"] == "billing" and c.loc["label", "source"] == "agreement"
    assert c.loc["label", "n_reviewers"] == 3 and not c.loc["label", "agreed"]
    assert c.loc["decision", "value"] is None  # a 1-1 tie is left for adjudication, not guessed
    assert not c.loc["decision", "agreed"]


def test_single_reviewer_source():
    st = fold_events(frame_of([E("a", "decision", "accept")]))
    row = st.consolidated.iloc[0]
    assert (row["value"], row["source"], row["n_reviewers"], row["agreed"]) == ("accept", "single", 1, True)


def test_adjudicator_wins_over_majority():
    evs = [E("a", "decision", "accept"), E("b", "decision", "accept"), E("adj", "decision", "reject"),
           E("a", "decision", "accept")]  # a reviewer after the adjudicator does not override
    st = fold_events(frame_of(evs), adjudicators={"adj"})
    row = st.consolidated.iloc[0]
    assert (row["value"], row["source"], row["n_reviewers"]) == ("reject", "adjudicator", 2)


def test_adjudicators_default_to_role_events_in_the_log():
    role = Event("*", "role", "olga", "adj", {"role": "adjudicator"})
    evs = [role, E("a", "label", "billing"), E("adj", "label", "account")]
    st = fold_events(frame_of(evs))
    assert st.roles == {"adj": "adjudicator"}
    assert st.value("r1", "label", "category") == "account"
    assert "*" not in set(st.per_reviewer["record_id"])


def test_median_ratings_and_tolerance():
    evs = [E("a", "rating", 2), E("b", "rating", 3), E("c", "rating", 5)]
    st = fold_events(frame_of(evs))
    row = st.consolidated.iloc[0]
    assert row["value"] == 3 and not row["agreed"]  # spread 3 > tolerance 1
    st = fold_events(frame_of(evs[:2]))
    assert st.consolidated.iloc[0]["value"] == 2.5 and st.consolidated.iloc[0]["agreed"]


def test_unanimous_and_adjudicator_only_rules():
    evs = [E("a", "label", "billing"), E("b", "label", "billing"), E("c", "label", "account"),
           E("a", "label", "billing", record="r2"), E("b", "label", "billing", record="r2")]
    un = fold_events(frame_of(evs), consolidation="unanimous").consolidated.set_index("record_id")
    assert un.loc["r1", "value"] is None and un.loc["r2", "value"] == "billing"
    ad = fold_events(frame_of(evs + [E("a", "label", "other", record="r3")]),
                     consolidation="adjudicator_only").consolidated.set_index("record_id")
    assert ad.loc["r1", "value"] is None and ad.loc["r2", "value"] is None
    assert ad.loc["r3", "value"] == "other"
    with pytest.raises(ValueError, match="unknown consolidation"):
        fold_events(frame_of(evs), consolidation="average")


def test_tags_majority_per_tag():
    evs = [E("a", "tags", ["pii", "health"]), E("b", "tags", ["pii"]), E("c", "tags", ["pii", "legal"])]
    row = fold_events(frame_of(evs)).consolidated.iloc[0]
    assert row["value"] == ["pii"] and not row["agreed"] and row["n_reviewers"] == 3
    row = fold_events(frame_of(evs[:1] + [E("b", "tags", ["health", "pii"])])).consolidated.iloc[0]
    assert row["value"] == ["health", "pii"] and row["agreed"]
    row = fold_events(frame_of([E("a", "tags", [])])).consolidated.iloc[0]
    assert row["value"] == []


def test_preference_is_normalised_through_the_display_order():
    a = E("a", "preference", {"choice": "A", "order": ["chosen", "rejected"]})
    b = E("b", "preference", {"choice": "B", "order": ["rejected", "chosen"]})  # same pick, other order
    row = fold_events(frame_of([a, b])).consolidated.iloc[0]
    assert row["value"] == "chosen" and row["agreed"]
    assert preference_key({"ranking": [2, 0, 1], "order": [0, 1, 2]}) == "2>0>1"
    assert preference_key({"choice": "tie", "order": ["chosen", "rejected"]}) == "tie"


def test_stale_edit_is_a_conflict_and_not_applied():
    orig = "Original answer."
    t = "messages[2].content"
    a = E("bob", "edit", "Bob's fix.", target=t, seen_hash=value_hash(orig))
    b = E("cat", "edit", "Cat's fix.", target=t, seen_hash=value_hash(orig))  # did not see Bob's
    c = E("dan", "edit", "Dan's fix.", target=t, seen_hash=value_hash("Bob's fix."))  # saw Bob's: fine
    st = fold_events(frame_of([a, b, c]), originals={("r1", t): orig})
    assert st.value("r1", "edit", t) == "Dan's fix."
    conf = st.conflicts
    assert conf["event_id"].tolist() == [b.id] and conf["reason"].tolist() == ["stale"]
    assert conf.iloc[0]["current_value"] == "Bob's fix."
    assert conf.iloc[0]["current_hash"] == value_hash("Bob's fix.")
    assert not conf.iloc[0]["resolved"]
    assert st.ops.set_index("event_id")["applied"].to_dict() == {a.id: True, b.id: False, c.id: True}
    # the reviewer's own view keeps their text
    assert st.value("r1", "edit", t, reviewer="cat") == "Cat's fix."
    # cat redoes the edit on the fresh text: resolved
    d = E("cat", "edit", "Cat's merged fix.", target=t, seen_hash=value_hash("Dan's fix."))
    st = fold_events(frame_of([a, b, c, d]), originals={("r1", t): orig})
    assert st.conflicts.iloc[0]["resolved"] and st.value("r1", "edit", t) == "Cat's merged fix."


def test_first_edit_from_a_wrong_view_is_caught_with_originals():
    t = "messages[2].content"
    a = E("bob", "edit", "x", target=t, seen_hash=value_hash("not the source"))
    assert len(fold_events(frame_of([a]), originals={("r1", t): "source"}).conflicts) == 1
    assert len(fold_events(frame_of([a])).conflicts) == 0  # without originals the first edit is trusted


def test_adjudicated_text_is_final():
    t = "messages[2].content"
    evs = [E("bob", "edit", "v1", target=t), E("adj", "edit", "final", target=t),
           E("bob", "edit", "v3", target=t)]
    st = fold_events(frame_of(evs), adjudicators={"adj"})
    assert st.value("r1", "edit", t) == "final"
    row = st.consolidated[st.consolidated["kind"] == "edit"].iloc[0]
    assert row["source"] == "adjudicator"
    assert st.conflicts["reason"].tolist() == ["adjudicated"]


def test_edits_without_seen_hash_take_the_last():
    t = "messages[2].content"
    evs = [E("bob", "edit", "v1", target=t), E("cat", "edit", "v2", target=t)]
    row = fold_events(frame_of(evs)).consolidated.iloc[0]
    assert (row["value"], row["source"], row["n_reviewers"]) == ("v2", "agreement", 2)


def test_fold_is_order_independent_of_frame_row_order():
    evs = [E("a", "label", "billing"), E("b", "label", "account"), E("a", "label", "account")]
    f = frame_of(evs)
    assert fold_events(f.iloc[::-1]).value("r1", "label", "category") == "account"


def test_empty_frame():
    st = fold_events(frame_of([]))
    assert st.per_reviewer.empty and st.consolidated.empty and st.conflicts.empty
