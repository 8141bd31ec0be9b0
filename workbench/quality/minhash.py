"""Vectorised MinHash + LSH near-duplicate search: sketch -> band -> candidate pairs -> verify -> cluster.

Why our own instead of datasketch: datasketch hashes every shingle in Python and applies its
permutations per record; on 200k records it takes ~46 s on one core. Here each stage is a few numpy
passes over a batch:

- sketch: one-permutation hashing (Li, Owen & Zhang 2012) - each shingle hash is split into a bin (top
  bits) and a value (low 32 bits) and the minimum per (record, bin) is taken with one scatter-min,
  so the cost is one hash per shingle instead of one per shingle *and* permutation. Empty bins are
  filled by optimal densification (Shrivastava 2017): bin j borrows from the first non-empty bin of a
  fixed random probe sequence, which keeps the collision probability equal to the Jaccard similarity;
- band: ``bands`` keys of ``rows`` bins each; records sharing a key in any band become candidates;
- verify: candidates are kept only if the true Jaccard of their shingle sets reaches the threshold
  (a sort of the two sets' hashes per pair), so reported pairs are exact, not estimates;
- cluster: connected components (scipy) of verified pairs plus exact-duplicate links; the
  representative is the first record of each component.
The stages only need arrays, so they can be spread over workers or a cluster later.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from workbench.quality.tokens import Tokens, mix64, shingles, tokenize, unique_sets

EMPTY = np.uint32(0xFFFFFFFF)
_BAND_MULTS = mix64(np.arange(1, 65, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) | np.uint64(1)


def choose_bands(threshold: float, num_bins: int = 64, target_recall: float = 0.995) -> tuple[int, int]:
    """(bands, rows) with bands*rows <= num_bins: the most selective banding that still makes a pair at
    exactly ``threshold`` a candidate with probability >= ``target_recall``."""
    best = (num_bins, 1)
    for rows in range(1, num_bins + 1):
        bands = num_bins // rows
        if 1 - (1 - threshold ** rows) ** bands >= target_recall:
            best = (bands, rows)
    return best


@lru_cache(maxsize=8)
def _probe_table(num_bins: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(num_bins) for _ in range(num_bins)])  # row j: probe order for bin j


def oph_signatures(sh: Tokens, num_bins: int = 64, seed: int = 0, probes: int = 8) -> np.ndarray:
    """One-permutation MinHash signatures (n, num_bins) uint32, densified; rows without shingles stay EMPTY."""
    if num_bins & (num_bins - 1) or not 2 <= num_bins <= 256:
        raise ValueError("num_bins must be a power of two between 2 and 256")
    n = len(sh.offsets) - 1
    # shingle hashes are already mixed; another seed re-mixes them for an independent sketch
    h = sh.hashes if seed == 0 else mix64(sh.hashes ^ np.uint64(seed * 0x9E3779B97F4A7C15 % 2**64))
    bins = (h >> np.uint64(64 - int(math.log2(num_bins)))).astype(np.int64)
    vals = np.minimum(h & np.uint64(0xFFFFFFFF), np.uint64(0xFFFFFFFE)).astype(np.uint32)
    sig = np.full(n * num_bins, EMPTY, dtype=np.uint32)
    np.minimum.at(sig, sh.record_index() * num_bins + bins, vals)
    return _densify(sig.reshape(n, num_bins), sh.counts > 0, seed, probes)


def _densify(sig: np.ndarray, has: np.ndarray, seed: int, probes: int) -> np.ndarray:
    """Fill empty bins: up to ``probes`` steps of optimal densification, then - for the few bins still
    empty, in records with very few shingles - the next non-empty bin to the right (rotation,
    Shrivastava & Li 2014) mixed with the distance. Both are the same function of the emptiness
    pattern for every record, so equal sets still get equal signatures."""
    rows, cols = np.nonzero((sig == EMPTY) & has[:, None])
    if not len(rows):
        return sig
    k = sig.shape[1]
    probe = _probe_table(k, seed)
    out = sig.copy()
    for t in range(min(probes, k)):
        v = sig[rows, probe[cols, t]]
        ok = v != EMPTY
        out[rows[ok], cols[ok]] = v[ok]
        rows, cols = rows[~ok], cols[~ok]
        if not len(rows):
            return out
    urows, inv = np.unique(rows, return_inverse=True)
    pos = np.where(sig[urows] != EMPTY, np.arange(k), 3 * k)
    nxt = np.minimum.accumulate(np.concatenate([pos, pos + k], axis=1)[:, ::-1], axis=1)[:, ::-1]
    src = nxt[inv, cols]  # first non-empty bin at or after each empty one, circularly
    v = sig[rows, src % k].astype(np.uint64)
    mixed = mix64(v + (src - cols).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) & np.uint64(0xFFFFFFFE)
    out[rows, cols] = mixed.astype(np.uint32)
    return out


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64 keys; a key of 0 marks a record without shingles (never a candidate)."""
    out = np.zeros((len(sig), bands), dtype=np.uint64)
    s64 = sig.astype(np.uint64)
    for b in range(bands):
        acc = np.full(len(sig), np.uint64(b + 1))
        for r in range(rows):
            acc += s64[:, b * rows + r] * _BAND_MULTS[r]
        out[:, b] = mix64(acc) | np.uint64(1)
    out[sig[:, 0] == EMPTY] = 0
    return out


