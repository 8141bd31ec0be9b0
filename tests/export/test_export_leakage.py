"""No exact duplicate, near duplicate or shared preference prompt spans two written splits."""
from __future__ import annotations

import json

import pyarrow as pa
from export.export_helpers import corpus, near_copy, preference_rows, with_duplicates
from helpers import make_dataset

from workbench.export import export, leakage_check
from workbench.model import RECORD_SCHEMA


def _split_of_ids(out, names=("train", "val", "test")):
    where = {}
    for name in names:
        path = out / f"{name}.jsonl"
        if path.exists():
            for line in path.read_text().splitlines():
                where[json.loads(line)["id"]] = name
    return where


def test_injected_duplicates_stay_in_one_split(tmp_path):
    rows, groups = with_duplicates(corpus(400, seed=5), k=15)
    res = export(make_dataset(rows), tmp_path / "out", format="alpaca", dedupe="none", seed=3, report=False)
    where = _split_of_ids(tmp_path / "out")
    assert len(where) == len(rows)
    for g in groups:
        assert len({where[i] for i in g}) == 1, g
    assert res["leakage_check"]["ok"]
    assert res["manifest"]["leakage_check"]["exact_groups_across_splits"] == 0
    assert res["manifest"]["leakage_check"]["near_clusters_across_splits"] == 0


def test_shared_preference_prompts_stay_in_one_split(tmp_path):
    rows = preference_rows(120, per_prompt=3, seed=2)
    res = export(make_dataset(rows), tmp_path / "out", format="dpo", seed=1, report=False)
    where = _split_of_ids(tmp_path / "out")
    by_prompt = {}
    for r in rows:
        by_prompt.setdefault(r["id"].split("-")[0], set()).add(where[r["id"]])
    assert all(len(s) == 1 for s in by_prompt.values())
    assert len({s.pop() for s in by_prompt.values()}) == 3  # yet all three splits are used
    assert res["leakage_check"]["shared_prompts_across_splits"] == 0


def test_leakage_check_on_reloaded_files_is_zero(tmp_path):
    rows, _ = with_duplicates(corpus(300, seed=9), k=10)
    export(make_dataset(rows), tmp_path / "out", dedupe="none", report=False)
    files = {n: tmp_path / "out" / f"{n}.jsonl" for n in ("train", "val", "test")}
    check = leakage_check(files)
    assert check["ok"] and check["records_checked"] == len(rows)


def test_leakage_check_finds_planted_leaks():
    rows = corpus(30, seed=1)
    copy, near = {**rows[0], "id": "copy"}, near_copy(rows[1], "near")
    train = pa.Table.from_pylist(rows, schema=RECORD_SCHEMA)
    test = pa.Table.from_pylist([copy, near], schema=RECORD_SCHEMA)
    check = leakage_check({"train": train, "test": test})
    assert check["exact_groups_across_splits"] == 1
    assert check["near_clusters_across_splits"] == 2  # the exact copy is a near duplicate too
    assert not check["ok"]
