"""Split files in a trainer format and a container (JSONL, Parquet, Hugging Face ``save_to_disk``).

Everything written here is a pure function of the rows: keys in a fixed order, rows sorted by record
id before they get here, no timestamps, gzip/Parquet/Arrow settings fixed, the Hugging Face
fingerprint derived from the content. The same rows therefore always give the same bytes.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from workbench.export.errors import ExportError
from workbench.export.openai_fast import openai_table, present_fields, write_openai_jsonl
from workbench.export.rows import TableRows
from workbench.io.writers import to_rows
from workbench.model.names import check_name

CONTAINERS = ("jsonl", "parquet", "hf")
SUFFIX = {"jsonl": ".jsonl", "parquet": ".parquet"}
CHUNK = 20_000


def format_rows(table: pa.Table, format: str, keep_metadata: bool = False) -> tuple[list[dict], list[str]]:
    """Rows of ``table`` in ``format`` and the ids the format could not hold.

    OpenAI rows carry only ``messages`` (the keys the fine-tuning API defines); the other formats keep
    ``id`` and ``category`` beside their own keys, and the source's other fields with
    ``keep_metadata``. Preference and KTO rows take one shape (strings or conversations) for the whole
    table, so every split has the same columns.
    """
    rows, skipped = to_rows(table, format, keep_metadata=keep_metadata)
    if format == "openai":
        rows = [{"messages": r["messages"]} for r in rows]
    elif keep_metadata:
        rows = uniform_keys(rows)
    return rows, skipped


def uniform_keys(rows: list[dict]) -> list[dict]:
    """Every row with every key (None where it had none), in first-seen order: JSON readers that infer
    a schema block by block (``datasets``, Arrow) then see one schema."""
    keys: dict[str, None] = {}
    for r in rows:
        keys.update(dict.fromkeys(r))
    if all(len(r) == len(keys) for r in rows):
        return rows
    return [{k: r.get(k) for k in keys} for r in rows]


def _json_line(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(", ", ": "))


def write_jsonl(rows: list[dict], path: Path) -> None:
    """One JSON object a line (UTF-8, ``\\n`` endings), written in chunks to bound memory."""
    with open(path, "wb") as fh:
        for s in range(0, len(rows), CHUNK):
            fh.write(("\n".join(map(_json_line, rows[s:s + CHUNK])) + "\n").encode("utf-8"))


def arrow_type(rows_by_split: dict[str, list[dict]]) -> pa.DataType:
    """One struct type for every split (inferred over all rows), so splits share a schema."""
    every = [r for rows in rows_by_split.values() for r in rows]
    if not every:
        raise ExportError("nothing to write")
    return pa.array(every).type


def rows_table(rows: list[dict], typ: pa.DataType) -> pa.Table:
    """Rows as an Arrow table of the shared struct type ``typ`` (see :func:`arrow_type`)."""
    return pa.Table.from_struct_array(pa.array(rows, type=typ)) if rows else \
        pa.schema(list(typ)).empty_table()


def write_splits(data: dict[str, list[dict] | pa.Table | TableRows], out: Path, container: str) -> list[Path]:
    """Write each split; return the files written.

    Parameters
    ----------
    data : dict
        Split name -> rows in their final order, or (the OpenAI fast path, see
        :mod:`workbench.export.openai_fast`) the split's canonical records as a table or a
        :class:`~workbench.export.rows.TableRows` (JSONL takes its records a batch at a time). Empty
        splits are not written.
    out : Path
        The (temporary) export folder.
    container : {"jsonl", "parquet", "hf"}
    """
    if container not in CONTAINERS:
        raise ExportError(f"unknown container {container!r}; use one of {', '.join(CONTAINERS)}")
    present = {check_name(k, "split name", ExportError): v for k, v in data.items() if len(v)}
    arrow = any(isinstance(v, (pa.Table, TableRows)) for v in present.values())
    if container == "jsonl":
        written = []
        for name, part in present.items():
            path = out / f"{name}.jsonl"
            write_openai_jsonl(part, path) if arrow else write_jsonl(part, path)
            written.append(path)
        return written
    if arrow:
        fields = present_fields(list(present.values()))
        tables = {k: openai_table(v, fields) for k, v in present.items()}
    else:
        typ = arrow_type(present)
        tables = {k: rows_table(v, typ) for k, v in present.items()}
    if container == "parquet":
        import pyarrow.parquet as pq

        written = []
        for name, t in tables.items():
            path = out / f"{name}.parquet"
            pq.write_table(t, path, compression="zstd", write_statistics=False)
            written.append(path)
        return written
    return _write_hf(tables, out / "hf")


def _write_hf(tables: dict[str, pa.Table], folder: Path) -> list[Path]:
    """A ``DatasetDict`` saved with ``save_to_disk``; fingerprints from the content (not random)."""
    import datasets

    parts = {}
    for name, t in tables.items():
        fp = hashlib.sha256(table_digest(t).encode()).hexdigest()[:16]
        parts[name] = datasets.Dataset(t, fingerprint=fp)
    quiet = datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()
    try:
        datasets.DatasetDict(parts).save_to_disk(str(folder))
    finally:
        if not quiet:
            datasets.enable_progress_bars()
    return sorted(p for p in folder.rglob("*") if p.is_file())


def table_digest(table: pa.Table) -> str:
    """SHA-256 over a table's values (its IPC stream), for content-derived fingerprints."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


