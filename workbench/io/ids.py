"""Stable record ids: the source's id where it has one, else a hash of the canonical content.

The one place ids are decided; both loaders (row by row and vectorised) call these functions:
``resolve_source_ids`` picks each row's source id among the id keys, ``assign_ids`` fills the rest with
a content hash and makes repeats unique. The content key is built with Arrow kernels on whole columns
(roles and contents of every message column, candidates, KTO label). ``tests/io/test_ids.py`` holds
fixed vectors: any change here that alters an id fails there.
"""
from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io.arrowlit import bools, flag, ints, text, to_np
from workbench.model.text import _as_list_array
from workbench.model.turns import utf8_buffers

SEP_TURN, SEP_FIELD = "\x1e", "\x1d"
ID_KEYS = ("id", "uuid", "_id", "example_id", "conversation_id", "sample_id")  # first non-empty one wins
HASH_BATCH = 100_000  # rows whose content keys are built at once: bounded memory, offsets within int32


def id_text(value) -> str | None:
    """A source id value as text (``None`` and ``""`` mean "no id"): ``str(value)``."""
    return None if value is None else str(value)


def resolve_source_ids(columns: dict[str, pa.Array], n: int) -> tuple[pa.Array, np.ndarray]:
    """Each row's source id: the first key of ``ID_KEYS`` whose value is neither null nor empty.

    Parameters
    ----------
    columns : dict of str to pyarrow.Array
        Text of each id key present in the source (null where a row lacks the key), as ``id_text``
        makes it.
    n : int
        Number of rows.

    Returns
    -------
    (pyarrow.Array, numpy.ndarray)
        The source ids (null where a row has none) and, per row, the index in ``ID_KEYS`` of the key
        used (-1 when none): the other id keys stay in the row's metadata.
    """
    ids = pa.nulls(n, pa.string())
    which = np.full(n, -1, dtype=np.int8)
    for k, key in enumerate(ID_KEYS):
        col = columns.get(key)
        if col is None:
            continue
        col = pc.cast(col, pa.string())
        usable = pc.and_(pc.is_valid(col), pc.not_equal(col, text(""))).fill_null(flag(False))
        take = pc.and_(usable, pc.is_null(ids))
        mask = to_np(take)
        if mask.any():
            which[mask] = k
            ids = pc.if_else(take, col, ids)
    return ids, which


def _messages_key(col) -> pa.Array:
    arr = _as_list_array(col)
    flat = pc.list_flatten(arr)
    empty = text("")
    parts = pc.binary_join_element_wise(pc.fill_null(flat.field("role"), empty),
                                        pc.fill_null(flat.field("content"), empty),
                                        pc.fill_null(flat.field("tool_calls"), empty), text("\x1f"))
    offsets = arr.offsets
    if arr.offset:  # a slice (hashing goes batch by batch): its flattened values start at 0, its offsets not
        offsets = pc.subtract(offsets, offsets[0])
    lists = pa.ListArray.from_arrays(offsets, parts, mask=arr.is_null())
    return pc.fill_null(pc.binary_join(lists, text(SEP_TURN)), text("\x00"))


def content_keys(table: pa.Table) -> pa.Array:
    """One string per record that changes whenever the record's content changes."""
    n = table.num_rows
    absent = text("\x00")  # what a column of nulls contributes to every key (no n-row array built)
    cols = [_as_list_array(pc.cast(table.column("kind"), pa.string()))]
    for name in ("messages", "chosen", "rejected", "completion"):
        col = table.column(name)
        cols.append(absent if col.null_count == n else _messages_key(col))
    cands = table.column("candidates")
    cols.append(absent if cands.null_count == n else
                pc.fill_null(pc.binary_join(_as_list_array(cands), text(SEP_TURN)), text("\x00")))
    label = table.column("label")
    cols.append(absent if label.null_count == n else
                _as_list_array(pc.fill_null(pc.cast(label, pa.string()), text("\x00"))))
    return pc.binary_join_element_wise(*cols, text(SEP_FIELD))


def assign_ids(table: pa.Table, source_ids: pa.Array | None = None) -> pa.Array:
    """Ids for every row: source id, else the first 16 hex digits of SHA-256 of the content key.

    Repeats (exact duplicate records, or a source id used twice) get ``-2``, ``-3``... in file order,
    so ids stay unique without depending on the position of unique records.
    """
    n = table.num_rows
    if n == 0:
        return pa.nulls(0, pa.string())
    if source_ids is None:
        source_ids = pa.nulls(n, pa.string())
    need = to_np(pc.is_null(source_ids))
    if not need.any():
        return ids_from_digests(source_ids, need, b"")
    return ids_from_digests(source_ids, need, row_digests(table if need.all() else table.filter(bools(need))))


