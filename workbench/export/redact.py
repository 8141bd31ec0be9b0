"""PII redaction over a canonical table: every text replaced by the quality package's typed placeholders.

All the texts of one column go to ``workbench.quality.redact`` in one call, and the list columns are
rebuilt around the new texts with Arrow (no Python loop per message).
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.export.errors import ExportError

TURN_COLUMNS = ("messages", "chosen", "rejected", "completion")


def _redactor():
    try:
        from workbench.quality import redact
    except ImportError as exc:  # the quality package provides PII detection
        raise ExportError(f"PII redaction needs workbench.quality.redact, which is not available "
                          f"({exc})") from None
    return redact


def _apply(redact, texts: list[str | None], types) -> tuple[list[str | None], int]:
    """Redacted texts (None stays None) and how many texts changed."""
    idx = [i for i, t in enumerate(texts) if t]
    if not idx:
        return texts, 0
    res = redact([texts[i] for i in idx], types=types)
    if isinstance(res, tuple):  # (texts, details) is accepted as well as bare texts
        res = res[0]
    res = res.to_pylist() if hasattr(res, "to_pylist") else list(res)
    out = list(texts)
    changed = 0
    for i, new in zip(idx, res):
        changed += new != out[i]
        out[i] = new
    return out, changed


def _with_content(arr: pa.ListArray, content: pa.Array) -> pa.ListArray:
    """``arr`` (list<struct<..., content, ...>>) with every message's content replaced."""
    flat = arr.flatten()
    names = [f.name for f in flat.type]
    children = [content if n == "content" else flat.field(n) for n in names]
    struct = pa.StructArray.from_arrays(children, fields=list(flat.type),
                                        mask=flat.is_null() if flat.null_count else None)
    offsets = pc.subtract(arr.offsets, arr.offsets[0])
    mask = arr.is_null() if arr.null_count else None
    return pa.ListArray.from_arrays(offsets, struct, type=arr.type, mask=mask)


def redact_table(table: pa.Table, types: list[str] | None = None) -> tuple[pa.Table, dict[str, Any]]:
    """The table with PII in every text (turns, candidates, metadata) replaced by typed placeholders.

    Returns
    -------
    (pyarrow.Table, dict)
        The redacted table and ``{"texts_changed": n, "records_changed": m, "types": types}``.
    """
    redact = _redactor()
    changed_rows = pa.array([False] * table.num_rows)
    total = 0
    for col in TURN_COLUMNS:
        arr = table.column(col).combine_chunks()
        content = arr.flatten().field("content")
        new, n = _apply(redact, content.to_pylist(), types)
        if not n:
            continue
        total += n
        new_arr = pa.array(new, pa.string())
        diff = pc.fill_null(pc.not_equal(content, new_arr), False)
        changed_rows = pc.or_(changed_rows, _rows(table.num_rows, pc.list_parent_indices(arr).filter(diff)))
        table = table.set_column(table.schema.get_field_index(col), col, _with_content(arr, new_arr))
    cands = table.column("candidates").combine_chunks()
    flat = cands.flatten()
    if len(flat):
        new, n = _apply(redact, flat.to_pylist(), types)
        if n:
            total += n
            offsets = pc.subtract(cands.offsets, cands.offsets[0])
            rebuilt = pa.ListArray.from_arrays(offsets, pa.array(new, pa.string()), type=cands.type,
                                               mask=cands.is_null() if cands.null_count else None)
            diff = pc.fill_null(pc.not_equal(flat, pa.array(new, pa.string())), False)
            parents = pc.list_parent_indices(cands).filter(diff)
            changed_rows = pc.or_(changed_rows, _rows(table.num_rows, parents))
            table = table.set_column(table.schema.get_field_index("candidates"), "candidates", rebuilt)
    meta = table.column("metadata").to_pylist()
    new, n = _apply(redact, meta, types)
    if n:
        total += n
        new = [m if m is None or _valid_json(m) else None for m in new]
        changed_rows = pc.or_(changed_rows, pc.fill_null(pc.not_equal(table.column("metadata"),
                                                                       pa.array(new, pa.string())), False))
        i = table.schema.get_field_index("metadata")
        table = table.set_column(i, "metadata", pa.array(new, pa.string()))
    records = int(pc.sum(pc.cast(changed_rows, pa.int64())).as_py() or 0)
    return table, {"texts_changed": total, "records_changed": records, "types": types or "all"}


def _rows(n: int, parents: pa.Array) -> pa.Array:
    mask = np.zeros(n, dtype=bool)
    mask[parents.to_numpy()] = True
    return pa.array(mask)


def _valid_json(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except ValueError:
        return False
