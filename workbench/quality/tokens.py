"""A byte-level word tokenizer that yields 64-bit token hashes, and word shingles over them.

Why our own: shingling is the bottleneck of near-duplicate detection. Building a Python string per
word or shingle (the usual ``text.split()`` + ``" ".join``) costs ~1 us each; regex tokenisers in
Arrow then still need a hash per token. Here the whole batch is one numpy pass over its UTF-8 bytes:

- lower-case (Arrow ``utf8_lower``), then classify bytes: ASCII letters/digits and letters of other
  scripts are word bytes; ASCII punctuation, Latin-1 symbols (U+0080-00BF), general punctuation
  (U+2000-2BFF), CJK punctuation, full-width forms and emoji are separators; each CJK ideograph or
  kana is a token of its own (Chinese and Japanese have no spaces);
- a token's hash is its first 8 bytes read as one little-endian integer (exact for tokens up to 8
  bytes), mixed with the next and the last 8 bytes for longer tokens;
- a shingle's hash mixes ``n`` consecutive token hashes (splitmix64 finaliser).

Normalisation is therefore: case, whitespace and punctuation are ignored, as for exact duplicates.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow.compute as pc

from workbench.quality import textops

_U = np.uint64
_MASKS = np.array([0] + [(1 << (8 * k)) - 1 for k in range(1, 8)] + [2**64 - 1], dtype=np.uint64)
MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                   0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x27D4EB2F165667C5, 0x94D049BB133111EB],
                  dtype=np.uint64)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijective avalanche of uint64 values (returns a new array)."""
    x = x ^ (x >> _U(30))
    x *= _U(0xBF58476D1CE4E5B9)
    x ^= x >> _U(27)
    x *= _U(0x94D049BB133111EB)
    x ^= x >> _U(31)
    return x


@dataclass
class Tokens:
    """Hashes of tokens (or shingles), grouped by record: record i owns hashes[offsets[i]:offsets[i+1]]."""

    hashes: np.ndarray  # uint64
    offsets: np.ndarray  # int64, len n + 1

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)

    def record_index(self) -> np.ndarray:
        """The record of each hash."""
        return np.repeat(np.arange(len(self.offsets) - 1), self.counts)


