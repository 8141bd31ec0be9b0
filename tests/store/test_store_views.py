"""Reads: history, the long annotation table, status per record, the edited table, export and replay."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from store.store_helpers import make_dataset

from workbench.model.events import value_hash
from workbench.store import Project

T = "messages[2].content"


def annotate(p: Project) -> None:
    p.rate("bob", "r1", 4)
    p.rate("cat", "r1", 2)
    p.rate("bob", "r1", 3, criterion="tone")
    p.label("bob", "r1", "billing")
    p.label("cat", "r1", "account")
    p.tag("bob", "r1", ["pii"])
    p.prefer("bob", "r10", "A", ["chosen", "rejected"])
    p.prefer("cat", "r10", "B", ["rejected", "chosen"])
    p.decide("bob", "r1", "accept")
    p.decide("cat", "r1", "reject")
    p.adjudicate("ada", "r1", "reject")
    p.decide("bob", "r2", "accept")
    p.decide("cat", "r2", "accept")
    p.edit("bob", "r2", T, "Better.", seen_hash=value_hash(p.current_record("r2").messages[2].content))
    p.add_turn("cat", "r3", 3, "user", "More?")
    p.gold("ada", "r4", "category", "returns")
    p.gold("ada", "r4", "overall", 5)
    p.comment("cat", "r1", "Check the price.")
    p.rate("dan", "r5", 1)
    p.undo("dan")


def test_history(project):
    annotate(project)
    h = project.history("r1")
    assert list(h.columns) == ["seq", "time", "reviewer", "role", "kind", "target", "value", "event_id",
                               "reverts", "session", "undone", "conflict"]
    assert h["seq"].is_monotonic_increasing
    assert h["reviewer"].tolist()[:3] == ["bob", "cat", "bob"]
    assert h.loc[h["reviewer"] == "ada", "role"].tolist() == ["adjudicator"]
    assert h["kind"].value_counts()["decision"] == 3
    h5 = project.history("r5")
    assert h5["kind"].tolist() == ["rating", "undo"] and h5["undone"].tolist() == [True, False]
    with pytest.raises(ValueError, match="unknown record"):
        project.history("zzz")


def test_annotations_long(project):
    annotate(project)
    long = project.annotations_long()
    assert list(long.columns)[:7] == ["record_id", "annotator", "field", "value", "time", "category",
                                      "is_gold"]
    cols = (long["record_id"], long["annotator"], long["field"], long["value"])
    rows = {(r, a, f): v for r, a, f, v in zip(*cols)}
    assert rows[("r1", "bob", "overall")] == 4 and rows[("r1", "bob", "tone")] == 3
    assert rows[("r1", "cat", "category")] == "account"
    assert rows[("r1", "bob", "tags")] == ("pii",)
    assert rows[("r10", "bob", "preference")] == "chosen" == rows[("r10", "cat", "preference")]
    assert rows[("r1", "ada", "decision")] == "reject"
    assert rows[("r2", "bob", "edit")] == "Better."
    assert ("r1", "cat", "comment") not in rows and ("r5", "dan", "overall") not in rows  # comment; undone
    gold = long[long["is_gold"]]
    assert set(zip(gold["record_id"], gold["field"], gold["value"])) == {("r4", "category", "returns"),
                                                                         ("r4", "overall", 5)}
    assert long.loc[long["record_id"] == "r1", "category"].unique().tolist() == ["billing"]  # source category


def test_status_frame(project):
    annotate(project)
    st = project.status_frame().set_index("record_id")
    assert len(st) == 12
    assert st.loc["r1", "n_reviews"] == 3 and st.loc["r1", "reviewers"] == ("ada", "bob", "cat")
    assert (st.loc["r1", "decision"], st.loc["r1", "decision_source"]) == ("reject", "adjudicator")
    assert st.loc["r1", "adjudicated"]
    assert st.loc["r1", "disputed"]  # labels and ratings still disagree, only the decision was ruled on
    assert (st.loc["r2", "decision"], st.loc["r2", "disputed"]) == ("accept", False)
    assert st.loc["r10", "disputed"] == False  # noqa: E712 - same pick under different display orders
    assert st.loc["r0", "n_reviews"] == 0 and st.loc["r0", "decision"] is None
    assert st.loc["r0", "reviewers"] == ()
    # one shared empty tuple, not an object per unreviewed record (memory per served kernel)
    unreviewed = st.loc[st["n_reviews"] == 0, "reviewers"].tolist()
    assert len(unreviewed) > 1 and all(v is unreviewed[0] for v in unreviewed)


def test_status_frame_is_built_once_per_fold(project):
    annotate(project)
    first = project.status_frame()
    first["n_reviews"] = -1  # a caller's own copy: the next caller is not affected
    again = project.status_frame()
    assert project._status_cache[1]["n_reviews"].max() == 3 and again["n_reviews"].max() == 3
    assert np.shares_memory(again["n_reviews"].to_numpy(), project._status_cache[1]["n_reviews"].to_numpy())
    project.decide("eve", "r7", "reject")  # a new event: a new fold, a new frame
    st = project.status_frame().set_index("record_id")
    assert st.loc["r7", "decision"] == "reject" and st.loc["r7", "reviewers"] == ("eve",)


def test_disputed_decision_without_adjudication(project):
    project.decide("bob", "r1", "accept")
    project.decide("cat", "r1", "reject")
    st = project.status_frame().set_index("record_id")
    assert st.loc["r1", "disputed"] and st.loc["r1", "decision"] is None


def test_edited_table_touches_only_edited_rows(project):
    annotate(project)
    src, out = project.dataset.table, project.edited_table()
    assert out.schema == src.schema and out.num_rows == src.num_rows
    assert out.column("id").to_pylist() == src.column("id").to_pylist()
    rows = out.to_pylist()
    assert rows[2]["messages"][2]["content"] == "Better."
    assert [m["content"] for m in rows[3]["messages"]][-1] == "More?"
    same = [i for i in range(12) if i not in (2, 3)]
    assert out.take(same).equals(src.take(same))


def test_export_and_replay_give_the_same_fold(project, tmp_path):
    annotate(project)
    project.undo("bob")  # bob's edit of r2
    project.undo("cat", event_id=project.undo("cat").id)  # undo then redo: a chain
    seen = value_hash(project.current_record("r6").messages[2].content)
    project.edit("bob", "r6", T, "Bob's.", seen_hash=seen)
    project.edit("cat", "r6", T, "Cat's.", seen_hash=seen)  # stale: a conflict
    n = project.export_log(tmp_path / "log.jsonl")
    lines = (tmp_path / "log.jsonl").read_text().splitlines()
    assert n == len(lines) == project.log.count()
    assert {json.loads(x)["id"] for x in lines} == {e.id for e in project.log.events()}

    fresh = Project.create(tmp_path / "fresh", make_dataset(), owner="olga")
    added = Project.replay(tmp_path / "log.jsonl", fresh)
    assert added == n
    assert Project.replay(tmp_path / "log.jsonl", fresh) == 0  # rerunning skips what is there
    assert fresh.reviewers == project.reviewers
    a, b = project.fold(), fresh.fold()
    for name in ("per_reviewer", "consolidated", "conflicts", "ops"):
        # seq is local to each database (the fresh project has its own first events); ids are kept
        x, y = (getattr(s, name).drop(columns="seq", errors="ignore") for s in (a, b))
        pd.testing.assert_frame_equal(x, y, check_dtype=False)
    assert len(a.per_reviewer) > 10 and len(a.conflicts) == 1 and len(a.ops) == 3
    assert fresh.edited_table().equals(project.edited_table())
    pd.testing.assert_frame_equal(fresh.status_frame(), project.status_frame())


def test_replay_refuses_malformed_logs(project, tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"record_id": "r1"}\n')
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        Project.replay(tmp_path / "bad.jsonl", project)
    (tmp_path / "other.jsonl").write_text(json.dumps(
        {"record_id": "zzz", "kind": "rating", "reviewer": "bob", "target": "overall", "value": 3}) + "\n")
    n = project.log.count()
    with pytest.raises(ValueError, match="not in this project"):
        Project.replay(tmp_path / "other.jsonl", project.path)
    assert project.log.count() == n


def test_state_and_fold_cache(project):
    project.rate("bob", "r1", 4)
    f1 = project.fold()
    assert project.fold() is f1  # nothing new: no refold
    project.rate("bob", "r1", 5)
    assert project.fold() is not f1
    mine = project.state("bob")
    assert mine["value"].tolist() == [5] and set(mine["reviewer"]) == {"bob"}
