"""Arrow arrays and scalars from numpy and Python values without pyarrow's conversion layer.

pyarrow imports pandas the first time it converts a Python or numpy value (``pa.array``, ``pa.scalar``,
a plain ``"x"`` handed to a compute function) or converts to numpy (``Array.to_numpy``): ~0.3 s of CPU
and ~35 MB, once per process, more than a third of what reading a 170 MB JSONL file costs Arrow itself.
The vectorised loader builds what it needs from buffers instead, so loading a clean JSONL file never
imports pandas (``tests/test_load_batches.py`` checks it).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

INT64 = pa.int64()


def bools(mask) -> pa.BooleanArray:
    """A numpy bool mask as a (null-free) Arrow boolean array."""
    mask = np.asarray(mask, dtype=bool)
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(np.packbits(mask, bitorder="little"))])


def ints(values, type: pa.DataType = INT64) -> pa.Array:
    """Integers (numpy or a list) as a null-free Arrow integer array of ``type``."""
    arr = np.ascontiguousarray(values, dtype=np.dtype(str(type)))  # int8 ... uint64: Arrow's names are numpy's
    return pa.Array.from_buffers(type, len(arr), [None, pa.py_buffer(arr)])


def strings(values: Sequence[str | None]) -> pa.StringArray:
    """Python strings (``None`` for null) as an Arrow string array."""
    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    if offsets[-1] > 2**31 - 1:
        raise OverflowError("more than 2 GB of text")
    valid = None
    if any(v is None for v in values):
        valid = pa.py_buffer(np.packbits([v is not None for v in values], bitorder="little"))
    return pa.Array.from_buffers(pa.string(), len(encoded), [valid, pa.py_buffer(offsets.astype(np.int32)),
                                                             pa.py_buffer(b"".join(encoded))])


def text(value: str) -> pa.Scalar:
    """A string scalar (what compute functions take where a Python ``str`` would be converted)."""
    return strings([value])[0]


def num(value: int, type: pa.DataType = INT64) -> pa.Scalar:
    return ints([value], type)[0]


def flag(value: bool) -> pa.Scalar:
    return bools([value])[0]


def to_np(arr) -> np.ndarray:
    """A null-free boolean or integer Arrow array (or chunked array) as numpy, as ``to_numpy`` gives it:
    booleans as a new array, integers as a read-only view of Arrow's buffer. Other types, and arrays
    with nulls, take ``to_numpy`` (which imports pandas)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    n, t = len(arr), arr.type
    if arr.null_count:
        return arr.to_numpy(zero_copy_only=False)
    if pa.types.is_boolean(t):
        if n == 0:
            return np.zeros(0, bool)
        bits = np.unpackbits(np.frombuffer(arr.buffers()[1], np.uint8), count=arr.offset + n, bitorder="little")
        return bits[arr.offset:].view(bool)
    if pa.types.is_integer(t):
        dtype = np.dtype(str(t))
        if n == 0:
            return np.zeros(0, dtype)
        return np.frombuffer(arr.buffers()[1], dtype, count=n, offset=arr.offset * dtype.itemsize)
    return arr.to_numpy(zero_copy_only=False)
