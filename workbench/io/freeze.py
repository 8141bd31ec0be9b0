"""A data file loaded straight into a Parquet file (``workbench init``), in bounded memory where it can be.

``load()`` builds the whole canonical table in memory, and writing it to Parquet adds the writer's
buffers: on 1M Alpaca records the table alone is ~1.2 GB. Here a JSONL file the vectorised reader takes
(``fastpath.plan_fast_load``) is read in two passes over its converted pieces:

1. every piece is converted as ``load()`` converts it (``fastpath._prepare``); what must be known of
   every row before any id is final (bad marks, assistant turns, source ids, 8-byte content digests)
   stays in memory (``fastpath._Tally``), and the kept rows' columns are spooled piece by piece to an
   Arrow IPC file (LZ4) beside the output;
2. ``fastpath.settle`` applies the file-wide rules (prompt-only rows, the quarantine's reasons, ids with
   repeats numbered over the whole file), then the spool is read back piece by piece, each piece made
   into canonical records (``fastpath.records_table``, the same function the in-memory path ends with)
   and written to Parquet in row groups of about ``ROW_GROUP_ROWS``.

The records, ids, row order and quarantine are those ``load()`` gives (tests/io/test_freeze.py); the
Parquet file's row groups differ (so does its SHA-256, the project fingerprint). Anything else -
another container or format, a small file, a file only the exact path reads, pieces that infer
different fields - is loaded by ``load()`` and returned as a ``Dataset`` for the caller to write.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from workbench.io import fastpath
from workbench.io.arrowlit import bools
from workbench.io.growing import TooLarge
from workbench.io.loader import load
from workbench.model.dataset import Dataset
from workbench.model.schema import RECORD_SCHEMA

ROW_GROUP_ROWS = 100_000  # rows per Parquet row group (~120 MB of Alpaca text before compression)
STREAM_MIN_BYTES = 64 << 20  # smaller files are loaded in memory (one row group, as before)


@dataclass
class Frozen:
    """What ``freeze`` wrote to Parquet: the table stays on disk, its ids and counts are here."""

    format: str
    source: str | None
    ids: pa.Array
    quarantine: list = field(default_factory=list)
    extra_events: list = field(default_factory=list)  # (none: only Label Studio files carry events)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def rows_read(self) -> int:
        return len(self) + len(self.quarantine)

    def quarantine_jsonl(self) -> str:
        return Dataset(RECORD_SCHEMA.empty_table(), quarantine=self.quarantine).quarantine_jsonl()


def freeze(source: Any, out: str | Path, format: str | None = None, *,
           force: bool = False) -> Frozen | Dataset:
    """Load ``source`` and write its canonical records to the Parquet file ``out`` when it can be done
    piece by piece (then a ``Frozen``); otherwise ``out`` is not written and the ``Dataset`` that
    ``load()`` gives is returned.

    ``force`` streams whatever the file's size (from ``STREAM_MIN_BYTES`` otherwise; tests force it on
    small files). Raises ``LoadError`` (the whole file cannot be read) as ``load()`` does; on any error
    or interrupt ``out`` and the spool are removed.
    """
    out = Path(out)
    plan = None
    if isinstance(source, (str, Path)) and (force or _size(source) >= STREAM_MIN_BYTES):
        plan = fastpath.plan_fast_load(source, format, force=True)
    if plan is not None:
        try:
            done = _stream(plan, out)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        if done is not None:
            return done
    return load(source, format)


def _size(source: str | Path) -> int:
    try:
        return os.stat(source).st_size
    except OSError:
        return 0  # load() says why it cannot be read


def _stream(plan: fastpath.Plan, out: Path) -> Frozen | None:
    spool_path = out.with_name(f".{out.name}.spool.arrow")
    try:
        spool = _Spool(plan.fmt, spool_path)
        try:
            parts = fastpath.read_parts(plan, spool, whole=False)
        finally:
            spool.close()
        if parts is None:
            return None
        settled = fastpath.settle(plan, parts)
        if settled is None:
            return None
        _write(settled, spool, plan.where, out)
        return Frozen(plan.fmt, plan.where, settled.ids, settled.quarantine)
    except TooLarge:
        raise fastpath.too_large(plan.path) from None
    finally:
        spool_path.unlink(missing_ok=True)


class _Spool(fastpath._Tally):
    """``_Tally`` whose kept rows' columns go to an Arrow IPC file, one record batch per piece."""

    def __init__(self, fmt: str, path: Path) -> None:
        self.path = path
        self.writer: pa.ipc.RecordBatchFileWriter | None = None
        self.kept: list[int] = []  # rows each piece kept, in spool order
        super().__init__(fmt)
        self.schema = pa.schema([*(pa.field(n, RECORD_SCHEMA.field(n).type) for n in self.names),
                                 pa.field("metadata", pa.string()), pa.field("category", pa.string())])
        self.has_category = False

    def _keep(self, piece: fastpath._Piece) -> None:
        m = len(piece.source_ids)
        if piece.category is not None:
            self.has_category = True
        columns = [*(piece.sides[n] for n in self.names), piece.metadata,
                   piece.category if piece.category is not None else pa.nulls(m, pa.string())]
        if self.writer is None:  # LZ4: less to write than the text itself, faster overall (1M Alpaca: -0.8 s)
            self.writer = pa.ipc.new_file(str(self.path), self.schema,
                                          options=pa.ipc.IpcWriteOptions(compression="lz4"))
        self.writer.write_batch(pa.record_batch(columns, schema=self.schema))
        self.kept.append(m)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def batches(self):
        """The spooled pieces in order, read from the file (not memory-mapped: each is freed after use)."""
        if not self.kept:
            return
        with pa.OSFile(str(self.path)) as fh:
            reader = pa.ipc.open_file(fh)
            for i in range(reader.num_record_batches):
                yield reader.get_batch(i)


def _write(settled: fastpath.Settled, spool: _Spool, where: str, out: Path) -> None:
    """Pass 2: each spooled piece made into canonical records, written in row groups."""
    later = settled.later
    lo = first = 0  # the next kept row, and the next row the pieces kept
    pending: list[pa.Table] = []
    rows = 0
    with pq.ParquetWriter(out, RECORD_SCHEMA) as writer:
        for batch in spool.batches():
            n = batch.num_rows
            cols = {name: batch.column(name) for name in spool.names}
            metadata, category = batch.column("metadata"), batch.column("category")
            if later is not None:
                mask = later[first:first + n]
                if not mask.all():
                    sel = bools(mask)
                    cols = {k: v.filter(sel) for k, v in cols.items()}
                    metadata, category = metadata.filter(sel), category.filter(sel)
            first += n
            table = fastpath.records_table(settled, lo, cols, metadata,
                                           category if spool.has_category else None, where)
            lo += table.num_rows
            pending.append(table)
            rows += table.num_rows
            if rows >= ROW_GROUP_ROWS:  # whole row groups out, the rest carried (no copies: chunks)
                ready = pa.concat_tables(pending)
                full = rows - rows % ROW_GROUP_ROWS
                writer.write_table(ready.slice(0, full), row_group_size=ROW_GROUP_ROWS)
                pending, rows = [ready.slice(full)], rows - full
        if rows or lo == 0:  # the last row group (or one empty one: the file holds the schema)
            writer.write_table(pa.concat_tables(pending) if pending else RECORD_SCHEMA.empty_table(),
                               row_group_size=ROW_GROUP_ROWS)
    if lo != len(settled.ids):  # (every kept row was written once)
        raise AssertionError(f"wrote {lo} records of {len(settled.ids)}")
