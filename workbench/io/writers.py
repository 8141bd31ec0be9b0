"""Writing canonical records out in a trainer format and container."""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from workbench.io.errors import LoadError
from workbench.io.formats import FORMATS, get_format
from workbench.model.dataset import Dataset

WRITE_FORMATS = tuple(name for name, f in FORMATS.items() if f.writable)


def to_rows(data: Dataset | pa.Table, format: str, conversational: bool | None = None,
            keep_metadata: bool = True) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows in ``format`` and the ids of records the format cannot hold (e.g. a DPO pair in Alpaca)."""
    fmt = get_format(format)
    if not fmt.writable:
        raise LoadError(f"format {fmt.name!r} can be read but not written")
    table = data.table if isinstance(data, Dataset) else data
    if fmt.name in ("preference", "kto") and conversational is None:
        # one shape for the whole file: trainers (and Parquet) need every row alike
        conversational = not _all_single_turn(table, ("chosen", "rejected") if fmt.name == "preference"
                                              else ("completion",))
    rows, skipped = [], []
    for batch in table.to_batches(max_chunksize=50_000):
        for rec in batch.to_pylist():
            if not keep_metadata:
                rec = {**rec, "metadata": None}
            kwargs = {"conversational": conversational} if fmt.name in ("preference", "kto") else {}
            out = fmt.write_row(rec, **kwargs)
            if out is None:
                skipped.append(rec["id"])
            else:
                rows.append(out)
    return rows, skipped


def _all_single_turn(table: pa.Table, completion_cols: tuple[str, ...]) -> bool:
    """True when every prompt is one user turn and every completion one turn (the string form fits)."""
    import pyarrow.compute as pc

    ok = pc.equal(pc.list_value_length(table.column("messages")), 1)
    for col in completion_cols:
        ok = pc.and_(ok, pc.equal(pc.list_value_length(table.column(col)), 1))
    return bool(pc.all(pc.fill_null(ok, True)).as_py())


def dumps_jsonl(rows: list[dict]) -> str:
    """One JSON object a line, keys in a fixed order, so the same rows give byte-identical files."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n" for r in rows)


def write(data: Dataset | pa.Table, path: str | Path, format: str = "openai", container: str | None = None,
          conversational: bool | None = None) -> dict[str, Any]:
    """Write records to ``path``; the container comes from the suffix unless given.

    Returns ``{"path", "rows", "skipped"}`` where ``skipped`` lists the ids the format could not hold.
    """
    path = Path(path)
    name = path.name.lower()
    if container is None:
        container = ("parquet" if name.endswith(".parquet") else "json" if name.endswith(".json")
                     else "jsonl.gz" if name.endswith(".gz") else "jsonl")
    rows, skipped = to_rows(data, format, conversational)
    path.parent.mkdir(parents=True, exist_ok=True)
    if container == "jsonl":
        path.write_text(dumps_jsonl(rows), encoding="utf-8")
    elif container == "jsonl.gz":
        # mtime=0 keeps gzip output byte-identical between runs
        with gzip.GzipFile(path, "wb", mtime=0) as fh:
            fh.write(dumps_jsonl(rows).encode("utf-8"))
    elif container == "json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif container == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows) if rows else pa.table({}), path)
    else:
        raise LoadError(f"unknown container {container!r}; use jsonl, jsonl.gz, json or parquet")
    return {"path": str(path), "rows": len(rows), "skipped": skipped}
