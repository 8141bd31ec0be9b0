"""The combined signal frame of a cached report as one Arrow file, mapped copy-on-write by every reader.

Each dashboard kernel of ``workbench serve`` reads the project's cached signals: at 200k records the frame
(120 columns) cost every kernel ~270 MB of private memory, most of a tab's memory. Written once as an
uncompressed Arrow IPC file beside the per-signal cache, it is mapped with ``MAP_PRIVATE``
(``mmap.ACCESS_COPY``): the numeric columns become numpy arrays over the mapped pages (no copy), shared
with every other kernel through the file cache until a page is written, when the writer gets its own
copy of that page and the file never changes. So pandas may still write in place (a read-only mapping
would make ``frame.loc[...] = ...`` fail), and a kernel pays only for what it changes. Other columns
(strings, booleans, lists, numbers with nulls) are converted as ``pandas.read_parquet`` converts them.

A copy is named by the data's fingerprint and the cache keys of every signal in the report, and is only
kept when reading it back gives a frame equal to the one written (values and dtypes); a damaged or
missing copy means the per-signal files are read as before.
"""
from __future__ import annotations

import hashlib
import json
import logging
import mmap
import os
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

log = logging.getLogger(__name__)

COLUMNS_KEY = b"workbench.signal_columns"  # schema metadata: {signal name: [its columns]}


def copy_path(root: Path, fingerprint: str, entries: list[tuple[str, str]]) -> Path:
    """Where the frame of the report made of ``entries`` (signal name, cache key) for this data lives."""
    digest = hashlib.sha256(json.dumps([fingerprint, [list(e) for e in entries]]).encode()).hexdigest()[:20]
    return Path(root) / f"frame-{digest}.arrow"


def read_frame(path: Path) -> tuple[pd.DataFrame, dict[str, list[str]]] | None:
    """The mapped frame and each signal's columns, or None when there is no readable copy at ``path``."""
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_COPY)
        buffer = pa.py_buffer(mapped)
        table = pa.ipc.open_file(pa.BufferReader(buffer)).read_all()
        columns = json.loads((table.schema.metadata or {})[COLUMNS_KEY])
    except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
        log.warning("the signal frame copy %s could not be read (%s); reading the signal cache", path, exc)
        return None
    base, arrays, others = buffer.address, {}, []
    for name in table.column_names:
        col = table.column(name)
        kind = col.type
        if col.num_chunks == 1 and col.null_count == 0 and (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            chunk = col.chunk(0)
            dtype = np.dtype(kind.to_pandas_dtype())
            data = chunk.buffers()[1]
            assert data is not None
            arrays[name] = np.frombuffer(mapped, dtype=dtype, count=len(chunk),
                                         offset=data.address - base + chunk.offset * dtype.itemsize)
        else:
            others.append(name)
    if others:
        converted = table.select(others).to_pandas()
        for name in others:
            arrays[name] = converted[name]
    frame = pd.DataFrame({name: arrays[name] for name in table.column_names}, copy=False)
    return frame, columns


def write_frame(frame: pd.DataFrame, columns: dict[str, list[str]], path: Path) -> Path | None:
    """Write ``frame`` as the copy at ``path`` when it reads back equal (values and dtypes); else nothing.

    Returns the path written, or None (a frame Arrow cannot hold as it is, a full or read-only disk). A
    frame that does not round-trip leaves a ``.skip`` marker beside ``path``, so every later reader does
    not pay for the attempt again."""
    skip = path.with_suffix(".skip")
    if skip.exists():
        return None
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()
        meta = dict(table.schema.metadata or {})
        meta[COLUMNS_KEY] = json.dumps(columns).encode()
        table = table.replace_schema_metadata(meta)
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=max(1, table.num_rows))
        del table
        back = read_frame(tmp)
        if back is None or not _same(back[0], frame):
            log.info("the signal frame does not round-trip through Arrow: no mapped copy of it")
            tmp.unlink(missing_ok=True)
            skip.touch()
            return None
        os.replace(tmp, path)
        return path
    except (ValueError, TypeError, pa.ArrowException) as exc:  # a frame Arrow cannot hold as it is
        log.info("no mapped copy of the signal frame (%s)", exc)
        tmp.unlink(missing_ok=True)
        skip.touch()
        return None
    except OSError as exc:  # a full or read-only disk: tried again next time
        log.info("no mapped copy of the signal frame (%s)", exc)
        tmp.unlink(missing_ok=True)
        return None


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return (list(a.columns) == list(b.columns) and list(a.dtypes) == list(b.dtypes) and len(a) == len(b)
            and a.equals(b))
