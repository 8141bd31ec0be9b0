"""The frozen source's Arrow copy in the cache: written on the first read, memory-mapped by every later
reader (no private memory for its columns), equal to source.parquet, and never trusted when it is stale,
damaged or cannot be written."""
from __future__ import annotations

import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from store.store_helpers import make_dataset

from workbench.model import RECORD_SCHEMA
from workbench.store import Project
from workbench.store.source_copy import copy_path, read_copy, write_copy


def _reference(path: Path) -> pa.Table:
    return pq.read_table(path / "source.parquet").cast(RECORD_SCHEMA).combine_chunks()


def test_first_read_writes_the_copy_and_later_readers_map_it(tmp_path):
    Project.create(tmp_path / "p", make_dataset(40, 5)).close()
    fresh = Project.open(tmp_path / "p")
    copy = copy_path(fresh.cache_dir, fresh.fingerprint)
    assert not copy.exists()  # nothing is written until the records are read
    first = fresh.dataset.table
    assert copy.is_file() and copy.name == f"source-{fresh.fingerprint[:16]}.arrow"
    assert first.equals(_reference(tmp_path / "p"))
    fresh.close()

    before = pa.total_allocated_bytes()
    with Project.open(tmp_path / "p") as again:
        table = again.dataset.table
        # the columns live in the mapped file, not in Arrow's allocator
        assert pa.total_allocated_bytes() - before < 4096
        assert table.equals(_reference(tmp_path / "p"))
        assert all(table.column(c).num_chunks == 1 for c in table.column_names)
        assert len(again.dataset) == 45 and again.dataset.quarantine == []
        assert again.dataset.table.column("id").to_pylist()[:3] == ["r0", "r1", "r2"]


def test_a_damaged_copy_is_not_trusted(tmp_path, caplog):
    Project.create(tmp_path / "p", make_dataset(12, 0)).close()
    with Project.open(tmp_path / "p") as p:
        path = copy_path(p.cache_dir, p.fingerprint)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not an arrow file")
    with caplog.at_level(logging.WARNING, logger="workbench.store.source_copy"), \
            Project.open(tmp_path / "p") as p:
        assert p.dataset.table.equals(_reference(tmp_path / "p"))
    assert "could not be read" in caplog.text


def test_a_copy_named_by_another_fingerprint_is_never_read(tmp_path):
    Project.create(tmp_path / "p", make_dataset(6, 0)).close()
    other = make_dataset(3, 0).table
    with Project.open(tmp_path / "p") as p:
        write_copy(other, p.cache_dir, "0" * 64)
        assert len(p.dataset) == 6
        assert read_copy(p.cache_dir, "0" * 64).num_rows == 3


def test_a_folder_that_cannot_take_the_copy_reads_parquet(tmp_path, caplog, monkeypatch):
    Project.create(tmp_path / "p", make_dataset(8, 1)).close()

    def read_only(path, mode="rb"):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr("workbench.store.source_copy.pa.OSFile", read_only)
    with caplog.at_level(logging.WARNING, logger="workbench.store.source_copy"), \
            Project.open(tmp_path / "p") as p:
        assert len(p.dataset) == 9
        assert p.dataset.table.equals(_reference(tmp_path / "p"))
        assert not copy_path(p.cache_dir, p.fingerprint).exists()
    assert "no Arrow copy" in caplog.text


def test_write_copy_failure_leaves_no_temporary_file(tmp_path, monkeypatch):
    table = make_dataset(4, 0).table

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("workbench.store.source_copy.os.replace", refuse)
    assert write_copy(table, tmp_path, "f" * 64) is None
    assert list(tmp_path.iterdir()) == []
