"""Vectorised text views over the canonical message columns.

Every function takes a ``pyarrow`` list<struct<role, content, ...>> array (or a table) and returns one
value per record, without a Python loop per row: the lists are flattened once, filtered by role with
Arrow compute kernels and re-assembled with numpy offsets.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.turns import gather_turns, last_of_roles, shared_strings


def _as_list_array(messages) -> pa.ListArray:
    if isinstance(messages, pa.ChunkedArray):
        messages = messages.combine_chunks() if messages.num_chunks != 1 else messages.chunk(0)
    return messages


def _flat(messages, roles):
    arr = _as_list_array(messages)
    n = len(arr)
    flat = pc.list_flatten(arr)
    parents = pc.list_parent_indices(arr)
    content = pc.fill_null(flat.field("content"), "")
    if roles is not None:
        mask = pc.is_in(flat.field("role"), pa.array(list(roles), pa.string()))
        mask = pc.fill_null(mask, False)
        content = content.filter(mask)
        parents = parents.filter(mask)
    return n, content, parents.to_numpy(zero_copy_only=False)


def join_turns(messages, roles=None, sep: str = "\n\n") -> pa.Array:
    """Concatenate the content of the turns with the given roles (all turns when ``roles`` is None)."""
    n, content, parents = _flat(messages, roles)
    counts = np.bincount(parents, minlength=n) if len(parents) else np.zeros(n, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    lists = pa.ListArray.from_arrays(pa.array(offsets), content)
    return pc.binary_join(lists, sep)


def last_turn(messages, roles=("assistant",)) -> pa.Array:
    """Content of the last turn whose role is in ``roles`` ("" when there is none)."""
    n = len(messages)
    content, last = last_of_roles(messages, n, roles)
    return gather_turns([(content, last)], n)


def prompt_text(table: pa.Table) -> pa.Array:
    """The prompt of each record: the last user turn of ``messages``."""
    return last_turn(table.column("messages"), roles=("user",))


def response_text(table: pa.Table) -> pa.Array:
    """The response under review: the last assistant turn of ``chosen`` for preference records, of
    ``completion`` for KTO records, else of ``messages`` ("" when there is none)."""
    n = table.num_rows
    kind = shared_strings(table.column("kind"))
    source = {"chosen": kind == "preference", "completion": kind == "kto"}
    source["messages"] = ~(source["chosen"] | source["completion"])
    picks = []
    for col, rows in source.items():
        if rows.any():
            content, last = last_of_roles(table.column(col), n, ("assistant",))
            picks.append((content, np.where(rows, last, -1)))
    return gather_turns(picks, n) if picks else pa.array([""] * n, pa.string())


def record_text(table: pa.Table) -> pa.Array:
    """All text of a record (conversation, completions and candidates) joined, for whole-record checks."""
    parts = [join_turns(table.column(col)) for col in ("messages", "chosen", "rejected", "completion")]
    cands = _as_list_array(table.column("candidates"))
    parts.append(pc.fill_null(pc.binary_join(cands, "\n\n"), ""))
    return join_nonempty(parts, "\n\n")


def join_nonempty(parts: list, sep: str) -> pa.Array:
    """Row-wise join of several string columns, skipping empty parts (no stray separators).

    (``binary_join_element_wise(null_handling="skip")`` drops all-null rows in pyarrow 26, so the
    parts are interleaved into one list per row and joined with ``binary_join`` instead.)
    """
    n = len(parts[0])
    k = len(parts)
    cols = [pc.fill_null(_as_list_array(p), "") for p in parts]
    # row-major interleave: element j of row i sits at i * k + j
    order = (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()
    flat = pa.concat_arrays([c.cast(pa.string()) for c in cols]).take(pa.array(order))
    keep = pc.not_equal(flat, "")
    rows = np.repeat(np.arange(n), k)[keep.to_numpy(zero_copy_only=False)]
    counts = np.bincount(rows, minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), flat.filter(keep)), sep)