def _word_bytes(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(is-word-byte mask, positions of CJK lead bytes) for lower-cased UTF-8 bytes ``d``."""
    tmp = np.subtract(d, np.uint8(97))  # in-place passes: fewer fresh pages to fault in
    w = np.less(tmp, 26)  # a-z (the text is lower-cased already)
    np.subtract(d, np.uint8(48), out=tmp)
    w |= np.less(tmp, 10, out=np.empty_like(w))  # 0-9
    hi = np.flatnonzero(d >= 0x80)
    if not len(hi):
        return w, hi
    v = d[hi]
    cont = (v & 0xC0) == 0x80
    code = np.zeros(len(hi), dtype=np.int8)  # 0 separator, 1 word, 2 CJK, -1 continuation
    code[((v >= 0xC3) & (v <= 0xE1)) | ((v >= 0xEA) & (v <= 0xED))] = 1
    nxt = d[np.minimum(hi + 1, len(d) - 1)]
    code[(v >= 0xE3) & (v <= 0xE9) & ~((v == 0xE3) & (nxt == 0x80))] = 2
    code[cont] = -1
    for _ in range(3):  # continuation bytes take their lead byte's class (<= 3 bytes back)
        m = code[1:] == -1
        code[1:][m] = code[:-1][m]
    w[hi[code == 1]] = True
    return w, hi[(code == 2) & ~cont]


def tokenize(values, lowercase: bool = True) -> Tokens:
    """Token hashes of every string in ``values`` (see the module docstring for the rules)."""
    arr = textops.as_strings(values)
    if lowercase:
        arr = pc.utf8_lower(arr)
    buf, offsets = textops.utf8_buffers(arr)
    n_bytes = len(buf)
    data = np.zeros(n_bytes + 8, dtype=np.uint8)  # padded so 8-byte reads never run off the end
    data[:n_bytes] = buf
    d = data[:n_bytes]
    isw, cjk = _word_bytes(d)
    bound = np.zeros(n_bytes + 1, dtype=bool)
    bound[offsets] = True
    prev = np.empty(n_bytes, dtype=bool)
    if n_bytes:
        prev[0] = False
        prev[1:] = isw[:-1]
        prev &= ~bound[:n_bytes]
    start = isw & ~prev
    nxt = np.empty(n_bytes, dtype=bool)
    if n_bytes:
        nxt[-1] = False
        nxt[:-1] = isw[1:]
        nxt &= ~bound[1:]
    last = isw & ~nxt
    if len(cjk):
        start[cjk] = True
        last[cjk + 2] = True
    starts = np.flatnonzero(start)
    ends = np.flatnonzero(last) + 1
    lengths = ends - starts
    # unaligned 8-byte reads at any byte offset: one gather gives a short token's full bytes
    u64 = np.ndarray(shape=(max(n_bytes, 1),), dtype=np.uint64, buffer=data, offset=0, strides=(1,))
    hashes = u64[starts] & _MASKS[np.minimum(lengths, 8)]
    long = np.flatnonzero(lengths > 8)
    if len(long):
        s, ln, e = starts[long], lengths[long], ends[long]
        w1 = u64[s + 8] & _MASKS[np.minimum(ln - 8, 8)]
        w2 = np.where(ln > 16, u64[e - 8], _U(0))  # the last 8 bytes: tokens <= 24 bytes are exact
        hashes[long] = mix64(hashes[long] ^ mix64(w1 + ln.astype(np.uint64)) ^ mix64(w2 ^ MULTIPLIERS[0]))
    tok_offsets = np.searchsorted(starts, offsets)
    return Tokens(hashes, tok_offsets.astype(np.int64))


def sequence_keys(tokens: Tokens) -> np.ndarray:
    """One order-sensitive 64-bit key per record from its token sequence (0 for a record without tokens).

    Equal keys mean equal normalised text (up to 2**-64 collisions): the exact-duplicate key.
    """
    n = len(tokens.offsets) - 1
    if not len(tokens.hashes):
        return np.zeros(n, dtype=np.uint64)
    rec = tokens.record_index()
    pos = (np.arange(len(tokens.hashes)) - tokens.offsets[rec]).astype(np.uint64)
    v = mix64(tokens.hashes + pos * MULTIPLIERS[1])
    csum = np.concatenate([np.zeros(1, np.uint64), np.cumsum(v, dtype=np.uint64)])
    keys = mix64(csum[tokens.offsets[1:]] - csum[tokens.offsets[:-1]] + tokens.counts.astype(np.uint64))
    keys[tokens.counts == 0] = 0
    keys[(keys == 0) & (tokens.counts > 0)] = 1  # keep 0 meaning "no text"
    return keys


def set_keys(sh: Tokens) -> np.ndarray:
    """One 64-bit key per record from its shingle multiset (0 for none): equal token sequences give
    equal keys, and texts with equal keys have Jaccard similarity 1 (cheaper than ``sequence_keys``)."""
    csum = np.concatenate([np.zeros(1, np.uint64), np.cumsum(sh.hashes, dtype=np.uint64)])
    keys = mix64(csum[sh.offsets[1:]] - csum[sh.offsets[:-1]] + sh.counts.astype(np.uint64))
    keys[sh.counts == 0] = 0
    keys[(keys == 0) & (sh.counts > 0)] = 1
    return keys


def shingles(tokens: Tokens, n: int = 3) -> Tokens:
    """Hashes of the word ``n``-grams of each record; a record with 1..n-1 tokens has one shingle of them."""
    h = tokens.hashes
    total = len(h)
    counts = tokens.counts
    if total == 0:
        return Tokens(np.zeros(0, np.uint64), np.zeros(len(counts) + 1, np.int64))
    padded = np.concatenate([h, np.zeros(n - 1, np.uint64)])
    acc = np.zeros(total, dtype=np.uint64)
    for k in range(n):  # window i covers tokens i..i+n-1
        acc += padded[k:k + total] * MULTIPLIERS[k % len(MULTIPLIERS)]
    starts = tokens.offsets[:-1]
    short = np.flatnonzero((counts > 0) & (counts < n))
    if len(short):  # a short record's single shingle: its own tokens, zeros beyond its end
        s, c = starts[short], counts[short]
        acc[s] = 0
        for k in range(n - 1):
            take = c > k
            acc[s[take]] += h[s[take] + k] * MULTIPLIERS[k % len(MULTIPLIERS)]
    n_sh = np.where(counts >= n, counts - n + 1, np.minimum(counts, 1))
    # valid windows: the first n_sh positions of each record
    rec = np.repeat(np.arange(len(counts)), counts)
    valid = (np.arange(total) - starts[rec]) < n_sh[rec]
    out = mix64(acc[valid])
    return Tokens(out, np.concatenate([[0], np.cumsum(n_sh)]).astype(np.int64))


def unique_sets(sh: Tokens, bits: int = 44) -> Tokens:
    """Each record's shingles as a sorted set of ``bits``-bit hashes (for exact Jaccard)."""
    n = len(sh.offsets) - 1
    rec_bits = max(int(n).bit_length(), 1)
    if rec_bits + bits > 64:
        raise ValueError("too many records for one batch of shingle sets")
    rec = sh.record_index().astype(np.uint64)
    key = np.sort((rec << _U(bits)) | (sh.hashes >> _U(64 - bits)))
    if len(key):
        keep = np.empty(len(key), dtype=bool)
        keep[0] = True
        np.not_equal(key[1:], key[:-1], out=keep[1:])
        key = key[keep]
    rec_of = (key >> _U(bits)).astype(np.int64)
    offsets = np.searchsorted(rec_of, np.arange(n + 1))
    return Tokens(key & _U((1 << bits) - 1), offsets.astype(np.int64))
