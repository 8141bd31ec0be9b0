"""Rows of a table picked by position, taken a batch at a time instead of copied whole.

An export's records are a selection of the source table (memory-mapped from the project's cache), put
in record-id order and cut into splits. Taking each of those orders as a table copied every record
again: at 1M Alpaca records the selection, the sorted table and the split tables were three private
copies of 0.65 GB each (Arrow's pool went 0.66 -> 1.31 -> 1.95 GB), on top of the text the duplicate
search built. A :class:`TableRows`
holds only the positions (8 bytes a record); whoever reads it takes ``BATCH`` rows at a time.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa

# rows taken at a time: 50k two-turn Alpaca records are ~35 MB of text (690 bytes a record in the source's
# Arrow copy), and the JSON lines or normalised texts built from one batch a few times that
BATCH = 50_000


class TableRows:
    """The rows ``rows`` (positions, in this order) of ``base``; ``base`` itself is never copied whole.

    It answers what the export's readers ask of a table: ``num_rows`` / ``len``, ``slice`` and
    ``take`` (a materialised ``pyarrow.Table`` of those rows), ``column`` (one column's values, taken),
    ``batches`` and ``to_table`` (everything: only where a writer needs the whole split at once).
    """

    def __init__(self, base: pa.Table, rows: np.ndarray | None = None) -> None:
        self.base = base
        self.rows = np.arange(base.num_rows, dtype=np.int64) if rows is None else np.asarray(rows, np.int64)

    @property
    def num_rows(self) -> int:
        return len(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def column_names(self) -> list[str]:
        return self.base.column_names

    def _identity(self) -> bool:
        n = self.base.num_rows
        return len(self.rows) == n and bool(np.array_equal(self.rows, np.arange(n)))

    def take(self, indices) -> pa.Table:
        """Rows ``indices`` (positions in this view) as a table."""
        return self.base.take(pa.array(self.rows[np.asarray(indices, dtype=np.int64)]))

    def slice(self, offset: int = 0, length: int | None = None) -> pa.Table:
        """Rows ``offset .. offset + length`` of this view as a table (zero-copy over an identity view)."""
        stop = len(self.rows) if length is None else min(len(self.rows), offset + length)
        sub = self.rows[offset:stop]
        if len(sub) and sub[-1] - sub[0] == len(sub) - 1 and bool(np.all(np.diff(sub) == 1)):
            return self.base.slice(int(sub[0]), len(sub))  # a run of consecutive rows: no copy
        return self.base.take(pa.array(sub))

    def column(self, name: str) -> pa.ChunkedArray:
        if self._identity():
            return self.base.column(name)
        return self.base.column(name).take(pa.array(self.rows))

    def select(self, names: Sequence[str]) -> TableRows:
        return TableRows(self.base.select(list(names)), self.rows)

    def subset(self, positions: np.ndarray) -> TableRows:
        """The rows at ``positions`` of this view (a view again)."""
        return TableRows(self.base, self.rows[np.asarray(positions, dtype=np.int64)])

    def batches(self, size: int | None = None) -> Iterator[pa.Table]:
        size = batch_size() if size is None else max(int(size), 1)
        for lo in range(0, len(self.rows), size):
            yield self.slice(lo, size)

    def to_table(self) -> pa.Table:
        """Every row at once (a copy unless the view is ``base`` itself in order)."""
        return self.base if self._identity() else self.base.take(pa.array(self.rows))


def batch_size() -> int:
    """:data:`BATCH`, read when called (a test sets it small to cut a fixture into many batches)."""
    return max(int(BATCH), 1)


def as_view(table: pa.Table | TableRows) -> TableRows:
    return table if isinstance(table, TableRows) else TableRows(table)


def concat_views(parts: Sequence[TableRows]) -> TableRows:
    """The rows of ``parts`` one after another (they must share one base table)."""
    if not parts:
        raise ValueError("no parts to join")
    base = parts[0].base
    if any(p.base is not base for p in parts):
        raise ValueError("parts of different tables cannot be joined as one view")
    return TableRows(base, np.concatenate([p.rows for p in parts]))
