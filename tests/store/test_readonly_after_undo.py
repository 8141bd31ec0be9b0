"""After an undo, every view of the folded state still works (issue 15's blocker).

pandas hands out read-only numpy views (copy-on-write), and code that wrote into ``.to_numpy()`` in
place failed with "output array is read-only" only once an undo was in the log: the suggestion
frame, and through it the Overview, provenance, active-learning scores and every export.
"""
from __future__ import annotations

import json

import pytest

import workbench as wb
from workbench import assist
from workbench.workflows.agreement import run_agreement


def _reviewed(project):
    p = project
    for who in ("alice", "bob"):
        p.add_reviewer(who, "reviewer", by="olga")
    for who in ("alice", "bob"):
        for i in range(5):
            p.rate(who, f"r{i}", 2 + (i + (who == "bob")) % 4)
            p.decide(who, f"r{i}", "reject" if i == 0 else "accept")
            p.label(who, f"r{i}", "billing")
    p.suggest("model:clf", "r2", "category", "account", score=0.8)
    p.suggest("model:clf", "r3", "category", "billing", score=0.6)
    return p


UNDOS = {
    "rating": lambda p: (p.rate("alice", "r6", 4), p.undo("alice")),
    "decision": lambda p: (p.decide("alice", "r6", "accept"), p.undo("alice")),
    "label": lambda p: (p.label("alice", "r6", "account"), p.undo("alice")),
    "tag": lambda p: (p.tag("alice", "r6", list(p.guidelines.tags[:1]) or ["rude"]), p.undo("alice")),
    "comment": lambda p: (p.comment("alice", "r6", "hm"), p.undo("alice")),
    "edit": lambda p: (p.edit("alice", "r6", "messages[2].content", "A rewritten answer."), p.undo("alice")),
    "preference": lambda p: (p.prefer("alice", "r10", "A", ["chosen", "rejected"]), p.undo("alice")),
    "redo": lambda p: (p.rate("alice", "r6", 4), p.undo("alice"), p.redo("alice"), p.undo("alice")),
}


@pytest.mark.parametrize("kind", list(UNDOS))
def test_each_kind_of_undo_keeps_the_suggestion_views(project, kind):
    p = _reviewed(project)
    UNDOS[kind](p)
    assert sorted(assist.suggestions_frame(p)["record_id"]) == ["r2", "r3"]
    assert p.status_frame().set_index("record_id").at["r6", "n_reviews"] == 0


@pytest.fixture
def undone(project):
    """Reviews, suggestions and one undo of every kind (and a redo undone again)."""
    p = _reviewed(project)
    for act in UNDOS.values():
        act(p)
    return p


def test_status_and_fold_after_undo(undone):
    st = undone.status_frame().set_index("record_id")
    assert st.at["r6", "n_reviews"] == 0 and st.at["r10", "n_reviews"] == 0  # the undone action is gone
    assert st.at["r1", "n_reviews"] == 2 and st.at["r1", "decision"] == "accept"
    assert undone.fold().per_reviewer["record_id"].isin(["r6", "r10"]).sum() == 0
    assert len(undone.annotations_long()) > 0 and undone.edited_table().num_rows == 12


def test_suggestions_and_assist_views_after_undo(undone):
    sug = assist.suggestions_frame(undone)
    assert sorted(sug["record_id"]) == ["r2", "r3"]
    summary = assist.suggestion_summary(undone)
    assert summary["suggestions"].tolist() == [2]
    prov = assist.provenance_counts(undone)
    assert sum(prov["counts"].values()) == 12
    scores = assist.queue_scores(undone).set_index("record_id")
    assert scores["uncertainty"].notna().sum() == 2


def test_undone_suggestion_leaves_the_suggestion_views(project):
    p = _reviewed(project)
    ev = p.suggest("model:clf", "r7", "category", "account", score=0.9)
    p.undo("olga", ev.id)
    assert sorted(assist.suggestions_frame(p)["record_id"]) == ["r2", "r3"]
    assert assist.suggestion_summary(p)["suggestions"].tolist() == [2]


def test_agreement_after_undo(undone, tmp_path):
    res = run_agreement(undone, tmp_path / "agreement")
    summary = json.loads(res["json"].read_text(encoding="utf-8"))
    # alice and bob on r0-r4; the undone actions on r6 and r10 take no part
    assert (summary["n_records"], summary["n_annotators"]) == (5, 2)
    assert sorted(summary["fields"]) == ["category", "decision", "overall"]
    assert all(f["n_items"] == 5 for f in summary["fields"].values())
    assert res["markdown"].is_file()


def test_export_after_undo(undone, tmp_path):
    out = tmp_path / "out"
    res = wb.export(undone, out=out, format="openai", splits=(0.5, 0.5), seed=0, dedupe="none", report=False)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # 12 records: r0 rejected by both reviewers, the 2 preference pairs do not fit the chat format
    assert manifest["left_out"] == {"rejected": 1, "format_cannot_hold": 2}
    assert sum(res["counts"].values()) == 9
    lines = [line for f in out.glob("*.jsonl") for line in f.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 9
