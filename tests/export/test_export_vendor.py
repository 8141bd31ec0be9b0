"""Vendor batches: unmarked gold out, a hidden key in the project, answers scored before they count."""
from __future__ import annotations

import csv
import io
import json

import pytest

from workbench.export import ExportError
from workbench.export.vendor import export_vendor_batch, import_vendor_batch, score_vendor_batch


@pytest.fixture
def gold_project(project):
    ids = list(project.dataset.ids)
    for rid in ids[:8]:
        project.gold("olga", rid, "category", "shipping")
        project.gold("olga", rid, "overall", 4)
    return project, ids


def _answers(rows, key, good: bool):
    """A worker's answers: gold items right (``good``) or wrong; other items a fixed answer."""
    out = []
    for r in rows:
        gold = key["gold"].get(r["task_id"])
        if gold:
            a = {"category": "shipping" if good else "billing", "rating": 4 if good else 1}
        else:
            a = {"category": "returns", "rating": 5, "decision": "accept"}
        out.append({**r, **{k: str(v) for k, v in a.items()}})
    return out


def _write_csv(rows, path):
    cols = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue())


def test_batch_hides_the_gold_and_keeps_the_key_in_the_project(gold_project, tmp_path):
    project, ids = gold_project
    res = export_vendor_batch(project, tmp_path / "batch.csv", n=20, gold_share=0.2, seed=1)
    assert res["tasks"] == 24 and res["gold"] == 4
    text = (tmp_path / "batch.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert "gold" not in text.lower() and not any(rid in text for rid in ids)  # opaque task ids only
    assert {"task_id", "prompt", "response", "rating", "category", "decision", "worker_id"} <= set(rows[0])
    key = json.loads(open(res["key"]).read())
    assert res["key"].startswith(str(project.path)) and len(key["gold"]) == 4
    assert set(key["tasks"].values()) <= set(ids)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_returned_batch_is_scored_and_only_good_workers_count(gold_project, tmp_path, suffix):
    project, ids = gold_project
    res = export_vendor_batch(project, tmp_path / f"batch{suffix}", n=12, gold_share=0.25)
    key = json.loads(open(res["key"]).read())
    sent = (tmp_path / f"batch{suffix}").read_text()
    rows = list(csv.DictReader(io.StringIO(sent))) if suffix == ".csv" else \
        [json.loads(line) for line in sent.splitlines()]
    back = [{**r, "worker_id": "w1"} for r in _answers(rows, key, True)] + \
        [{**r, "worker_id": "w2"} for r in _answers(rows, key, False)]
    path = tmp_path / f"returned{suffix}"
    if suffix == ".csv":
        _write_csv(back, path)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in back))
    before = project.log.count()
    score = score_vendor_batch(project, path)
    assert score["workers"]["w1"]["accuracy"] == 1.0 and score["workers"]["w2"]["accuracy"] == 0.0
    assert score["accuracy"] == 0.5 and project.log.count() == before
    res = import_vendor_batch(project, path, min_accuracy=0.8)
    assert res["accepted_workers"] == ["w1"] and res["rejected_workers"] == ["w2"]
    assert res["events_appended"] == 12 * 3  # category, rating, decision on the non-gold tasks
    pr = project.state().per_reviewer
    assert set(pr[pr["reviewer"].str.startswith("vendor:")]["reviewer"]) == {"vendor:w1"}
    gold_ids = {key["tasks"][t] for t in key["gold"]}
    assert not (set(pr[pr["reviewer"] == "vendor:w1"]["record_id"]) & gold_ids)
    assert import_vendor_batch(project, path)["events_appended"] == 0


def test_invalid_answers_are_reported_not_imported(gold_project, tmp_path):
    project, _ = gold_project
    res = export_vendor_batch(project, tmp_path / "b.jsonl", n=5, gold_share=0.2)
    rows = [json.loads(line) for line in (tmp_path / "b.jsonl").read_text().splitlines()]
    key = json.loads(open(res["key"]).read())
    back = [{**r, "worker_id": "w1"} for r in _answers(rows, key, True)]
    back[0]["rating"] = "eleven"
    back.append({"task_id": "t-forged", "worker_id": "w1", "rating": "3"})
    (tmp_path / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in back))
    score = score_vendor_batch(project, tmp_path / "r.jsonl")
    assert len(score["invalid"]) == 2
    assert {i.get("field") for i in score["invalid"]} == {"rating", None}
    assert any(i["reason"] == "unknown task id" for i in score["invalid"])


def test_no_gold_no_batch(project, tmp_path):
    with pytest.raises(ExportError, match="gold"):
        export_vendor_batch(project, tmp_path / "b.csv")
    assert not (tmp_path / "b.csv").exists()
