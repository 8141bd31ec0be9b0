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

from workbench.model.text import join_turns, prompt_text, record_text, response_text
from workbench.model.turns import gather_turns, list_items, nulls_as_empty, shared_strings  # noqa: F401
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
        """``workbench.model.text.response_text`` (one allocation, via ``model.turns.gather_turns``)."""
        return response_text(self.table)

    @cached_property
    def record(self) -> pa.Array:
        return textops.as_strings(record_text(self.table))

    @cached_property
    def last_user(self) -> pa.Array:
        """The user's last turn (``workbench.model.text.prompt_text``)."""
        return prompt_text(self.table)

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
