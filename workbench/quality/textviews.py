"""Text views of a canonical table that several signals share, each computed once per run.

- ``prompt``: the user turns of ``messages`` joined. For single-turn data this is the model's
  ``prompt_text``; for multi-turn data a short follow-up ("yes please") alone would make unrelated
  conversations look like duplicates, so every user turn is part of the prompt. System turns are left
  out: one shared system prompt would make every record a near duplicate of every other.
- ``response``: the response under review (same value as ``workbench.model.text.response_text``).
- ``last_user``: the user's last turn (same value as ``prompt_text``).
- ``record``: all text of the record (``record_text``); whole-table signals use ``RecordTexts``,
  which builds it batch by batch.
- ``turns``: every message of ``messages`` flattened (content, role, record index).

Memory matters here: at 1M records these views are the largest objects a report holds besides the
data, so they are assembled into one allocation each (``gather_turns``) and low-cardinality columns
(roles, kinds, categories) share their Python strings (``shared_strings``).
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
        """Same value as ``workbench.model.text.response_text``, assembled by ``gather_turns``: at 1M
        records the general helper's whole-column transients were the peak of a whole report."""
        return response_view(self.table)

    @cached_property
    def record(self) -> pa.Array:
        return textops.as_strings(record_text(self.table))

    @cached_property
    def last_user(self) -> pa.Array:
        """The user's last turn (same value as ``workbench.model.text.prompt_text``)."""
        return last_turn_view(self.table.column("messages"), "user")

    @cached_property
    def turns(self) -> Turns:
        return flatten_turns(self.table.column("messages"))

    @cached_property
    def categories(self) -> np.ndarray:
        return shared_strings(self.table.column("category"))

    @cached_property
    def kinds(self) -> np.ndarray:
        return shared_strings(self.table.column("kind"))


TEXT_COLUMNS = ("messages", "chosen", "rejected", "completion", "candidates")


def list_items(col) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """(content, record index, role) of every item of a list<struct> or list<string> column; zero-copy
    for the content, and a null list simply has no items."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    parent = pc.list_parent_indices(col).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pc.list_flatten(col)
    if pa.types.is_struct(flat.type):
        return textops.as_strings(flat.field("content")), parent, shared_strings(flat.field("role"))
    return textops.as_strings(flat), parent, np.full(len(parent), "", dtype=object)


def shared_strings(values) -> np.ndarray:
    """A low-cardinality string column (roles, kinds, categories) as an object array whose elements
    share a few str objects (dictionary-encoded): 8 bytes per row instead of a new Python string per
    row (~60 bytes), which matters for millions of turns. Nulls read as ""."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    enc = pc.dictionary_encode(pc.fill_null(values, ""))
    names = np.array(enc.dictionary.to_pylist() or [""], dtype=object)
    return names[enc.indices.to_numpy(zero_copy_only=False)]


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


def _last_of_role(col, n: int, role_name: str) -> tuple[pa.Array, np.ndarray]:
    """(flattened contents, item index of each record's last turn with ``role_name`` or -1)."""
    content, parent, role = list_items(col)
    out = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(role == role_name)
    out[parent[idx]] = idx  # items are in record order, so the last write per record wins
    return content, out


def gather_turns(sources: list[tuple[pa.Array, np.ndarray]], n: int, batch: int = 50_000) -> pa.Array:
    """Row r's text is ``content[pick[r]]`` of the one source whose ``pick[r] >= 0`` ("" if none).

    Why not ``take`` + ``coalesce`` on whole columns: at 1M records those transients (the column
    taken per source, then coalesced) made this view the peak of a whole report (+2.8 GB RSS for a
    1 GB result). Here the result's bytes are allocated once and filled batch by batch: each batch of
    rows is taken and coalesced (small), and its contiguous bytes are copied into place.
    """
    lengths = np.zeros(n, dtype=np.int64)
    for content, pick in sources:
        _, off = textops.utf8_buffers(content)
        m = pick >= 0
        lengths[m] = off[pick[m] + 1] - off[pick[m]]
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    if offsets[-1] >= 2**31:  # beyond a 32-bit string array: let Arrow build a large one
        parts = [c.take(pa.array(p, mask=p < 0)) for c, p in sources]
        return nulls_as_empty(parts[0] if len(parts) == 1 else pc.coalesce(*parts))
    data = np.empty(int(offsets[-1]), dtype=np.uint8)
    for lo in range(0, n, batch):
        hi = min(n, lo + batch)
        parts = [c.take(pa.array(p[lo:hi], mask=p[lo:hi] < 0)) for c, p in sources]
        part = nulls_as_empty(parts[0] if len(parts) == 1 else pc.coalesce(*parts))
        pbytes, _ = textops.utf8_buffers(part)
        data[offsets[lo]:offsets[hi]] = pbytes
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data))


def last_turn_view(col, role: str) -> pa.Array:
    """Content of each record's last ``role`` turn ("" when none)."""
    content, last = _last_of_role(col, len(col), role)
    return gather_turns([(content, last)], len(col))


def response_view(table: pa.Table) -> pa.Array:
    """The response under review: the last assistant turn of ``chosen`` for preference records, of
    ``completion`` for KTO records, else of ``messages`` ("" when there is none)."""
    n = table.num_rows
    kind = shared_strings(table.column("kind"))
    source = {"chosen": kind == "preference", "completion": kind == "kto"}
    source["messages"] = ~(source["chosen"] | source["completion"])
    picks = []
    for col, rows in source.items():
        if rows.any():
            content, last = _last_of_role(table.column(col), n, "assistant")
            picks.append((content, np.where(rows, last, -1)))
    return gather_turns(picks, n)


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
    role = shared_strings(flat.field("role"))
    counts = np.bincount(parent, minlength=len(messages)) if len(parent) else np.zeros(len(messages), int)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else np.zeros(0, int)
    position = np.arange(len(parent)) - starts[parent] if len(parent) else np.zeros(0, np.int64)
    calls = flat.field("tool_calls")
    empty = pc.is_in(pc.utf8_trim_whitespace(calls), pa.array(["", "[]", "{}", "null"]))
    has_calls = pc.and_(pc.is_valid(calls), pc.fill_null(pc.invert(empty), False))
    return Turns(content, role, parent, position, has_calls.to_numpy(zero_copy_only=False).astype(bool))
