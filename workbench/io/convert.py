"""Parsed rows -> canonical ``Dataset`` with one format, row by row (the exact path, any input).

Every failure of one row (a ``RowError`` from the container or the format, an unexpected shape, a
value Arrow cannot store) quarantines that row with its line and reason codes; nothing here fails the
whole file. The vectorised loader sends the rows it rejects through here too, so reasons match.
"""
from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from workbench.io.errors import RowError
from workbench.io.formats.labelstudio import result_events
from workbench.io.ids import ID_KEYS, assign_ids, id_text, resolve_source_ids
from workbench.io.jsontext import RawRow
from workbench.model.dataset import Dataset, QuarantinedRow
from workbench.model.schema import RECORD_SCHEMA

CHAT_FORMATS = ("openai", "sharegpt", "alpaca")
# what a format's read_row may raise on a shape it did not foresee: one row's problem, never the file's
FIELDS = frozenset(RECORD_SCHEMA.names)  # (the schema's .names builds a new list on every access)
SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, StopIteration, RecursionError,
                OverflowError, UnicodeError)


def convert_rows(raw: list[RawRow], fmt, source_file: str | None,
                 expect_assistant: bool | None = None) -> Dataset:
    """Convert parsed rows with one format, quarantining each failure.

    ``expect_assistant``: in a file of conversations (SFT), a row without an assistant turn is an error
    (the cookbook's ``example_missing_assistant_message``); in a file of prompts it is the norm. When
    not given, the file decides: if at least half of its chat rows have an assistant turn, it is SFT.
    """
    converted = [(r, _read(fmt, r)) for r in raw]
    if expect_assistant is None:
        kinds = [c["kind"] for _, c in converted if isinstance(c, dict)]
        expect_assistant = kinds.count("sft") >= max(1, kinds.count("prompt_only"))
    good: list[dict] = []
    quarantine: list[QuarantinedRow] = []
    for r, rec in converted:
        if isinstance(rec, dict) and rec["kind"] == "prompt_only" and expect_assistant \
                and fmt.name in CHAT_FORMATS:
            rec = RowError("example_missing_assistant_message", "the conversation has no assistant turn")
        if isinstance(rec, RowError):
            quarantine.append(_quarantined(r, rec, source_file))
            continue
        rec["_row"] = r
        rec.setdefault("source_line", r.line)
        rec.setdefault("source_file", source_file)
        good.append(rec)
    while True:
        table, rejected = _table(good)
        if not rejected:
            result = _with_ids(table, good, fmt.name, source_file, quarantine)
            if isinstance(result, Dataset):
                return result
            rejected = result  # rows whose annotations could not become events
        for pos in sorted(rejected, reverse=True):
            rec = good.pop(pos)
            quarantine.append(_quarantined(rec["_row"], rejected[pos], source_file))
        quarantine.sort(key=lambda q: q.line or 0)


def _read(fmt, r: RawRow) -> dict | RowError:
    """One row through its format, with its metadata checked to be storable as JSON text."""
    try:
        if isinstance(r.value, RowError):
            return r.value
        if not isinstance(r.value, dict):
            raise RowError("data_type", f"row is a {type(r.value).__name__}, not an object")
        rec = fmt.read_row(r.value)
        meta = rec.get("metadata")
        rec["metadata"] = metadata_json(meta) if meta else None
        return rec
    except RowError as err:
        return err
    except SHAPE_ERRORS as exc:
        return RowError("data_type", f"the row has an unexpected shape ({type(exc).__name__}: "
                                     f"{str(exc).splitlines()[0][:120] if str(exc) else 'no detail'})")


def _table(good: list[dict]) -> tuple[pa.Table, dict[int, RowError]]:
    """The canonical table of ``good``; rows Arrow cannot store (odd types) are reported by position."""
    rows = [{k: v for k, v in rec.items() if k in FIELDS} | {"id": ""} for rec in good]
    if not rows:
        return RECORD_SCHEMA.empty_table(), {}
    try:
        return pa.Table.from_pylist(rows, schema=RECORD_SCHEMA), {}
    except (pa.ArrowException, *SHAPE_ERRORS):
        pass
    bad = {}
    for pos, row in enumerate(rows):  # only on failure: find the rows Arrow refuses
        try:
            pa.Table.from_pylist([row], schema=RECORD_SCHEMA)
        except (pa.ArrowException, *SHAPE_ERRORS) as exc:
            bad[pos] = RowError("data_type", f"a field has a type the canonical schema cannot hold "
                                             f"({str(exc).splitlines()[0][:120]})")
    return RECORD_SCHEMA.empty_table(), bad


def _with_ids(table: pa.Table, good: list[dict], fmt_name: str, source_file: str | None,
              quarantine: list[QuarantinedRow]) -> Dataset | dict[int, RowError]:
    """Ids (source id or content hash), id keys not used returned to metadata, and annotation events."""
    id_values = [rec.get("id_values") for rec in good]
    keys = sorted({k for v in id_values if v for k in v}, key=ID_KEYS.index)
    columns = {k: pa.array([id_text(v.get(k)) if v else None for v in id_values], pa.string()) for k in keys}
    own = [rec.get("source_id") for rec in good]  # formats that name their id themselves
    if any(x is not None for x in own):
        columns["id"] = pa.array([o if v is None else (id_text(v.get("id")) if "id" in v else None)
                                  for o, v in zip(own, id_values)], pa.string())
    source_ids, which = resolve_source_ids(columns, len(good))
    meta_col = None
    for pos, values in enumerate(id_values):
        unused = {k: v for k, v in (values or {}).items() if which[pos] < 0 or k != ID_KEYS[which[pos]]}
        if unused:
            meta_col = meta_col or table.column("metadata").to_pylist()
            meta_col[pos] = metadata_json({**json.loads(meta_col[pos] or "{}"), **unused})
    if meta_col is not None:
        table = table.set_column(RECORD_SCHEMA.get_field_index("metadata"), "metadata",
                                 pa.array(meta_col, pa.string()))
    ids = assign_ids(table, source_ids)
    table = table.set_column(0, "id", ids)
    ids = ids.to_pylist()
    events, failed = [], {}
    for pos, rec in enumerate(good):
        if "annotations" not in rec:
            continue
        try:
            events += [e for a in rec["annotations"] for e in result_events(ids[pos], a, rec)]
        except SHAPE_ERRORS as exc:
            failed[pos] = RowError("data_type", f"an annotation has an unexpected shape ({type(exc).__name__})")
    if failed:
        return failed
    return Dataset(table, fmt_name, source_file, quarantine, events)


def _quarantined(r: RawRow, err: RowError, source_file: str | None) -> QuarantinedRow:
    return QuarantinedRow(r.line, tuple(err.codes), err.detail, r.raw or _short(r.value), source_file)


def metadata_json(v: Any) -> str:
    """``v`` as the JSON text both loaders store for metadata (one recipe, so the vectorised path's
    records equal the exact path's).

    Parameters
    ----------
    v : Any
        A JSON-like value; other objects are written with ``str``.

    Returns
    -------
    str
        Sorted keys, non-ASCII text kept as is.
    """
    return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)


def _short(v: Any) -> str:
    try:
        return metadata_json(v)[:500]
    except (*SHAPE_ERRORS,):
        return repr(v)[:500]
