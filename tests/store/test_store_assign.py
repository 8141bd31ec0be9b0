"""Assignment: deterministic, calibration first for everyone, overlap share, gold mixed in and unmarked."""
from __future__ import annotations

import pandas as pd
import pytest
from store.store_helpers import make_dataset

from workbench.store import PermissionDenied, Project
from workbench.store.assign import plan

REVIEWERS = ["bob", "cat", "dan", "eve"]


@pytest.fixture
def big(tmp_path):
    p = Project.create(tmp_path / "big", make_dataset(400, 0), owner="olga")
    yield p
    p.close()


def ids(n: int = 400) -> list[str]:
    return [f"r{i}" for i in range(n)]


def test_plan_is_deterministic_given_the_seed():
    a = plan(ids(), REVIEWERS, seed=7, gold=ids(10), gold_rate=0.05)
    b = plan(ids(), REVIEWERS, seed=7, gold=ids(10), gold_rate=0.05)
    pd.testing.assert_frame_equal(a, b)
    c = plan(ids(), REVIEWERS, seed=8, gold=ids(10), gold_rate=0.05)
    assert not a.equals(c)


def test_every_record_is_assigned_and_overlap_share_is_within_tolerance():
    df = plan(ids(), REVIEWERS, overlap=0.15, calibration=30, seed=1)
    cal = set(df.loc[df["role"] == "calibration", "record_id"])
    assert len(cal) == 30
    rest = df[~df["record_id"].isin(cal)]
    per_record = rest.groupby("record_id")["reviewer"].nunique()
    assert set(per_record.index) | cal == set(ids())  # nothing left out
    share = (per_record >= 2).mean()
    assert abs(share - 0.15) <= 0.01
    assert set(rest.loc[rest["role"] == "overlap", "record_id"]) == set(per_record[per_record >= 2].index)
    loads = rest.groupby("reviewer").size()
    assert loads.max() - loads.min() <= 1  # balanced


def test_calibration_goes_to_everyone_first():
    df = plan(ids(), REVIEWERS, calibration=20, seed=2)
    cal = df[df["role"] == "calibration"]
    assert cal.groupby("record_id")["reviewer"].nunique().eq(len(REVIEWERS)).all()
    for _reviewer, q in df.sort_values("position").groupby("reviewer"):
        assert q["role"].tolist()[:20] == ["calibration"] * 20
        same_order = cal[cal["reviewer"] == "bob"]["record_id"].tolist()
        assert q["record_id"].tolist()[:20] == same_order


def test_gold_rate():
    df = plan(ids(), REVIEWERS, calibration=0, overlap=0, gold=ids(40), gold_rate=0.1, seed=3)
    for _, q in df.groupby("reviewer"):
        assert q["role"].eq("gold").mean() == pytest.approx(0.1, abs=0.02)
    assert set(df.loc[df["role"] == "gold", "record_id"]) <= set(ids(40))
    assert not (set(df.loc[df["role"] != "gold", "record_id"]) & set(ids(40)))  # gold left the pool


def test_plan_validation():
    with pytest.raises(ValueError, match="at least one reviewer"):
        plan(ids(), [])
    with pytest.raises(ValueError, match="overlap"):
        plan(ids(), REVIEWERS, overlap=1.5)
    with pytest.raises(ValueError, match="distinct"):
        plan(ids(), ["bob", "bob"])


def test_assign_stores_events_and_queues(big):
    big.gold("olga", "r0", "overall", 5)
    big.gold("olga", "r1", "category", "billing")
    df = big.assign(REVIEWERS, overlap=0.15, calibration=30, gold_rate=0.05, seed=0, by="olga")
    assert {r: big.role_of(r) for r in REVIEWERS} == dict.fromkeys(REVIEWERS, "reviewer")
    stored = big.log.frame(kind="assignment")
    assert len(stored) == len(df)
    assert set(stored["reviewer"]) == {"olga"}  # who assigned
    assert {v["role"] for v in stored["value"]} == {"calibration", "overlap", "single", "gold"}
    q = big.queue("bob")
    mine = df[df["reviewer"] == "bob"].sort_values("position")
    assert q == mine["record_id"].tolist()
    assert set(q[:30]) == set(df.loc[df["role"] == "calibration", "record_id"])
    assert {"r0", "r1"} & set(q)  # gold items are in the queue ...
    assert all(isinstance(x, str) for x in q)  # ... as plain record ids, unmarked
    assert big.gold_items(by="olga") == ["r0", "r1"]
    with pytest.raises(PermissionDenied):
        big.gold_items(by="bob")
    with pytest.raises(PermissionDenied):
        big.assignments(by="bob")
    assert len(big.assignments(by="olga")) == len(df)


def test_assign_is_deterministic_across_projects(tmp_path):
    frames = []
    for name in ("a", "b"):
        p = Project.create(tmp_path / name, make_dataset(200, 0), owner="olga")
        frames.append(p.assign(REVIEWERS, calibration=20, seed=42, by="olga").drop(columns="batch"))
        p.close()
    pd.testing.assert_frame_equal(*frames)


def test_assign_permissions_and_validation(big):
    big.add_reviewer("ada", "adjudicator", by="olga")
    n = big.log.count()
    with pytest.raises(PermissionDenied, match="assign"):
        big.assign(REVIEWERS, by="ada")
    with pytest.raises(ValueError, match="unknown record id"):
        big.assign(REVIEWERS, records=["r1", "nope"], by="olga")
    assert big.log.count() == n


def test_queue_pending_and_undo_of_an_assignment(big):
    big.assign(["bob"], records=ids(5), calibration=0, seed=0, by="olga")
    q = big.queue("bob")
    assert sorted(q) == ids(5)
    big.decide("bob", q[0], "accept")
    assert big.queue("bob", pending=True) == q[1:]
    ev = big.log.events(kind="assignment")[0]
    big.undo("olga", event_id=ev.id)
    assert ev.record_id not in big.queue("bob")
    assert big.queue("nobody") == []
