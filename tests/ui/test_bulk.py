"""Bulk actions: planned on the filtered selection, written only after confirmation, one event per record."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.ui import ReviewSession
from workbench.ui.bulk import duplicate_extras


def decisions(project, reviewer="alice"):
    return {e.record_id: e.value for e in project.log.events(reviewer=reviewer, kind="decision")}


def test_reject_duplicates_keeps_the_representative_after_confirmation(session, project):
    n = project.log.count()
    plan = session.bulk("reject_duplicates")
    assert plan.record_ids == ["dup1"] and "representative" in plan.description
    assert session.pending_bulk is plan and "confirm" in session.message
    assert project.log.count() == n  # nothing written yet
    assert session.confirm_bulk() == 1
    assert decisions(project) == {"dup1": "reject"}
    assert session.pending_bulk is None


def test_duplicates_outside_the_filter_are_untouched(session):
    session.set_filters(category="billing")
    assert session.bulk("reject_duplicates") is None and "empty" in session.message


def test_cancel_writes_nothing(session, project):
    n = project.log.count()
    session.bulk("decide", decision="accept")
    session.cancel_bulk()
    assert session.confirm_bulk() == 0 and "no bulk action" in session.message
    assert project.log.count() == n


def test_tag_all_merges_with_existing_tags(session, project):
    project.tag("alice", "s0", ["legal"])
    session.set_filters(category="billing")
    plan = session.bulk("tag", tags="pii")
    assert len(plan) == 5
    session.confirm_bulk()
    tags = {e.record_id: e.value for e in project.log.events(reviewer="alice", kind="tags")}
    assert tags["s0"] == ["legal", "pii"] and tags["s2"] == ["pii"] and len(tags) == 5


def test_decide_and_label_on_an_explicit_selection(session, project):
    session.select(["s1", "s3"])
    session.bulk("decide", decision="needs_fix")
    session.confirm_bulk()
    assert decisions(project) == {"s1": "needs_fix", "s3": "needs_fix"}
    session.bulk("label", category="returns")
    assert session.confirm_bulk() == 2
    session.select(None)
    assert len(session.selected_ids()) == len(session.queue)


def test_bulk_refusals(session, project):
    assert session.bulk("explode") is None and "unknown bulk action" in session.message
    assert session.bulk("decide", decision="maybe") is None
    assert session.bulk("tag") is None and "at least one tag" in session.message
    session.bulk("label", category="not-a-category")
    assert session.confirm_bulk() == 0 and "refused" in session.message and session.level == "error"


def test_assign_needs_owner_and_then_fills_the_queue(project, signals):
    s = ReviewSession(project, "alice", signals=signals)
    s.set_filters(category="account")
    s.bulk("assign", reviewer="bob")
    assert s.confirm_bulk() == 0 and "owner" in s.message
    owner = ReviewSession(project, project.owner, signals=signals)
    owner.set_filters(category="account")
    owner.bulk("assign", reviewer="bob")
    assert owner.confirm_bulk() == 5
    assert sorted(project.queue("bob")) == ["dup1", "s1", "s3", "s5", "s7"]
    bob = ReviewSession(project, "bob", signals=signals)
    assert list(bob.index.ids[bob.queue]) == project.queue("bob")


def test_duplicate_extras_with_near_clusters_and_label_clusters():
    ids = pd.Index(["a", "b", "c", "d"])
    near = pd.DataFrame({"near_dup_cluster": ["b", "b", None, "b"]})
    assert duplicate_extras(near, ids, np.arange(4), "near_duplicates") == ["a", "d"]
    labels = pd.DataFrame({"x_cluster": [7, None, 7, 7]})
    assert duplicate_extras(labels, ids, np.arange(4), "x") == ["c", "d"]
    flags = pd.DataFrame({"is_y_issue": [False, True, False, True]})
    assert duplicate_extras(flags, ids, np.array([1, 2]), "y") == ["b"]
    with pytest.raises(ValueError):
        duplicate_extras(pd.DataFrame(index=range(4)), ids, np.arange(4), "z")
