"""OpenAI chat rows straight from the canonical columns with Arrow kernels (no Python object per row).

The JSON text is assembled with string kernels: escape each content once, build each message object,
join a record's messages through the list offsets, and write the values buffer as it is. The bytes
equal ``json.dumps(row, ensure_ascii=False, separators=(", ", ": "))`` of the rows the generic writer
makes (a test holds the two paths to that). Records with tool calls take the generic path.
"""
from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.export.rows import TableRows, batch_size

ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"), ("\b", "\\b"),
           ("\f", "\\f"))
OTHER_CONTROL = r"[\x00-\x07\x0b\x0e-\x1f]"


def can_write_fast(table: pa.Table | TableRows, format: str, keep_metadata: bool = False) -> bool:
    """True when the Arrow path applies: OpenAI rows of SFT records without tool calls."""
    if format != "openai" or table.num_rows == 0:
        return False
    kinds = pc.unique(table.column("kind")).to_pylist()
    if kinds != ["sft"]:
        return False
    if not isinstance(table, TableRows):
        flat = pc.list_flatten(table.column("messages"))
        return pc.struct_field(flat, "tool_calls").null_count == len(flat)
    # a view: look at the whole table's messages (no copy of the view's) and at the rows of its calls
    msgs = table.base.column("messages")
    calls = pc.struct_field(pc.list_flatten(msgs), "tool_calls")
    if calls.null_count == len(calls):
        return True
    parents = pc.list_parent_indices(msgs).to_numpy()
    with_calls = parents[calls.is_valid().to_numpy(zero_copy_only=False)]
    return not np.isin(table.rows, with_calls).any()


def json_strings(values: pa.Array) -> pa.Array:
    """Each string as a JSON string literal (quotes included); nulls as ``null``."""
    s = pc.fill_null(values, "")
    for raw, esc in ESCAPES:
        s = pc.replace_substring(s, raw, esc)
    odd = pc.match_substring_regex(s, OTHER_CONTROL)
    if pc.any(odd).as_py():  # \u00XX escapes: rare, done by json itself
        idx = np.flatnonzero(np.asarray(odd))
        py = s.to_pylist()
        orig = values.to_pylist()
        for i in idx:
            py[i] = json.dumps(orig[i], ensure_ascii=False)[1:-1]
        s = pa.array(py, pa.string())
    quoted = pc.binary_join_element_wise('"', s, '"', "")
    return pc.if_else(pc.is_null(values), "null", quoted)


def _optional(key: str, values: pa.Array, literal: pa.Array) -> pa.Array:
    """``, "key": <literal>`` where ``values`` is set, else empty."""
    part = pc.binary_join_element_wise(f', "{key}": ', literal, "")
    return pc.if_else(pc.is_null(values), "", part)


def openai_lines(table: pa.Table) -> pa.Array:
    """One JSON line (with its ``\\n``) per record: ``{"messages": [{"role", "content", ...}]}``."""
    msgs = table.column("messages").combine_chunks()
    flat = msgs.flatten()
    role, content = flat.field("role"), flat.field("content")
    name, weight = flat.field("name"), flat.field("weight")
    parts = ['{"role": ', json_strings(role), ', "content": ', json_strings(content)]
    if name.null_count < len(name):
        parts.append(_optional("name", name, json_strings(name)))
    if weight.null_count < len(weight):
        parts.append(_optional("weight", weight, pc.cast(pc.fill_null(weight, 0), pa.string())))
    one = pc.binary_join_element_wise(*parts, "}", "")
    offsets = pc.subtract(msgs.offsets, msgs.offsets[0])
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, one), ", ")
    return pc.binary_join_element_wise('{"messages": [', joined, "]}\n", "")


def openai_table(table: pa.Table, fields: list[str]) -> pa.Table:
    """The records as a one-column Arrow table ``messages`` (struct fields ``fields``) for Parquet/HF."""
    msgs = table.column("messages").combine_chunks()
    flat = msgs.flatten()
    struct = pa.StructArray.from_arrays([flat.field(f) for f in fields], names=fields)
    offsets = pc.subtract(msgs.offsets, msgs.offsets[0])
    return pa.table({"messages": pa.ListArray.from_arrays(offsets, struct)})


def present_fields(tables) -> list[str]:
    """role, content, and name / weight when any message in any of ``tables`` has one."""
    flats = [pc.list_flatten(t.column("messages")) for t in tables if t.num_rows]
    return ["role", "content"] + [f for f in ("name", "weight")
                                  if any(pc.struct_field(fl, f).null_count < len(fl) for fl in flats)]


def write_openai_jsonl(table: pa.Table | TableRows, path) -> None:
    """Write the records' OpenAI JSON lines, ``rows.BATCH`` records at a time (bounded memory; a view's
    records are taken from its table a batch at a time). A line depends only on its record, so the
    bytes do not depend on the batch size."""
    with open(path, "wb") as fh:
        step = batch_size()
        for start in range(0, table.num_rows, step):
            lines = openai_lines(table.slice(start, step))
            _, offsets, values = lines.buffers()
            offs = np.frombuffer(offsets, dtype=np.int32)
            fh.write(memoryview(values)[offs[lines.offset]:offs[lines.offset + len(lines)]])