def _run_pairs(keys: np.ndarray, ids: np.ndarray, max_bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of ``ids`` whose ``keys`` are equal: all pairs in buckets up to ``max_bucket`` members; in
    larger buckets (boilerplate) each member pairs with the bucket's first member and its neighbour."""
    # stable: a bucket's members stay in the order of ``ids`` (record order), so a large bucket's
    # "first member and neighbour" pairs are the same whoever forms the bucket (here, or a Ray group)
    order = np.argsort(keys, kind="stable")
    k, ids = keys[order], ids[order]
    m = len(k)
    if m < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    new = np.empty(m, dtype=bool)
    new[0] = True
    np.not_equal(k[1:], k[:-1], out=new[1:])
    new |= k == 0
    run = np.cumsum(new) - 1
    run_start = np.flatnonzero(new)
    run_len = np.diff(np.append(run_start, m))
    size = run_len[run]
    end = run_start[run] + size
    out_a, out_b = [], []
    cand = np.flatnonzero((size > 1) & (size <= max_bucket))
    d = 1
    while len(cand):
        cand = cand[cand + d < end[cand]]
        out_a.append(ids[cand])
        out_b.append(ids[cand + d])
        d += 1
    big = np.flatnonzero((size > max_bucket) & ~new)
    if len(big):
        out_a += [ids[run_start[run[big]]], ids[big - 1]]
        out_b += [ids[big], ids[big]]
    if not out_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_a), np.concatenate(out_b)


