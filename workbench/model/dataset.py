"""A loaded dataset: the canonical table, what format it came from, and what was quarantined."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.display import call_repr, cut, html_card, html_table
from workbench.model.records import Record
from workbench.model.schema import RECORD_SCHEMA

if TYPE_CHECKING:  # pandas costs ~0.3 s to import: only the two properties that return its objects load it
    import numpy as np
    import pandas as pd


class _HashSink:
    """A write-only file object that feeds a hash (for streaming a Parquet encoding into SHA-256)."""

    def __init__(self, h) -> None:
        self.h, self.pos, self.closed = h, 0, False

    def write(self, data) -> int:
        self.h.update(data)
        self.pos += len(data)
        return len(data)

    def tell(self) -> int:
        return self.pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True


PREVIEW_ROWS = 3  # records shown in a notebook's card


@dataclass(frozen=True)
class QuarantinedRow:
    """A source row that failed validation: where it was, why, and the raw text (truncated)."""

    line: int | None
    reasons: tuple[str, ...]
    detail: str
    raw: str
    source_file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source_file": self.source_file, "line": self.line, "reasons": list(self.reasons),
                "detail": self.detail, "raw": self.raw}


@dataclass
class Dataset:
    """Records in the canonical schema (``table``), plus provenance and the quarantine.

    Counts always reconcile: ``rows_read == len(self) + len(self.quarantine)``.
    """

    table: pa.Table
    format: str = "canonical"
    source: str | None = None
    quarantine: list[QuarantinedRow] = field(default_factory=list)
    extra_events: list = field(default_factory=list)  # e.g. Label Studio annotations as Events

    def __post_init__(self) -> None:
        if self.table.schema != RECORD_SCHEMA:
            self.table = self.table.select(RECORD_SCHEMA.names).cast(RECORD_SCHEMA)
        # random access (a page of the review queue) needs contiguous columns, not hundreds of chunks
        self.table = self.table.combine_chunks()

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def columns(self) -> list[str]:
        """The canonical columns that hold a value in some record (all of them for an empty dataset)."""
        n = self.table.num_rows
        return [c for c in self.table.column_names if not n or self.table.column(c).null_count < n]

    def __repr__(self) -> str:
        return call_repr("Dataset", {"format": self.format, "kind": self.kind, "rows": len(self),
                                     "quarantined": len(self.quarantine), "columns": self.columns})

    def _repr_html_(self) -> str:
        """A card in notebooks: counts, quarantine reasons, and the first records' prompts (escaped)."""
        from workbench.model.text import prompt_text, response_text

        fields = {"format": self.format, "kind": self.kind, "records": f"{len(self):,}",
                  "quarantined": f"{len(self.quarantine):,}", "source": self.source or "(in memory)",
                  "columns": ", ".join(self.columns)}
        sections = []
        if self.quarantine:
            reasons = sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))
            sections.append(("quarantine reasons", html_table(("reason", "rows"), reasons)))
        head = self.table.slice(0, PREVIEW_ROWS)
        if head.num_rows:
            rows = zip(head.column("id").to_pylist(), head.column("kind").to_pylist(),
                       head.column("category").to_pylist(), prompt_text(head).to_pylist(),
                       response_text(head).to_pylist())
            preview = [(i, k, c or "", cut(p), cut(r)) for i, k, c, p, r in rows]
            sections.append((f"first {len(preview)} of {len(self):,} records",
                             html_table(("id", "kind", "category", "prompt", "response"), preview)))
        return html_card("Dataset", fields, *sections)

    @property
    def rows_read(self) -> int:
        return len(self) + len(self.quarantine)

    @property
    def kind(self) -> str:
        """sft / preference / ranking / kto / prompt_only, or "mixed"."""
        kinds = set(self.table.column("kind").unique().to_pylist())
        if not kinds:
            return "sft"
        return kinds.pop() if len(kinds) == 1 else "mixed"

    @property
    def has_categories(self) -> bool:
        """Whether any record has a non-blank category (most datasets from elsewhere have none)."""
        return has_categories(self.table)

    @property
    def reasons(self) -> dict[str, int]:
        return dict(Counter(r for q in self.quarantine for r in q.reasons))

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical content, independent of chunking and of where it was read from.

        Raw Arrow buffers may carry padding and slice offsets, so the table is encoded to Parquet
        (values only, fixed settings) in memory and that is hashed.
        """
        import pyarrow.parquet as pq

        h = hashlib.sha256()
        # streamed through the hash: no copy of the whole encoded file in memory
        with pa.PythonFile(_HashSink(h), mode="w") as sink:
            pq.write_table(self.table.drop_columns(["source_file"]), sink, compression="none",
                           use_dictionary=False, write_statistics=False, store_schema=False)
        return h.hexdigest()

    @cached_property
    def df(self) -> pd.DataFrame:
        """A pandas view (message lists stay as Python objects; use ``table`` for bulk work)."""
        return self.table.to_pandas()  # (pyarrow imports pandas itself)

    @cached_property
    def ids(self) -> pd.Index:
        import pandas as pd

        return pd.Index(self.table.column("id").to_pylist())

    def position(self, record_id: str) -> int:
        """The table position of ``record_id``, -1 when there is none.

        A scan of the id column (1.1 ms at 200k records), not a lookup in :attr:`ids`: the first lookup
        in that Index builds a hash table over a Python string per record (18 MB at 200k), which every
        served review kernel would then hold for the sake of one id per action.
        """
        col = self.table.column("id")
        return int(pc.index(col, pa.scalar(str(record_id), col.type)).as_py())

    def positions(self, record_ids) -> np.ndarray:
        """Table positions (int64) of ``record_ids``, -1 for ids not in the table; one Arrow hash lookup,
        without the Python-object index of :attr:`ids` (see :meth:`position`)."""
        import numpy as np

        col = self.table.column("id")
        found = pc.index_in(pa.array([str(r) for r in record_ids], col.type), value_set=col)
        return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)

    def record(self, key: str | int) -> Record:
        """The record with id ``key`` (str) or at position ``key`` (int)."""
        pos = key if isinstance(key, int) else self.position(key)
        if pos < 0:
            raise KeyError(key)
        return Record.from_dict(self.table.slice(pos, 1).to_pylist()[0])

    def records(self) -> Iterator[Record]:
        for batch in self.table.to_batches(max_chunksize=10_000):
            for row in batch.to_pylist():
                yield Record.from_dict(row)

    def take(self, positions) -> Dataset:
        return Dataset(self.table.take(pa.array(positions, pa.int64())), self.format, self.source, [])

    def summary(self) -> dict[str, Any]:
        return {"path": self.source, "format": self.format, "kind": self.kind, "rows_read": self.rows_read,
                "rows_valid": len(self), "rows_quarantined": len(self.quarantine), "reasons": self.reasons}

    def quarantine_jsonl(self) -> str:
        return "".join(json.dumps(q.to_dict(), ensure_ascii=False) + "\n" for q in self.quarantine)


def has_categories(table: pa.Table) -> bool:
    """Whether any row of a canonical table has a non-blank category: the one rule for "the data has
    its own categories" (Overview, report, guidelines draft, export's stratification)."""
    cats = pc.utf8_trim_whitespace(pc.fill_null(table.column("category"), ""))
    return (pc.sum(pc.greater(pc.utf8_length(cats), 0)).as_py() or 0) > 0
