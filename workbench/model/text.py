"""Vectorised text views over the canonical message columns.

Every function takes a ``pyarrow`` list<struct<role, content, ...>> array (or a table) and returns one
value per record, without a Python loop per row: the lists are flattened once, filtered by role with
Arrow compute kernels and re-assembled with numpy offsets.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


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
    n, content, parents = _flat(messages, roles)
    out = np.full(n, -1, dtype=np.int64)
    if len(parents):
        # positions are sorted by parent, so the last position of each parent wins
        out[parents] = np.arange(len(parents))
    has = out >= 0
    taken = content.take(pa.array(np.where(has, out, 0))) if len(content) else pa.array([""] * n)
    return pc.if_else(pa.array(has), taken, "")


def count_turns(messages, roles=None) -> np.ndarray:
    """Number of turns per record (with the given roles)."""
    n, _, parents = _flat(messages, roles)
    return np.bincount(parents, minlength=n) if len(parents) else np.zeros(n, dtype=np.int64)


def prompt_text(table: pa.Table) -> pa.Array:
    """The prompt of each record: the last user turn of ``messages``."""
    return last_turn(table.column("messages"), roles=("user",))


def response_text(table: pa.Table) -> pa.Array:
    """The response under review: SFT's last assistant turn, else the chosen or KTO completion."""
    sft = last_turn(table.column("messages"), roles=("assistant",))
    # null lists flatten to nothing, so they need no (slow) fill_null first
    chosen = last_turn(table.column("chosen"), roles=("assistant",))
    completion = last_turn(table.column("completion"), roles=("assistant",))
    kind = table.column("kind")
    out = pc.if_else(pc.equal(kind, "preference"), chosen, sft)
    return pc.if_else(pc.equal(kind, "kto"), completion, out)


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