def row_digests(table: pa.Table) -> bytes:
    """The 8-byte content digests (``content_digests`` of ``content_keys``) of every row, in order.

    The loader computes them piece by piece as it reads, then ``ids_from_digests`` makes the ids: the
    same ids as ``assign_ids`` on the whole table (a row's digest depends on that row alone).
    """
    return b"".join(content_digests(content_keys(table.slice(lo, HASH_BATCH)))
                    for lo in range(0, table.num_rows, HASH_BATCH))


def ids_from_digests(source_ids: pa.Array, need: np.ndarray, digests: bytes) -> pa.Array:
    """Each row's id from its source id, or where ``need`` (no source id) from its digest (in row order
    among those rows), with repeats numbered (``number_repeats``)."""
    n = len(source_ids)
    if n == 0:
        return pa.nulls(0, pa.string())
    if not need.any() and len(pc.unique(source_ids)) == n:
        return source_ids.cast(pa.string())  # every row has its own unique source id: nothing to do
    out = source_ids.cast(pa.string())
    if need.any():
        hexed = _hex16(digests)
        if need.all():  # equal ids are equal digests: ranked as 8-byte integers, no hash table of strings
            return _suffix_repeats(hexed, np.frombuffer(digests, np.uint64))
        out = pc.replace_with_mask(out, bools(need), hexed)
    return number_repeats(out)


def number_repeats(ids: pa.Array) -> pa.Array:
    """``ids`` with the second, third... occurrence of a value suffixed ``-2``, ``-3``... (file order)."""
    enc = pc.dictionary_encode(ids)
    if len(enc.dictionary) == len(ids):
        return ids
    return _suffix_repeats(ids, to_np(enc.indices))


def _suffix_repeats(ids: pa.Array, codes: np.ndarray) -> pa.Array:
    """``number_repeats`` given one integer per row that is equal exactly where the ids are equal."""
    n = len(ids)
    ranked = np.sort(codes)
    if not (ranked[1:] == ranked[:-1]).any():
        return ids  # no repeats (the usual case): numpy's sort of 300k digests 4 ms, the stable argsort 27 ms
    order = np.argsort(codes, kind="stable")  # each value's rows, in file order
    ranked = codes[order]
    first = np.r_[True, ranked[1:] != ranked[:-1]]
    starts = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n) - starts
    repeat = np.flatnonzero(rank > 0)  # only these rows are spelled anew
    suffixed = pc.binary_join_element_wise(ids.take(ints(repeat)), pc.cast(ints(rank[repeat] + 1), pa.string()),
                                           text("-"))
    return pc.replace_with_mask(ids, bools(rank > 0), suffixed)


def _hex16(digests: bytes) -> pa.Array:
    """8-byte digests as 16 lowercase hex digits each, written straight into an Arrow string array."""
    raw = np.frombuffer(digests, np.uint8)
    out = np.empty(2 * len(raw), np.uint8)
    out[0::2] = _HEX[raw >> 4]
    out[1::2] = _HEX[raw & 15]
    n = len(raw) // 8
    offsets = np.arange(0, 16 * n + 1, 16, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(out)])


_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)


def content_digests(keys: pa.Array) -> bytes:
    """The first 8 bytes of SHA-256 of each key's UTF-8 bytes, concatenated (``_hex16`` spells them).

    SHA-256 keeps ids stable across versions (projects store them in their event logs), and no Arrow or
    numpy kernel computes it, so this is a loop over slices of the Arrow buffer itself (no
    ``to_pylist``, no ``encode``, no Python string per id); it runs at about SHA-256's own speed.
    """
    data, offsets = utf8_buffers(keys)
    view = data.data  # the array's own buffer as a memoryview: slices hash without copies
    sha = hashlib.sha256
    o = offsets.tolist()
    return b"".join([sha(view[a:b]).digest()[:8] for a, b in zip(o[:-1], o[1:])])


def content_hashes(keys: pa.Array) -> list[str]:
    """The first 16 hex digits of SHA-256 of each key's UTF-8 bytes (the content id of each key)."""
    return _hex16(content_digests(keys)).to_pylist()
