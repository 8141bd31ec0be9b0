"""``load()``: any supported input to a canonical ``Dataset`` with a quarantine.

Rows are read by the container layer, the format is detected (or given), every row is converted and
validated by its format, and failures are quarantined with reason codes and line numbers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from workbench.io.containers import RawRow, read_raw
from workbench.io.detect import detect_format
from workbench.io.errors import LoadError, RowError
from workbench.io.formats import get_format
from workbench.io.formats.labelstudio import result_events
from workbench.model.dataset import Dataset, QuarantinedRow
from workbench.model.records import content_id
from workbench.model.schema import RECORD_SCHEMA

CONTENT_KEYS = ("kind", "messages", "chosen", "rejected", "candidates", "completion", "label")


def load(source: Any, format: str | None = None) -> Dataset:
    """Load a dataset file, folder or in-memory table into canonical records.

    Parameters
    ----------
    source : str | Path | pandas.DataFrame | datasets.Dataset | datasets.DatasetDict
        A JSON / JSONL (optionally gzipped), Parquet or CSV file, a folder saved with
        ``datasets.save_to_disk``, or an in-memory table.
    format : str, optional
        Force a record format (alpaca, sharegpt, openai, preference, ranking, kto, labelstudio,
        canonical) instead of detecting it.

    Returns
    -------
    Dataset
        ``.table`` (canonical records), ``.format``, ``.quarantine`` (bad rows with reasons);
        ``rows_read == len(ds) + len(ds.quarantine)`` always holds.
    """
    where = str(source) if isinstance(source, (str, Path)) else type(source).__name__
    from workbench.io.fastpath import try_fast_load

    fast = try_fast_load(source, format)
    if fast is not None:
        return fast
    raw, _container = read_raw(source)
    if not raw:
        raise LoadError(f"{where} holds no rows")
    fmt = get_format(format) if format else detect_format([r.value for r in raw], where)
    return convert_rows(raw, fmt, where if isinstance(source, (str, Path)) else None)


def convert_rows(raw: list[RawRow], fmt, source_file: str | None) -> Dataset:
    """Convert parsed rows with one format, quarantining each failure (Python path, any input)."""
    good: list[dict] = []
    quarantine: list[QuarantinedRow] = []
    annotations: list[tuple[int, list]] = []
    for r in raw:
        try:
            if isinstance(r.value, RowError):
                raise r.value
            if not isinstance(r.value, dict):
                raise RowError("data_type", f"row is a {type(r.value).__name__}, not an object")
            rec = fmt.read_row(r.value)
        except RowError as err:
            quarantine.append(QuarantinedRow(r.line, tuple(err.codes), err.detail, r.raw or _short(r.value),
                                             source_file))
            continue
        if "annotations" in rec:
            annotations.append((len(good), rec.pop("annotations")))
        rec.setdefault("source_line", r.line)
        rec.setdefault("source_file", source_file)
        good.append(rec)
    ids = assign_ids(good)
    rows = []
    for rec, rid in zip(good, ids):
        rec.pop("source_id", None)
        rec["id"] = rid
        meta = rec.get("metadata")
        rec["metadata"] = _json(meta) if meta else None
        rows.append(rec)
    table = pa.Table.from_pylist(rows, schema=RECORD_SCHEMA) if rows else RECORD_SCHEMA.empty_table()
    events = [e for pos, anns in annotations for a in anns for e in result_events(ids[pos], a, good[pos]["kind"])]
    return Dataset(table, fmt.name, source_file, quarantine, events)


def assign_ids(recs: list[dict]) -> list[str]:
    """The source's id where it has one, else a content hash; repeats get ``-2``, ``-3``... suffixes
    in file order so ids stay unique without depending on the row position of unique records."""
    seen: dict[str, int] = {}
    out = []
    for rec in recs:
        rid = rec.get("source_id") or content_id({k: rec.get(k) for k in CONTENT_KEYS})
        n = seen.get(rid, 0) + 1
        seen[rid] = n
        out.append(rid if n == 1 else f"{rid}-{n}")
    return out


def _json(v) -> str:
    import json

    return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)


def _short(v) -> str:
    try:
        return _json(v)[:500]
    except Exception:  # noqa: BLE001
        return repr(v)[:500]
