"""Per-record turn picking on whole Arrow columns, assembled into one allocation.

The text views of :mod:`workbench.model.text` (a record's last user turn, the response under review)
and the quality signals that read them at 1M records share these primitives: the content of every
turn stays zero-copy, each record's chosen turn is found with numpy, and the result's bytes are
allocated once (``gather_turns``) rather than through column-wide ``take`` + ``coalesce`` transients.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def as_strings(values) -> pa.Array:
    """``values`` (list, numpy/pandas, Arrow array or chunked array) as one non-null string Array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not isinstance(values, pa.Array):
        values = pa.array(list(values) if not isinstance(values, list) else values, pa.string())
    if pa.types.is_large_string(values.type) or pa.types.is_string_view(values.type):
        values = values.cast(pa.string())
    elif not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    if values.null_count:
        values = pc.fill_null(values, "")
    return values


def utf8_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes and the offsets (int64, starting at 0) of a string array, zero-copy for bytes."""
    arr = as_strings(arr)
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset:arr.offset + n + 1].astype(np.int64)
    buf = arr.buffers()[2]
    data = np.frombuffer(buf, dtype=np.uint8) if buf is not None else np.zeros(0, np.uint8)
    data = data[offsets[0]:offsets[-1]] if n else data[:0]
    return data, offsets - (offsets[0] if n else 0)


def nulls_as_empty(arr: pa.Array) -> pa.Array:
    """``arr`` with nulls read as "": zero-copy when the null slots are already empty (as ``take`` and
    ``coalesce`` leave them) by dropping the validity bitmap; ``fill_null`` (a copy) otherwise."""
    if not arr.null_count or not pa.types.is_string(arr.type):
        return as_strings(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset:arr.offset + len(arr) + 1]
    null = ~arr.is_valid().to_numpy(zero_copy_only=False)
    if np.any(np.diff(offsets)[null]):
        return pc.fill_null(arr, "")
    return pa.StringArray.from_buffers(len(arr), arr.buffers()[1], arr.buffers()[2], null_count=0,
                                       offset=arr.offset)


def shared_strings(values) -> np.ndarray:
    """A low-cardinality string column (roles, kinds, categories) as an object array whose elements
    share a few str objects (dictionary-encoded): 8 bytes per row instead of a new Python string per
    row (~60 bytes), which matters for millions of turns. Nulls read as ""."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    enc = pc.dictionary_encode(pc.fill_null(values, ""))
    names = np.array(enc.dictionary.to_pylist() or [""], dtype=object)
    return names[enc.indices.to_numpy(zero_copy_only=False)]


def list_items(col) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """(content, record index, role) of every item of a list<struct> or list<string> column; zero-copy
    for the content, and a null list simply has no items."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    parent = pc.list_parent_indices(col).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pc.list_flatten(col)
    if pa.types.is_struct(flat.type):
        return as_strings(flat.field("content")), parent, shared_strings(flat.field("role"))
    return as_strings(flat), parent, np.full(len(parent), "", dtype=object)


def gather_turns(sources: list[tuple[pa.Array, np.ndarray]], n: int, batch: int = 50_000) -> pa.Array:
    """Row r's text is ``content[pick[r]]`` of the one source whose ``pick[r] >= 0`` ("" if none).

    Why not ``take`` + ``coalesce`` on whole columns: at 1M records those transients (the column
    taken per source, then coalesced) made this view the peak of a whole report (+2.8 GB RSS for a
    1 GB result). Here the result's bytes are allocated once and filled batch by batch: each batch of
    rows is taken and coalesced (small), and its contiguous bytes are copied into place.
    """
    lengths = np.zeros(n, dtype=np.int64)
    for content, pick in sources:
        _, off = utf8_buffers(content)
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
        pbytes, _ = utf8_buffers(part)
        data[offsets[lo]:offsets[hi]] = pbytes
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data))


def last_of_roles(col, n: int, roles) -> tuple[pa.Array, np.ndarray]:
    """(flattened contents, item index of each record's last turn whose role is in ``roles``, or -1)."""
    content, parent, role = list_items(col)
    out = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(np.isin(role, list(roles)))
    out[parent[idx]] = idx  # items are in record order, so the last write per record wins
    return content, out
