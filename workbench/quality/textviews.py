"""Text views of a canonical table that several signals share, each computed once per run.

- ``prompt``: the user turns of ``messages`` joined. For single-turn data this is the model's
  ``prompt_text``; for multi-turn data a short follow-up ("yes please") alone would make unrelated
  conversations look like duplicates, so every user turn is part of the prompt. System turns are left
  out: one shared system prompt would make every record a near duplicate of every other.
- ``response``: the response under review (``workbench.model.text.response_text``).
- ``record``: all text of the record (``record_text``).
- ``turns``: every message of ``messages`` flattened (content, role, record index).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.text import join_turns, record_text
from workbench.quality import textops


@dataclass
class Turns:
    content: pa.Array  # string, nulls as ""
    role: np.ndarray  # object array of role names ("" for null)
    parent: np.ndarray  # int64 record index of each turn
    position: np.ndarray  # int64 position of the turn within its record
    has_tool_calls: np.ndarray  # bool: the turn carries tool calls (its content may be empty)

    def __len__(self) -> int:
        return len(self.content)


class TextViews:
    """Lazily computed text columns of one table (see the module docstring)."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self.n = table.num_rows

    @cached_property
    def prompt(self) -> pa.Array:
        return textops.as_strings(join_turns(self.table.column("messages"), roles=("user",)))

    @cached_property
    def response(self) -> pa.Array:
        """Same value as ``workbench.model.text.response_text``, built with one ``take`` per source
        column: measured at 300k records, the general helper peaked at 4x its result's size (1.2 GB
        for 288 MB), which at 1M records was the peak of the whole report."""
        return response_view(self.table)

    @cached_property
    def record(self) -> pa.Array:
        return textops.as_strings(record_text(self.table))

    @cached_property
    def turns(self) -> Turns:
        return flatten_turns(self.table.column("messages"))

    @cached_property
    def categories(self) -> np.ndarray:
        cat = pc.fill_null(self.table.column("category"), "").to_numpy(zero_copy_only=False)
        return cat.astype(object)

    @cached_property
    def kinds(self) -> np.ndarray:
        return self.table.column("kind").to_numpy(zero_copy_only=False).astype(object)


TEXT_COLUMNS = ("messages", "chosen", "rejected", "completion", "candidates")


def list_items(col) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """(content, record index, role) of every item of a list<struct> or list<string> column; zero-copy
    for the content, and a null list simply has no items."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    parent = pc.list_parent_indices(col).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pc.list_flatten(col)
    if pa.types.is_struct(flat.type):
        role = pc.fill_null(flat.field("role"), "").to_numpy(zero_copy_only=False).astype(object)
        return textops.as_strings(flat.field("content")), parent, role
    return textops.as_strings(flat), parent, np.full(len(parent), "", dtype=object)


class RecordTexts:
    """The ``record`` text of a table produced slice by slice, never for the whole table at once.

    It has the three methods a near-duplicate search needs from a string array (``len``, ``slice``,
    ``take``), so a 1M-record search holds one batch of joined text at a time instead of a copy of
    all the text.
    """

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __len__(self) -> int:
        return self.table.num_rows

    def slice(self, offset: int, length: int) -> pa.Array:
        return TextViews(self.table.slice(offset, length)).record

    def take(self, indices) -> pa.Array:
        return TextViews(self.table.take(indices)).record


def _last_assistant(col, n: int) -> np.ndarray:
    """Item index of each record's last assistant turn in the flattened column (-1 if none)."""
    _, parent, role = list_items(col)
    out = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(role == "assistant")
    out[parent[idx]] = idx  # items are in record order, so the last write per record wins
    return out


def response_view(table: pa.Table) -> pa.Array:
    """The response under review: the last assistant turn of ``chosen`` for preference records, of
    ``completion`` for KTO records, else of ``messages`` ("" when there is none)."""
    n = table.num_rows
    kind = pc.fill_null(table.column("kind"), "").to_numpy(zero_copy_only=False).astype(object)
    source = {"chosen": kind == "preference", "completion": kind == "kto"}
    source["messages"] = ~(source["chosen"] | source["completion"])
    parts = []
    for col, rows in source.items():
        if not rows.any():
            continue
        last = _last_assistant(table.column(col), n)
        pick = np.where(rows & (last >= 0), last, -1)
        if (pick < 0).all():
            continue
        content = list_items(table.column(col))[0]
        # null indices give null strings, which hold no bytes: only the chosen turns are copied
        parts.append(content.take(pa.array(pick, mask=pick < 0)))
    if not parts:
        return textops.as_strings(pa.nulls(n, pa.string()))
    return nulls_as_empty(parts[0] if len(parts) == 1 else pc.coalesce(*parts))


def nulls_as_empty(arr: pa.Array) -> pa.Array:
    """``arr`` with nulls read as "": zero-copy when the null slots are already empty (as ``take`` and
    ``coalesce`` leave them) by dropping the validity bitmap; ``fill_null`` (a copy) otherwise."""
    if not arr.null_count or not pa.types.is_string(arr.type):
        return textops.as_strings(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset:arr.offset + len(arr) + 1]
    null = ~arr.is_valid().to_numpy(zero_copy_only=False)
    if np.any(np.diff(offsets)[null]):
        return pc.fill_null(arr, "")
    return pa.StringArray.from_buffers(len(arr), arr.buffers()[1], arr.buffers()[2], null_count=0,
                                       offset=arr.offset)


def flatten_turns(messages) -> Turns:
    """Every message of a list<struct> column with its record index and position in the record."""
    if isinstance(messages, pa.ChunkedArray):
        messages = messages.combine_chunks() if messages.num_chunks != 1 else messages.chunk(0)
    flat = pc.list_flatten(messages)  # null lists contribute no turns (no fill_null: it copies the column)
    parent = pc.list_parent_indices(messages).to_numpy(zero_copy_only=False).astype(np.int64)
    content = textops.as_strings(flat.field("content"))
    role = pc.fill_null(flat.field("role"), "").to_numpy(zero_copy_only=False).astype(object)
    counts = np.bincount(parent, minlength=len(messages)) if len(parent) else np.zeros(len(messages), int)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else np.zeros(0, int)
    position = np.arange(len(parent)) - starts[parent] if len(parent) else np.zeros(0, np.int64)
    calls = flat.field("tool_calls")
    empty = pc.is_in(pc.utf8_trim_whitespace(calls), pa.array(["", "[]", "{}", "null"]))
    has_calls = pc.and_(pc.is_valid(calls), pc.fill_null(pc.invert(empty), False))
    return Turns(content, role, parent, position, has_calls.to_numpy(zero_copy_only=False).astype(bool))
