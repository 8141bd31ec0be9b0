"""The frozen source as an uncompressed Arrow file in the project's cache, memory-mapped by every reader.

``source.parquet`` is the project's record of truth (compressed, fingerprinted). Reading it decodes every
column into private memory: at 200k two-turn records a 115 MB table cost each dashboard kernel ~320 MB
(the table, its combined copy, and the decoder's freed pages the allocator keeps). Every kernel of
``workbench serve`` holds one, so the data was most of a tab's memory. An Arrow IPC copy of the combined
table, written once beside the signal cache and opened with ``pyarrow.memory_map``, costs a reader no
private memory for its columns: the pages are the operating system's file cache, shared by all kernels
and dropped under memory pressure instead of swapped.

The copy is named by the source's fingerprint, so a changed source never reads a stale copy; it is
written atomically (temporary file, then rename), and a folder that cannot take it (read-only, full)
just reads the parquet file as before.
"""
from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

import pyarrow as pa

log = logging.getLogger(__name__)


def copy_path(cache_dir: Path, fingerprint: str) -> Path:
    """Where the Arrow copy of the source with this fingerprint lives."""
    return Path(cache_dir) / f"source-{fingerprint[:16]}.arrow"


def read_copy(cache_dir: Path, fingerprint: str) -> pa.Table | None:
    """The memory-mapped copy of the source, or None when there is none (or it cannot be read)."""
    path = copy_path(cache_dir, fingerprint)
    if not path.is_file():
        return None
    try:
        return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
    except (OSError, pa.ArrowInvalid) as exc:
        log.warning("the Arrow copy of the source %s could not be read (%s); reading source.parquet", path, exc)
        return None


def write_copy(table: pa.Table, cache_dir: Path, fingerprint: str) -> Path | None:
    """Write ``table`` (one chunk per column, as a Dataset holds it) as the source's Arrow copy; return
    its path, or None when the folder cannot take it (the reader then keeps the parquet path)."""
    path = copy_path(cache_dir, fingerprint)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=max(1, table.num_rows))
        os.replace(tmp, path)
        return path
    except OSError as exc:
        log.warning("no Arrow copy of the source in %s (%s): readers decode source.parquet", cache_dir, exc)
        tmp.unlink(missing_ok=True)
        return None


def mapped_table(table: pa.Table, cache_dir: Path, fingerprint: str) -> pa.Table:
    """``table`` (just decoded from source.parquet) written as the Arrow copy and read back mapped;
    ``table`` itself when the copy cannot be made or read."""
    if write_copy(table, cache_dir, fingerprint) is None:
        return table
    mapped = read_copy(cache_dir, fingerprint)
    return table if mapped is None else mapped
