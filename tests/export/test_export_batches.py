"""Export reads its records a batch at a time (``rows.TableRows``): the same files and labels as one batch."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from export.export_helpers import corpus, near_copy, preference_rows, with_duplicates
from helpers import make_dataset, msg

from workbench.export import dedup, export, rows
from workbench.export.dedup import (
    _labels,
    content_text,
    duplicate_groups,
    normalise,
    text_columns,
    text_labels,
)
from workbench.export.rows import TableRows
from workbench.model import RECORD_SCHEMA

SPLIT_FILES = ("train.jsonl", "val.jsonl", "test.jsonl")


def _rows() -> list[dict]:
    base, _ = with_duplicates(corpus(120, seed=5), k=12)
    base.append({**base[7], "id": "shout", "messages": [dict(m, content=m["content"].upper().replace(" ", "  "))
                                                         for m in base[7]["messages"]]})
    base.append(near_copy(base[40], "near-40"))
    base.append({"id": "empty", "kind": "sft", "messages": [msg("user", "  "), msg("assistant", "x")]})
    return base


def _export(tmp_path, name: str, monkeypatch, batch: int, **kw) -> tuple[dict, dict[str, bytes]]:
    monkeypatch.setattr(rows, "BATCH", batch)
    out = tmp_path / name
    export(make_dataset(_rows()), out, report=False, seed=3, **kw)
    files = {f: (out / f).read_bytes() for f in SPLIT_FILES if (out / f).is_file()}
    manifest = json.loads((out / "manifest.json").read_text())
    manifest.pop("created")
    manifest.pop("files")
    return manifest, files


@pytest.mark.parametrize("stratify", ["auto", "task_type"])
def test_batches_of_seven_write_the_bytes_of_one_batch(tmp_path, monkeypatch, stratify):
    whole, whole_files = _export(tmp_path, "whole", monkeypatch, 10**6, stratify=stratify)
    small, small_files = _export(tmp_path, "small", monkeypatch, 7, stratify=stratify)
    assert set(whole_files) == set(SPLIT_FILES)
    assert small_files == whole_files
    assert small == whole
    # the fixture's duplicates were found and left out in both (not a vacuous comparison)
    assert whole["left_out"]["exact_duplicate"] >= 13 and whole["left_out"]["near_duplicate"] >= 13
    assert whole["left_out"]["empty_content"] == 1
    assert whole["total"] == sum(len(b.splitlines()) for b in whole_files.values())


def test_batched_parquet_matches_one_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(rows, "BATCH", 10**6)
    export(make_dataset(_rows()), tmp_path / "a", container="parquet", report=False)
    monkeypatch.setattr(rows, "BATCH", 5)
    export(make_dataset(_rows()), tmp_path / "b", container="parquet", report=False)
    for name in ("train.parquet", "val.parquet", "test.parquet"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _mixed_table() -> pa.Table:
    """SFT rows first, KTO and preference rows only at the end: early batches hold no completion."""
    sft = corpus(30, seed=2)
    sft.append({**sft[3], "id": "copy-3"})
    kto = [{"id": f"k{i}", "kind": "kto", "messages": [msg("user", f"question {i % 4}")],
            "completion": [msg("assistant", f"answer {i % 4}")], "label": True} for i in range(8)]
    return pa.Table.from_pylist(sft + kto + preference_rows(3, per_prompt=2), schema=RECORD_SCHEMA)


def test_text_labels_in_batches_equal_dictionary_labels_of_the_whole_text():
    table = _mixed_table()
    view = TableRows(table, np.random.default_rng(0).permutation(table.num_rows)[:40])
    whole = view.to_table()
    columns = text_columns(view)
    assert columns == text_columns(whole) == ["messages", "chosen", "rejected", "completion"]
    batched = pa.concat_arrays([content_text(b, columns) for b in view.batches(4)])
    assert batched.equals(content_text(whole))
    expected = _labels(normalise(content_text(whole)))
    got = text_labels(view, lambda t: content_text(t, columns), batch=3)
    np.testing.assert_array_equal(got, expected)
    assert len(np.unique(expected)) < len(expected)  # some rows share a text


def test_text_labels_never_join_texts_whose_hashes_collide(monkeypatch):
    table = _mixed_table()
    view = TableRows(table)
    expected = _labels(normalise(content_text(table)))
    # every text hashed to 0: all rows are candidates, and their texts alone decide the labels
    monkeypatch.setattr(dedup.pd.util, "hash_array", lambda values, categorize=True: np.zeros(len(values), np.uint64))
    got = text_labels(view, lambda t: content_text(t, text_columns(view)), batch=5)
    np.testing.assert_array_equal(got, expected)
    assert pd.Series(expected).nunique() > 30


def test_duplicate_groups_of_a_view_equal_those_of_its_table(monkeypatch):
    table = _mixed_table()
    monkeypatch.setattr(rows, "BATCH", 4)
    order = np.random.default_rng(1).permutation(table.num_rows)
    view = TableRows(table, order)
    a, b = duplicate_groups(view), duplicate_groups(view.to_table())
    for field in ("exact", "near", "prompt", "semantic"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert (a.prompt >= 0).sum() == 6 + 8  # preference pairs and KTO rows share prompts


def test_table_rows_take_slices_and_columns():
    table = _mixed_table()
    view = TableRows(table, np.array([5, 6, 7, 2, 0]))
    assert view.slice(0, 3).column("id").to_pylist() == table.column("id").to_pylist()[5:8]
    assert view.slice(2).column("id").to_pylist() == [table.column("id")[i].as_py() for i in (7, 2, 0)]
    assert view.take([4, 0]).column("id").to_pylist() == [table.column("id")[i].as_py() for i in (0, 5)]
    assert view.subset(np.array([3])).column("id").to_pylist() == [table.column("id")[2].as_py()]
    assert TableRows(table).to_table() is table
    assert [b.num_rows for b in view.batches(2)] == [2, 2, 1]
