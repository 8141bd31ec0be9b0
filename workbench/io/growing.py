"""Arrow columns built batch by batch without a second copy of the data at the end.

The vectorised loader converts a file piece by piece. Concatenating the pieces' arrays at the end
(``pa.concat_arrays``) holds every piece and the whole result at once: twice the table at the peak.
Here each piece's string bytes are copied into one growing buffer as soon as the piece is converted
(the piece can then be freed), and only the small parts (offsets, validity, int8 weights) are kept per
piece and joined at the end. The buffer is reserved at the expected size up front (``hint``); memory
pages are only used once written, so an over-estimate costs address space, not memory.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from workbench.io.arrowlit import ints, to_np
from workbench.model.schema import MESSAGE_TYPE

INT32_MAX = 2**31 - 1


class Unsupported(Exception):
    """An array these builders do not take (the caller reads the file another way)."""


class TooLarge(Unsupported):
    """More than 2 GB of text in one column: a ``string`` array cannot hold it in one piece."""


class StringBuilder:
    """Appends ``string`` arrays (any offset, nulls allowed) into one contiguous ``string`` array."""

    def __init__(self, hint: int = 1 << 20) -> None:
        self.hint = min(max(int(hint), 1 << 12), INT32_MAX)
        self.data: np.ndarray | None = None  # allocated at the first byte (null-only columns never need it)
        self.pos = 0
        self.ends: list[np.ndarray] = []  # each piece's end offsets (int64, absolute)
        self.valid: list[tuple[int, np.ndarray | None]] = []  # (length, validity mask or None when no nulls)
        self.length = 0

    def append(self, arr: pa.Array) -> None:
        n = len(arr)
        if n == 0:
            return
        if pa.types.is_null(arr.type):
            self.ends.append(np.full(n, self.pos, np.int64))
            self.valid.append((n, np.zeros(n, bool)))
            self.length += n
            return
        if not pa.types.is_string(arr.type):
            arr = arr.cast(pa.string())
        validity, offsets, data = arr.buffers()[:3]
        o = np.frombuffer(offsets, np.int32, count=n + 1, offset=4 * arr.offset).astype(np.int64)
        a, b = int(o[0]), int(o[-1])
        if b > a:
            self._reserve(b - a)
            assert self.data is not None
            self.data[self.pos:self.pos + b - a] = np.frombuffer(data, np.uint8, count=b - a, offset=a)
        o += self.pos - a
        self.ends.append(o[1:])
        self.pos += b - a
        self.valid.append((n, to_np(arr.is_valid()) if arr.null_count else None))
        self.length += n

    def _reserve(self, more: int) -> None:
        need = self.pos + more
        if need > INT32_MAX:
            raise TooLarge()
        if self.data is None:
            self.data = np.empty(max(self.hint, need), np.uint8)
        elif need > len(self.data):  # the hint was short: grow (one copy, rare)
            grown = np.empty(max(2 * len(self.data), need), np.uint8)
            grown[:self.pos] = self.data[:self.pos]
            self.data = grown

    def finish(self) -> pa.Array:
        n = self.length
        offsets = np.empty(n + 1, np.int32)
        offsets[0] = 0
        if n:
            np.concatenate(self.ends, out=offsets[1:], casting="unsafe")
        null_count = 0
        validity = None
        if any(mask is not None for _, mask in self.valid):
            mask = np.concatenate([np.ones(k, bool) if m is None else m for k, m in self.valid])
            null_count = int(n - mask.sum())
            validity = pa.py_buffer(np.packbits(mask, bitorder="little"))
        data = pa.py_buffer(self.data[:self.pos]) if self.data is not None else pa.py_buffer(b"")
        self.data, self.ends, self.valid = None, [], []
        return pa.Array.from_buffers(pa.string(), n, [validity, pa.py_buffer(offsets), data], null_count=null_count)


class MessagesBuilder:
    """Appends ``list<message>`` arrays (as the converters make them: no null lists or structs)."""

    def __init__(self, hint: int) -> None:
        self.lengths: list[np.ndarray] = []
        self.fields = {f.name: StringBuilder(hint if f.name == "content" else 1 << 20) for f in MESSAGE_TYPE
                       if pa.types.is_string(f.type)}
        self.weights: list[pa.Array] = []

    def append(self, arr: pa.ListArray) -> None:
        if arr.null_count:
            raise Unsupported("a null message list")  # the converters mark such rows bad: never kept
        offsets = to_np(arr.offsets)
        self.lengths.append(np.diff(offsets))
        turns = arr.values.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
        if turns.null_count:
            raise Unsupported("a null message")
        for name, builder in self.fields.items():
            builder.append(turns.field(name))
        self.weights.append(turns.field("weight"))

    def finish(self) -> pa.ListArray:
        lengths = np.concatenate(self.lengths) if self.lengths else np.zeros(0, np.int64)
        offsets = np.zeros(len(lengths) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        if offsets[-1] > INT32_MAX:
            raise TooLarge()
        children = [self.fields[f.name].finish() if f.name in self.fields else
                    pa.concat_arrays(self.weights) if self.weights else pa.nulls(0, f.type)
                    for f in MESSAGE_TYPE]
        self.weights, self.lengths = [], []
        struct = pa.StructArray.from_arrays(children, fields=list(MESSAGE_TYPE))
        return pa.ListArray.from_arrays(ints(offsets, pa.int32()), struct)
