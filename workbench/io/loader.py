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
from workbench.io.ids import assign_ids
from workbench.model.schema import RECORD_SCHEMA


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


CHAT_FORMATS = ("openai", "sharegpt", "alpaca")


def convert_rows(raw: list[RawRow], fmt, source_file: str | None,
                 expect_assistant: bool | None = None) -> Dataset:
    """Convert parsed rows with one format, quarantining each failure (Python path, any input).

    ``expect_assistant``: in a file of conversations (SFT), a row without an assistant turn is an error
    (the cookbook's ``example_missing_assistant_message``); in a file of prompts it is the norm. When
    not given, the file decides: if at least half of its chat rows have an assistant turn, it is SFT.
    """
    converted = []
    for r in raw:
        try:
            if isinstance(r.value, RowError):
                raise r.value
            if not isinstance(r.value, dict):
                raise RowError("data_type", f"row is a {type(r.value).__name__}, not an object")
            converted.append((r, fmt.read_row(r.value)))
        except RowError as err:
            converted.append((r, err))
    if expect_assistant is None:
        kinds = [c["kind"] for _, c in converted if isinstance(c, dict)]
        expect_assistant = kinds.count("sft") >= max(1, kinds.count("prompt_only"))
    good: list[dict] = []
    quarantine: list[QuarantinedRow] = []
    annotations: list[tuple[int, list, list | None]] = []
    for r, rec in converted:
        if isinstance(rec, dict) and rec["kind"] == "prompt_only" and expect_assistant \
                and fmt.name in CHAT_FORMATS:
            rec = RowError("example_missing_assistant_message", "the conversation has no assistant turn")
        if isinstance(rec, RowError):
            quarantine.append(QuarantinedRow(r.line, tuple(rec.codes), rec.detail, r.raw or _short(r.value),
                                             source_file))
            continue
        if "annotations" in rec:
            annotations.append((len(good), rec.pop("annotations"), rec.pop("display_order", None)))
        rec.setdefault("source_line", r.line)
        rec.setdefault("source_file", source_file)
        good.append(rec)
    source_ids = pa.array([rec.pop("source_id", None) for rec in good], pa.string())
    for rec in good:
        meta = rec.get("metadata")
        rec["metadata"] = _json(meta) if meta else None
        rec["id"] = ""
    table = pa.Table.from_pylist(good, schema=RECORD_SCHEMA) if good else RECORD_SCHEMA.empty_table()
    ids = assign_ids(table, source_ids).to_pylist()
    table = table.set_column(0, "id", pa.array(ids, pa.string()))
    events = [e for pos, anns, order in annotations for a in anns
              for e in result_events(ids[pos], a, {**good[pos], "display_order": order})]
    return Dataset(table, fmt.name, source_file, quarantine, events)


def _json(v) -> str:
    import json

    return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)


def _short(v) -> str:
    try:
        return _json(v)[:500]
    except Exception:  # noqa: BLE001
        return repr(v)[:500]
