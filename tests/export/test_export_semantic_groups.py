"""Paraphrased prompts (semantic duplicates) kept in one split when asked; splits of data without
categories stratified by the inferred task types."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
from helpers import make_dataset, msg

from workbench.export import export, leakage_check
from workbench.export.dedup import duplicate_groups
from workbench.io import load
from workbench.model import RECORD_SCHEMA
from workbench.quality.semantic_dup import SemanticDuplicateFinder

FIX = Path(__file__).resolve().parents[1] / "fixtures"


def paraphrase_rows() -> tuple[list[dict], list[tuple[str, str]]]:
    """MT-bench questions (real text) with 21 hand-written paraphrases as records of their own."""
    rows, pairs = [], []
    for line in (FIX / "fastchat_mt_bench_question.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        rows.append({"id": f"q{q['question_id']}", "kind": "sft",
                     "messages": [msg("user", q["turns"][0]), msg("assistant", f"Answer {q['question_id']}.")]})
    for line in (FIX / "mt_bench_paraphrases.jsonl").read_text(encoding="utf-8").splitlines():
        p = json.loads(line)
        rows.append({"id": f"p{p['question_id']}", "kind": "sft",
                     "messages": [msg("user", p["paraphrase"]), msg("assistant", f"Reply {p['question_id']}.")]})
        pairs.append((f"q{p['question_id']}", f"p{p['question_id']}"))
    return rows, pairs


def split_of_ids(out: Path) -> dict[str, str]:
    where = {}
    for name in ("train", "val", "test"):
        for line in (out / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            where[json.loads(line)["id"]] = name
    return where


def test_paraphrases_share_a_split_only_when_asked(tmp_path):
    rows, pairs = paraphrase_rows()
    apart = 0
    for seed in range(3):  # without grouping, some pair is split (MinHash cannot see paraphrases)
        export(make_dataset(rows), tmp_path / f"plain{seed}", format="alpaca", seed=seed, report=False)
        where = split_of_ids(tmp_path / f"plain{seed}")
        apart += sum(where[a] != where[b] for a, b in pairs)
    assert apart > 0
    res = export(make_dataset(rows), tmp_path / "grouped", format="alpaca", seed=0, report=False,
                 semantic_threshold=0.75)
    where = split_of_ids(tmp_path / "grouped")
    assert len(where) == len(rows)
    together = sum(where[a] == where[b] for a, b in pairs)
    assert together >= 17  # the finder links 20 of the 21 pairs at 0.75 (bench_semantic_dup.py)
    check = res["manifest"]["leakage_check"]
    assert check["semantic_threshold"] == 0.75 and check["semantic_groups_across_splits"] == 0 and check["ok"]
    assert res["manifest"]["options"]["semantic_threshold"] == 0.75
    card = (tmp_path / "grouped" / "README.md").read_text(encoding="utf-8")
    assert "semantic duplicates (prompts with embedding cosine >= 0.75)" in card


def test_leakage_check_counts_paraphrases_across_splits():
    rows, pairs = paraphrase_rows()
    by_id = {r["id"]: r for r in rows}
    train = pa.Table.from_pylist([by_id[a] for a, _ in pairs], schema=RECORD_SCHEMA)
    test = pa.Table.from_pylist([by_id[b] for _, b in pairs], schema=RECORD_SCHEMA)
    plain = leakage_check({"train": train, "test": test})
    assert plain["ok"] and "semantic_groups_across_splits" not in plain
    check = leakage_check({"train": train, "test": test}, semantic_threshold=0.75)
    assert check["semantic_groups_across_splits"] >= 17 and not check["ok"]


def test_semantic_groups_do_not_depend_on_row_order():
    """Export groups the selected rows and checks the written splits in another order: the finder's
    blocks must depend on the text only (forced here onto its blocked search)."""
    rows, _ = paraphrase_rows()
    texts = [r["messages"][0]["content"] for r in rows]
    finder = SemanticDuplicateFinder(threshold=0.7, block=20)
    perm = np.random.default_rng(4).permutation(len(texts))

    def partition(labels, ids):
        groups = {}
        for lab, i in zip(labels, ids):
            if lab >= 0:
                groups.setdefault(lab, set()).add(i)
        return sorted(sorted(g) for g in groups.values())

    a = finder.find(texts).groups()
    b = finder.find([texts[i] for i in perm]).groups()
    assert partition(a, range(len(texts))) == partition(b, perm.tolist())
    assert len(partition(a, range(len(texts)))) >= 15


def test_duplicate_groups_without_semantic_threshold_has_no_semantic_labels():
    rows, _ = paraphrase_rows()
    dup = duplicate_groups(make_dataset(rows).table)
    assert (dup.semantic == -1).all() and dup.semantic_threshold is None
    on = duplicate_groups(make_dataset(rows).table, semantic_threshold=0.75)
    assert (on.semantic >= 0).sum() >= 34  # both members of at least 17 pairs


def test_data_without_categories_is_stratified_by_task_type(tmp_path):
    """A real Chinese Alpaca file (no categories): each split keeps the task-type mix."""
    from workbench.quality.task_type import task_types_of

    ds = load(FIX / "llamafactory_alpaca_zh_demo_200.json")
    assert not ds.has_categories
    res = export(ds, tmp_path / "out", format="alpaca", seed=0, report=False)
    assert res["manifest"]["stratified_by"] == "task_type"
    assert "stratified by the inferred task type" in (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    types = dict(zip(ds.table.column("id").to_pylist(), task_types_of(ds.table)))
    where = split_of_ids(tmp_path / "out")
    assert set(where) == set(types)
    overall = Counter(types.values())
    assert sum(c >= 10 for c in overall.values()) >= 3, overall
    for name, frac in (("train", 0.8), ("val", 0.1), ("test", 0.1)):
        got = Counter(types[i] for i, s in where.items() if s == name)
        for t, c in overall.items():  # each type's share of the split is its share of the data, within a record
            if c >= 10:  # (a rare type first gets one record per split, so its shares round coarser)
                assert abs(got[t] - frac * c) <= 1.0, (name, t, got[t], c)


def test_auto_stratifies_by_category_when_present(tmp_path):
    rows = [{"id": f"r{i}", "kind": "sft", "category": "a" if i % 4 else "b",
             "messages": [msg("user", f"question number {i} about item {i * 7}"), msg("assistant", f"answer {i}")]}
            for i in range(80)]
    res = export(make_dataset(rows), tmp_path / "out", format="alpaca", seed=0, report=False)
    assert res["manifest"]["stratified_by"] == "category"
    per = res["manifest"]["counts_per_category"]
    assert per["train"]["b"] == 16 and per["val"]["b"] == 2 and per["test"]["b"] == 2


def test_cli_semantic_groups_and_stratify(tmp_path):
    import subprocess
    import sys

    rows, _ = paraphrase_rows()
    src = tmp_path / "data.jsonl"
    src.write_text("".join(json.dumps({"messages": r["messages"]}) + "\n" for r in rows), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "workbench.cli", "export", str(src), "--out", str(tmp_path / "out"),
                          "--format", "alpaca", "--semantic-groups", "--no-report"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"]["semantic_threshold"] == 0.75 and manifest["options"]["stratify"] == "auto"
    assert manifest["stratified_by"] == "task_type"
    assert manifest["leakage_check"]["semantic_groups_across_splits"] == 0
    off = subprocess.run([sys.executable, "-m", "workbench.cli", "export", str(src), "--out", str(tmp_path / "off"),
                          "--format", "alpaca", "--stratify", "none", "--no-report"], capture_output=True, text=True)
    assert off.returncode == 0, off.stderr
    manifest = json.loads((tmp_path / "off" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stratified_by"] is None and "semantic_groups_across_splits" not in manifest["leakage_check"]
