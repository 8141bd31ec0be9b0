"""Which records go out: edits applied, decisions, ratings, agreement, duplicates, PII redaction."""
from __future__ import annotations

import json

import pytest
from export.export_helpers import corpus
from helpers import make_dataset, msg

from workbench.export import export
from workbench.io import load


def _out_ids(res, out):
    ids = set()
    for name in res["counts"]:
        path = out / f"{name}.jsonl"
        if path.exists():
            ids |= {json.loads(line)["id"] for line in path.read_text().splitlines()}
    return ids


def _texts(out):
    return "".join(p.read_text() for p in out.glob("*.jsonl"))


@pytest.fixture
def reviewed(project):
    """A project where records 0-9 are accepted, 10-14 rejected, 15-19 need a fix; ratings vary."""
    ids = list(project.dataset.ids)
    for i, rid in enumerate(ids[:20]):
        project.decide("olga", rid, "accept" if i < 10 else "reject" if i < 15 else "needs_fix")
    for i, rid in enumerate(ids[:10]):
        project.rate("olga", rid, 5 if i < 6 else 2)
    return project, ids


def test_include_decides_which_decisions_go_out(reviewed, tmp_path):
    project, ids = reviewed
    res = export(project, tmp_path / "all", format="alpaca", include="all", report=False)
    assert res["total"] == len(ids) and "rejected" not in res["left_out"]
    res = export(project, tmp_path / "unrej", format="alpaca", report=False)
    assert _out_ids(res, tmp_path / "unrej") == set(ids) - set(ids[10:15])
    assert res["left_out"] == {"rejected": 5}
    res = export(project, tmp_path / "acc", format="alpaca", include="accepted", report=False)
    assert _out_ids(res, tmp_path / "acc") == set(ids[:10])
    assert res["left_out"] == {"not_accepted": len(ids) - 15, "rejected": 5}


def test_min_rating_leaves_out_low_and_unrated(reviewed, tmp_path):
    project, ids = reviewed
    res = export(project, tmp_path / "out", format="alpaca", min_rating=4, splits=(1.0,), report=False)
    assert _out_ids(res, tmp_path / "out") == set(ids[:6])
    assert res["left_out"]["below_min_rating"] == 4
    assert res["left_out"]["rejected"] == 5
    assert res["left_out"]["unrated"] == len(ids) - 15


def test_min_agreement_uses_the_reviewers_spread(project, tmp_path):
    ids = list(project.dataset.ids)
    project.rate("ana", ids[0], 5)
    project.rate("ben", ids[0], 1)  # disagree
    project.rate("ana", ids[1], 4)
    project.rate("ben", ids[1], 4)  # agree
    res = export(project, tmp_path / "out", format="alpaca", min_agreement=0.6, splits=(1.0,), report=False)
    out = _out_ids(res, tmp_path / "out")
    assert ids[0] not in out and ids[1] in out and ids[2] in out  # single or no reviewer: kept
    assert res["left_out"] == {"below_min_agreement": 1}


def test_consolidated_edits_and_labels_are_applied(project, tmp_path):
    rid = project.dataset.ids[0]
    project.edit("olga", rid, "messages[1].content", "A better, fixed answer.")
    project.label("olga", rid, "other")
    res = export(project, tmp_path / "out", format="alpaca", splits=(1.0,), report=False)
    back = {r.id: r for r in load(tmp_path / "out" / "train.jsonl").records()}
    assert back[rid].response == "A better, fixed answer." and back[rid].category == "other"
    assert res["manifest"]["source"]["last_event_id"] == project.log.last_event_id()
    assert res["manifest"]["source"]["fingerprint"] == project.fingerprint


def test_duplicates_keep_the_accepted_member(project, tmp_path):
    rows = corpus(30, seed=2)
    rows.append({**rows[0], "id": "zz-copy"})
    from workbench.store import Project

    p = Project.create(tmp_path / "p2", make_dataset(rows), owner="olga")
    p.decide("olga", "zz-copy", "accept")
    res = export(p, tmp_path / "out", format="alpaca", splits=(1.0,), report=False)
    out = _out_ids(res, tmp_path / "out")
    assert "zz-copy" in out and rows[0]["id"] not in out
    assert res["left_out"] == {"exact_duplicate": 1}
    p.close()


def test_near_duplicates_left_out_by_default_and_kept_when_asked(tmp_path):
    from export.export_helpers import near_copy

    rows = corpus(40, seed=3)
    rows.append(near_copy(rows[5], "near-5"))
    res = export(make_dataset(rows), tmp_path / "a", format="alpaca", report=False)
    assert res["left_out"] == {"near_duplicate": 1}
    res = export(make_dataset(rows), tmp_path / "b", format="alpaca", dedupe="exact", report=False)
    assert res["left_out"] == {} and res["total"] == 41


def test_redact_pii_replaces_instead_of_dropping(tmp_path):
    rows = corpus(30, seed=4)
    rows[0]["messages"][0]["content"] = "Mail me at jane.doe@example.com or call +1 555 123 4567 please"
    res = export(make_dataset(rows), tmp_path / "red", redact_pii=True, report=False)
    text = _texts(tmp_path / "red")
    assert "jane.doe@example.com" not in text and "555 123 4567" not in text
    assert "[EMAIL" in text.upper() and res["total"] == 30
    assert res["manifest"]["options"]["redact_pii"] is True
    export(make_dataset(rows), tmp_path / "plain", report=False)
    assert "jane.doe@example.com" in _texts(tmp_path / "plain")


def test_records_the_format_cannot_hold_are_counted(tmp_path):
    rows = corpus(20, seed=5)
    rows.append({"id": "pref", "kind": "preference", "category": "billing", "messages": [msg("user", "q?")],
                 "chosen": [msg("assistant", "good")], "rejected": [msg("assistant", "bad")]})
    rows.append({"id": "open", "kind": "prompt_only", "category": "billing",
                 "messages": [msg("user", "only a q")]})
    rows.append({"id": "blank", "kind": "sft", "category": "billing",
                 "messages": [msg("user", "q"), msg("assistant", "   ")]})
    res = export(make_dataset(rows), tmp_path / "out", format="openai", report=False)
    assert res["left_out"] == {"empty_content": 1, "format_cannot_hold": 1, "no_response": 1}
    assert res["total"] == 20


def test_a_project_folder_path_exports_like_the_project(reviewed, tmp_path):
    project, ids = reviewed
    res = export(str(project.path), tmp_path / "out", format="alpaca", report=False)
    assert res["manifest"]["source"]["kind"] == "project" and res["left_out"] == {"rejected": 5}


def test_keep_metadata_writes_uniform_keys(tmp_path):
    import datasets

    rows = corpus(30, seed=6)
    rows[0]["metadata"] = json.dumps({"source": "forum", "score": 3})
    rows[1]["metadata"] = json.dumps({"source": "email"})
    res = export(make_dataset(rows), tmp_path / "out", format="alpaca", keep_metadata=True, splits=(1.0,),
                 report=False)
    lines = [json.loads(x) for x in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    assert all({"source", "score"} <= set(r) for r in lines) and res["total"] == 30
    ds = datasets.load_dataset("json", data_files=str(tmp_path / "out" / "train.jsonl"), split="train",
                               cache_dir=str(tmp_path / "cache"))
    assert sorted(x for x in ds["source"] if x) == ["email", "forum"]
