"""Near duplicates of whole records and of prompts: MinHash + LSH, verified by exact Jaccard, clustered.

Exact copies (same normalised token sequence) are linked first and sketched once, so a near cluster
always contains its exact members and ``near_extra_rows >= exact_extra_rows``.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.quality import minhash, textops
from workbench.quality.base import Signal, SignalContext, SignalResult
from workbench.quality.textviews import RecordTexts, TextViews
from workbench.quality.tokens import Tokens, set_keys, shingles, tokenize


@dataclass
class NearDuplicates:
    """The outcome of one search over ``n`` texts.

    Attributes
    ----------
    rep : ndarray[int64]
        Index of each text's cluster representative (itself when it has no near duplicate).
    size : ndarray[int64]
        Size of each text's cluster.
    max_jaccard : ndarray[float64]
        Highest verified Jaccard similarity to another text (1.0 for exact copies, 0.0 for none).
    exact_rep : ndarray[int64]
        Index of the first exact copy of each text (-1 for texts without tokens).
    pair_a, pair_b, pair_jaccard : ndarray
        Verified pairs between distinct exact groups (indices of the groups' first members).
    candidates : int
        Candidate pairs produced by banding (before verification).
    """

    rep: np.ndarray
    size: np.ndarray
    max_jaccard: np.ndarray
    exact_rep: np.ndarray
    pair_a: np.ndarray
    pair_b: np.ndarray
    pair_jaccard: np.ndarray
    candidates: int

    def record_pairs(self) -> set[tuple[int, int]]:
        """Every verified pair of texts (i < j): within exact groups and across verified groups."""
        members: dict[int, list[int]] = {}
        for i, r in enumerate(self.exact_rep.tolist()):
            if r >= 0:
                members.setdefault(r, []).append(i)
        out: set[tuple[int, int]] = set()
        for group in members.values():
            out.update((group[x], group[y]) for x in range(len(group)) for y in range(x + 1, len(group)))
        for a, b in zip(self.pair_a.tolist(), self.pair_b.tolist()):
            out.update((min(x, y), max(x, y)) for x in members[a] for y in members[b])
        return out


@dataclass(frozen=True)
class NearDuplicateFinder:
    """MinHash/LSH search configuration (see ``workbench.quality.minhash``)."""

    threshold: float = 0.8
    ngram: int = 3
    num_bins: int = 64
    bands: int = 0  # 0: chosen from the threshold
    rows: int = 0
    seed: int = 0
    batch_size: int = 20_000
    max_bucket: int = 100
    prefilter_margin: float = 0.25  # drop candidates whose signature estimate is this far below threshold
    verify_records: int = 20_000  # texts read back and shingled, and whose sets are held, at a time

    def banding(self) -> tuple[int, int]:
        if self.bands and self.rows:
            return self.bands, self.rows
        return minhash.choose_bands(self.threshold, self.num_bins)

    def find(self, texts) -> NearDuplicates:
        """Search ``texts`` (strings, an Arrow string array, or a ``RecordTexts``) for near duplicates."""
        arr = texts if isinstance(texts, RecordTexts) else textops.as_strings(texts)
        keys, bkeys, sig16 = self._sketch(arr)
        return self.resolve(keys, bkeys, sig16, lambda idx: arr.take(pa.array(idx)))

    def sketch(self, texts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(exact key, LSH band keys, 16-bit signature) of each text: all a search keeps of the texts
        until verification, computed batch by batch (so any slicing of the data gives the same)."""
        arr = texts if isinstance(texts, RecordTexts) else textops.as_strings(texts)
        return self._sketch(arr)

    def resolve(self, keys: np.ndarray, bkeys: np.ndarray | None, sig16: np.ndarray | None,
                fetch: Callable[[np.ndarray], pa.Array],
                pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> NearDuplicates:
        """The clusters from the sketches of every text; ``fetch(indices)`` returns the texts of the
        candidate pairs (a few records) for the exact Jaccard check. ``pairs``: the candidate pairs
        (i < j, unique) and their signature estimates, when they were banded elsewhere (on Ray: the stages of
        :mod:`workbench.quality.batches`); then ``bkeys`` and ``sig16`` are not needed."""
        n = len(keys)
        exact_rep = np.full(n, -1, dtype=np.int64)
        has = np.flatnonzero(keys != 0)
        if len(has):
            _, first, inverse = np.unique(keys[has], return_index=True, return_inverse=True)
            exact_rep[has] = has[first][inverse]
        # candidates whose signatures agree too little never reach the exact check, nor the candidate count
        min_estimate = self.threshold - self.prefilter_margin if self.prefilter_margin < 1 else 0.0
        if pairs is None:
            assert bkeys is not None and sig16 is not None
            reps = np.flatnonzero(exact_rep == np.arange(n))  # exact copies are sketched and banded once
            a, b = minhash.candidate_pairs(bkeys[reps], reps, self.max_bucket, sig16, min_estimate)
        else:
            a, b, est = pairs
            keep = est >= min_estimate
            a, b = a[keep], b[keep]
        n_candidates = len(a)
        a, b, jac = self._verify(fetch, a, b)
        copies = np.flatnonzero((exact_rep >= 0) & (exact_rep != np.arange(n)))
        rep = minhash.components(n, np.concatenate([a, copies]), np.concatenate([b, exact_rep[copies]]))
        size = np.bincount(rep, minlength=n)[rep]
        best = np.zeros(n)
        if len(a):
            np.maximum.at(best, a, jac)
            np.maximum.at(best, b, jac)
        best = best[np.where(exact_rep >= 0, exact_rep, np.arange(n))]  # copies share their group's best
        group_size = np.bincount(exact_rep[exact_rep >= 0], minlength=n)
        best[(exact_rep >= 0) & (group_size[np.maximum(exact_rep, 0)] > 1)] = 1.0
        return NearDuplicates(rep, size, best, exact_rep, a, b, jac, n_candidates)

    def _sketch(self, arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Batch by batch: exact keys, LSH band keys and 16-bit signatures (enough to estimate Jaccard)."""
        n = len(arr)
        bands, rows = self.banding()
        keys = np.zeros(n, dtype=np.uint64)
        bkeys = np.zeros((n, bands), dtype=np.uint64)
        sig16 = np.zeros((n, self.num_bins), dtype=np.uint16)
        for lo in range(0, n, self.batch_size):
            sh = shingles(tokenize(arr.slice(lo, self.batch_size)), self.ngram)
            hi = lo + len(sh.offsets) - 1
            keys[lo:hi] = set_keys(sh)
            sig = minhash.oph_signatures(sh, self.num_bins, self.seed)
            bkeys[lo:hi] = minhash.band_keys(sig, bands, rows)
            sig16[lo:hi] = sig.astype(np.uint16)
        return keys, bkeys, sig16

    def _verify(self, fetch: Callable[[np.ndarray], pa.Array], a: np.ndarray, b: np.ndarray):
        """Keep the candidate pairs whose exact shingle-set Jaccard reaches the threshold.

        In bounded memory: the candidates' texts are read back and shingled ``verify_records`` at a time,
        once each, and their sorted shingle sets written to a temporary file; the pairs are then checked
        in runs touching at most ``verify_records`` texts, whose sets are read back from the file for the
        run. Building every candidate's set at once held ~3 GB at 1M records (8.6M candidate pairs over
        0.9M texts of a corpus built from a pool of sentences). A pair's Jaccard does not depend on the
        run it is checked in, so the kept pairs are the same whatever the budget."""
        if not len(a):
            return a, b, np.zeros(0)
        involved = np.unique(np.concatenate([a, b]))  # only these texts are read and shingled again
        step = max(int(self.verify_records), 1)
        counts = np.zeros(len(involved), dtype=np.int64)
        jac = np.zeros(len(a), dtype=np.float64)
        with tempfile.TemporaryDirectory(prefix="workbench-shingles-") as tmp:
            path = Path(tmp) / "sets.u64"
            with open(path, "wb") as out:
                for lo in range(0, len(involved), step):
                    sets = minhash.shingle_sets(fetch(involved[lo:lo + step]), self.ngram, self.batch_size)
                    counts[lo:lo + len(sets.offsets) - 1] = sets.counts
                    sets.hashes.tofile(out)
                    del sets
            offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            ia, ib = np.searchsorted(involved, a), np.searchsorted(involved, b)
            for lo, hi in record_chunks(ia, ib, step):
                ca, cb = ia[lo:hi], ib[lo:hi]
                local = np.unique(np.concatenate([ca, cb]))
                lengths = counts[local]
                hashes = np.zeros(0, np.uint64)
                if lengths.sum():  # mapped for this run only: the pages it touched leave with it
                    stored = np.memmap(path, dtype=np.uint64, mode="r")
                    hashes = np.array(stored[minhash.ranges(offsets[local], lengths)])
                    del stored
                sets = Tokens(hashes, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))
                jac[lo:hi] = minhash.jaccard_pairs(sets, np.searchsorted(local, ca), np.searchsorted(local, cb))
        ok = jac >= self.threshold
        return a[ok], b[ok], jac[ok]


def record_chunks(a: np.ndarray, b: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """Consecutive ``[lo, hi)`` runs of the pairs ``(a[k], b[k])``, each touching at most ``limit`` distinct
    texts (a run holds at least one pair) and at most ``8 * limit`` pairs."""
    limit = max(int(limit), 2)
    out = []
    lo, m = 0, len(a)
    while lo < m:
        end = min(m, lo + 8 * limit)
        seq = np.empty(2 * (end - lo), dtype=np.int64)
        seq[0::2], seq[1::2] = a[lo:end], b[lo:end]
        _, first = np.unique(seq, return_index=True)
        if len(first) <= limit:
            hi = end
        else:
            first.sort()
            hi = lo + max(int(first[limit]) // 2, 1)  # the pairs before the (limit+1)-th distinct text
        out.append((lo, hi))
        lo = hi
    return out


def cluster_summary(found: NearDuplicates, ids: np.ndarray, examples: int = 5) -> dict:
    """Cluster counts and a few example clusters (ids) for reports."""
    multi = found.size > 1
    reps = np.unique(found.rep[multi])
    largest = sorted(reps.tolist(), key=lambda r: -int(found.size[r]))[:examples]
    return {
        "clusters": int(len(reps)),
        "extra_rows": int(multi.sum() - len(reps)),
        "rows_in_clusters": int(multi.sum()),
        "candidate_pairs": int(found.candidates),
        "verified_pairs": int(len(found.pair_a)),
        "largest": [{"representative": str(ids[r]), "size": int(found.size[r]),
                     "members": [str(x) for x in ids[found.rep == r][:5]]} for r in largest],
    }


class NearDuplicateSignal(Signal):
    """Near-duplicate clusters of whole records (flagged) and of prompts (reported).

    Columns: ``near_dup_cluster`` / ``prompt_near_dup_cluster`` (the representative's id, None when the
    record has no near duplicate), ``..._size`` and ``..._jaccard`` (best verified similarity). A record
    is an issue when it is in a whole-record cluster and is not its representative (the rows to drop);
    the score is ``1 - jaccard``.
    """

    name = "near_duplicates"
    version = "3"  # 2: a large LSH bucket's members in record order (stable sort); 3: candidate_pairs counts
    #                the candidates that pass the signature prefilter (filtered band by band)
    batchable = True

    @dataclass(frozen=True)
    class Config:
        threshold: float = 0.8
        ngram: int = 3
        num_bins: int = 64
        levels: tuple[str, ...] = ("record", "prompt")
        batch_size: int = 20_000
        seed: int = 0

    def finder(self) -> NearDuplicateFinder:
        c = self.config
        return NearDuplicateFinder(c.threshold, c.ngram, c.num_bins, seed=c.seed, batch_size=c.batch_size)

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        """The sketches of each level: exact key, band keys and 16-bit signature (working columns)."""
        views = ctx.views(table)
        finder = self.finder()
        cols: dict[str, np.ndarray] = {}
        for level in self.config.levels:
            keys, bkeys, sig16 = finder.sketch(RecordTexts(table) if level == "record" else views.prompt)
            cols[f"_{level}_key"] = keys
            cols.update({f"_{level}_band{i}": bkeys[:, i] for i in range(bkeys.shape[1])})
            cols.update({f"_{level}_sig{i}": sig16[:, i] for i in range(sig16.shape[1])})
        return pd.DataFrame(cols)

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        """Candidates, verification (reading back the candidates' texts from ``ctx.source``) and clusters
        over the whole data set."""
        c = self.config
        finder = self.finder()
        bands, _ = finder.banding()
        ids = keys.column("id").to_numpy(zero_copy_only=False).astype(object)
        frame = pd.DataFrame(index=pd.RangeIndex(len(ids)))
        summary: dict = {"threshold": c.threshold, "ngram": c.ngram}
        flag = np.zeros(len(ids), dtype=bool)
        score = np.ones(len(ids))
        source = ctx.source
        if source is None:
            raise ValueError("near_duplicates needs ctx.source to verify its candidate pairs")
        for level in c.levels:
            def fetch(idx: np.ndarray, level: str = level) -> pa.Array:
                sub = source.take(pa.array(idx, pa.int64()))
                return RecordTexts(sub).slice(0, len(idx)) if level == "record" else TextViews(sub).prompt

            banded = ctx.shared.get(self.name, {}).get(level)  # candidate pairs banded on Ray
            if banded is not None:
                found = finder.resolve(rows[f"_{level}_key"].to_numpy(), None, None, fetch, pairs=banded)
            else:
                found = finder.resolve(
                    rows[f"_{level}_key"].to_numpy(),
                    rows[[f"_{level}_band{i}" for i in range(bands)]].to_numpy(),
                    rows[[f"_{level}_sig{i}" for i in range(c.num_bins)]].to_numpy(), fetch)
            prefix = "near_dup" if level == "record" else "prompt_near_dup"
            in_cluster = found.size > 1
            frame[f"{prefix}_cluster"] = np.where(in_cluster, ids[found.rep], None)
            frame[f"{prefix}_size"] = found.size
            frame[f"{prefix}_jaccard"] = found.max_jaccard
            summary[level] = cluster_summary(found, ids)
            if level == "record":
                flag = in_cluster & (found.rep != np.arange(len(ids)))
                score = np.where(in_cluster, 1.0 - found.max_jaccard, 1.0)
        frame.insert(0, f"is_{self.name}_issue", flag)
        frame.insert(1, f"{self.name}_score", np.clip(score, 0.0, 1.0))
        return self.result(frame, summary, {"bands_rows": list(finder.banding())})
