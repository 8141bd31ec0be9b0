"""Column-wide text helpers: UTF-8 buffers as numpy, word counts, and threaded Arrow regex kernels.

Why not ``pandas.Series.str``: measured on 1M records it took 48 s and 11.7 GB for word counts. Arrow's
RE2 kernels and plain numpy passes over the UTF-8 bytes stay within a few bytes of memory per input
byte and run at hundreds of MB/s; Arrow kernels release the GIL, so two threads use both cores.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.turns import as_strings, utf8_buffers  # noqa: F401 - re-exported

_THREADS = max(1, min(4, os.cpu_count() or 1))
_MIN_PARALLEL = 20_000  # below this, thread start-up costs more than it saves


def segment_counts(mask: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """How many True values of ``mask`` fall in each [offsets[i], offsets[i+1]) segment.

    The mask is packed to 64-bit words and popcounted, so the per-segment sums come from a prefix sum
    over n/64 words plus one masked word per boundary: no pass over positions, no per-byte cumsum.
    """
    packed = np.packbits(mask, bitorder="little")
    packed = np.concatenate([packed, np.zeros(8 + (-len(packed)) % 8, np.uint8)])
    words = packed.view(np.uint64)
    prefix = np.concatenate([[0], np.cumsum(np.bitwise_count(words), dtype=np.int64)])
    o = offsets.astype(np.int64)
    word = o >> 6
    below = (np.uint64(1) << (o & 63).astype(np.uint64)) - np.uint64(1)
    before = prefix[word] + np.bitwise_count(words[word] & below)
    return np.diff(before).astype(np.int64)


def word_counts(values) -> np.ndarray:
    """Words per string: runs of non-whitespace bytes, and each CJK character counts as one word.

    Large inputs are split across threads (numpy releases the GIL in these passes).
    """
    return _chunked(_word_counts, values)


def _chunked(fn: Callable[[pa.Array], np.ndarray], values, chunk_bytes: int = 32 << 20) -> np.ndarray:
    """``fn`` over row slices of about ``chunk_bytes`` of text each, on the thread pool.

    Slicing bounds the temporary byte masks (a few bytes per input byte) to a few chunks at a time,
    whatever the column size; numpy releases the GIL, so the chunks also run on both cores.
    """
    arr = as_strings(values)
    _, offsets = utf8_buffers(arr)
    if not len(arr) or offsets[-1] <= chunk_bytes:
        return fn(arr)
    cuts = np.searchsorted(offsets, np.arange(0, offsets[-1], chunk_bytes))
    cuts = np.unique(np.concatenate([cuts, [len(arr)]]))
    parts = [arr.slice(a, b - a) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]
    with ThreadPoolExecutor(_THREADS) as pool:
        return np.concatenate(list(pool.map(fn, parts)))


def _word_counts(values) -> np.ndarray:
    """Single-threaded ``word_counts``.

    Whitespace is every byte <= 0x20 (space, tab, newlines, controls), which is what a reader sees.
    The count is a few vectorised passes over the bytes; positions of word starts are found once
    and counted per string with a binary search on the offsets (no per-byte prefix sum).
    """
    data, offsets = utf8_buffers(values)
    n = len(offsets) - 1
    if not len(data):
        return np.zeros(n, dtype=np.int64)
    space = np.empty(len(data) + 1, dtype=bool)
    space[0] = True
    np.less_equal(data, 32, out=space[1:])
    hi = np.flatnonzero(data >= 0xE3) if (data >= 0xE3).any() else np.zeros(0, np.int64)
    lead = hi[data[hi] <= 0xE9]  # 3-byte lead bytes of U+3000-9FFF: CJK punctuation, kana, ideographs
    if len(lead):
        nxt = data[np.minimum(lead + 1, len(data) - 1)]
        punct = (data[lead] == 0xE3) & (nxt == 0x80)  # U+3000-303F: ideographic space and punctuation
        for k in range(3):  # ...which separates words like a space
            space[1:][np.minimum(lead[punct] + k, len(data) - 1)] = True
        lead = lead[~punct]
    start = space[1:] < space[:-1]  # a non-space byte after a space
    first = offsets[:-1][offsets[:-1] < offsets[1:]]
    start[first] = ~space[1:][first]  # every non-empty string starts fresh
    if len(lead):  # CJK ideographs and kana are words of their own
        start[lead] = True
        after = lead + 3
        after = after[after < len(data)]
        after = after[~space[1:][after] & ~np.isin(after, lead)]
        start[after] = True  # Latin text right after a CJK character is a new word
    return segment_counts(start, offsets)


def char_counts(values) -> np.ndarray:
    """Unicode code points per string: bytes minus UTF-8 continuation bytes (10xxxxxx)."""
    return _chunked(_char_counts, values)


def _char_counts(values) -> np.ndarray:
    data, offsets = utf8_buffers(values)
    lengths = np.diff(offsets)
    if not len(data) or not (data >= 0x80).any():  # pure ASCII: one byte per character
        return lengths
    return lengths - segment_counts((data & 0xC0) == 0x80, offsets)


def parallel(fn: Callable[[pa.Array], pa.Array], values, threads: int = _THREADS) -> pa.Array:
    """Apply an Arrow kernel ``fn`` to slices of ``values`` on ``threads`` threads, concatenated."""
    arr = as_strings(values)
    n = len(arr)
    if threads <= 1 or n < _MIN_PARALLEL:
        return fn(arr)
    bounds = np.linspace(0, n, threads + 1).astype(int)
    parts = [arr.slice(a, b - a) for a, b in zip(bounds[:-1], bounds[1:])]
    with ThreadPoolExecutor(threads) as pool:
        out = list(pool.map(fn, parts))
    return pa.concat_arrays(out)


def regex_count(values, pattern: str) -> np.ndarray:
    """Non-overlapping matches of the RE2 ``pattern`` per string."""
    out = parallel(lambda a: pc.count_substring_regex(a, pattern), values)
    return out.to_numpy(zero_copy_only=False).astype(np.int64)


def regex_match(values, pattern: str) -> np.ndarray:
    """Whether the RE2 ``pattern`` occurs in each string."""
    out = parallel(lambda a: pc.match_substring_regex(a, pattern), values)
    return out.to_numpy(zero_copy_only=False).astype(bool)


def snippet(text: str, limit: int = 160) -> str:
    """A one-line excerpt of ``text`` for reports (not escaped: the writer escapes)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def describe(values) -> dict[str, float]:
    """mean, median, p5, p95 and max of ``values`` (zeros for an empty input)."""
    v = np.asarray(values, dtype=float)
    if not len(v):
        return {"mean": 0.0, "median": 0.0, "p5": 0.0, "p95": 0.0, "max": 0.0}
    p5, med, p95 = np.percentile(v, [5, 50, 95])
    return {"mean": round(float(v.mean()), 2), "median": round(float(med), 2), "p5": round(float(p5), 2),
            "p95": round(float(p95), 2), "max": float(v.max())}


def example_ids(ids, mask, limit: int = 5) -> list[str]:
    """The first ``limit`` ids where ``mask`` holds."""
    idx = np.flatnonzero(np.asarray(mask))[:limit]
    return [str(ids[i]) for i in idx]