def candidate_pairs(keys: np.ndarray, ids: np.ndarray, max_bucket: int = 100, sig: np.ndarray | None = None,
                    min_estimate: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Unique (i < j) pairs of ``ids`` sharing a non-zero key in any band column of ``keys``; with ``sig``
    (signatures indexed by id), only the pairs whose signature agreement reaches ``min_estimate``.

    Band by band, so memory follows the pairs kept, not every collision: on a 1M-record corpus built from
    a pool of sentences each band made ~7.5M pairs of which ~0.8M agree enough, and gathering all 16
    bands before one ``unique`` held 11 GB (a report was killed at 24 GB)."""
    kept = np.zeros(0, np.int64)
    for b in range(keys.shape[1]):
        a, c = _run_pairs(keys[:, b], ids, max_bucket)
        code = np.unique((np.minimum(a, c) << 32) | np.maximum(a, c))
        code = code[(code >> 32) != (code & 0xFFFFFFFF)]
        if sig is not None and len(code):
            code = code[signature_agreement(sig, code >> 32, code & 0xFFFFFFFF) >= min_estimate]
        kept = np.union1d(kept, code)
    return kept >> 32, kept & 0xFFFFFFFF


def signature_agreement(sig: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int = 1 << 18) -> np.ndarray:
    """The share of equal signature columns of rows ``a[k]`` and ``b[k]`` (the MinHash Jaccard estimate),
    ``chunk`` pairs at a time: ``(sig[a] == sig[b]).mean(axis=1)`` in one go made a float64 copy of every
    compared cell, 1.9 GB for the 3.6M candidate pairs of a 200k-record corpus (9 GB at 1M)."""
    out = np.zeros(len(a), dtype=np.float64)
    for lo in range(0, len(a), chunk):
        same = sig[a[lo:lo + chunk]] == sig[b[lo:lo + chunk]]
        out[lo:lo + chunk] = np.count_nonzero(same, axis=1) / sig.shape[1]
    return out


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated aranges [starts[k], starts[k] + lengths[k])."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, np.int64)
    shift = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.arange(total) + shift


def jaccard_pairs(sets: Tokens, a: np.ndarray, b: np.ndarray, bits: int = 44,
                  budget: int = 1 << 23) -> np.ndarray:
    """Exact Jaccard similarity of the sets ``a[k]`` and ``b[k]`` (indices into ``sets``); 1.0 if both empty.

    Pairs are checked in chunks holding at most ``budget`` shingles (both sides; ~5 arrays of 8 bytes each
    per shingle, so ~350 MB at the default) and at most ``2 ** (63 - bits)`` pairs (the pair index shares a
    uint64 with the hash). Chunking by pair count alone let 524k pairs of long texts hold ~4 GB at once:
    a 200k-record report peaked at 4.8 GB here and a 1M-record one was killed at 24 GB."""
    out = np.zeros(len(a), dtype=np.float64)
    if not len(a):
        return out
    counts = sets.counts
    max_pairs = 1 << (63 - bits)
    cum = np.cumsum(counts[a] + counts[b])
    lo = 0
    while lo < len(a):
        base = cum[lo - 1] if lo else 0
        hi = int(np.searchsorted(cum, base + budget, side="right"))
        hi = min(max(hi, lo + 1), lo + max_pairs, len(a))
        ia, ib = a[lo:hi], b[lo:hi]
        la, lb = counts[ia], counts[ib]
        pid = np.concatenate([np.repeat(np.arange(len(ia)), la), np.repeat(np.arange(len(ib)), lb)])
        vals = np.concatenate([sets.hashes[ranges(sets.offsets[ia], la)],
                               sets.hashes[ranges(sets.offsets[ib], lb)]])
        key = (pid.astype(np.uint64) << np.uint64(bits)) | vals
        del pid, vals
        key.sort()
        dup = key[1:][key[1:] == key[:-1]]
        inter = np.bincount((dup >> np.uint64(bits)).astype(np.int64), minlength=len(ia))
        union = la + lb - inter
        out[lo:hi] = np.where(union > 0, inter / np.maximum(union, 1), 1.0)
        lo = hi
    return out


def shingle_sets(texts, ngram: int, batch_size: int = 50_000) -> Tokens:
    """Sorted shingle-hash sets of every text in ``texts`` (a string Array), built batch by batch."""
    hashes, counts = [], []
    for lo in range(0, len(texts), batch_size):
        s = unique_sets(shingles(tokenize(texts.slice(lo, batch_size)), ngram))
        hashes.append(s.hashes)
        counts.append(s.counts)
    if not hashes:
        return Tokens(np.zeros(0, np.uint64), np.zeros(1, np.int64))
    lengths = np.concatenate(counts)
    return Tokens(np.concatenate(hashes), np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each of ``n`` nodes, the smallest node index of its connected component under edges (a, b)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    first = np.full(label.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first, label, np.arange(n))
    return first[label]
