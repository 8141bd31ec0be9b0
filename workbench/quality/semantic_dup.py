"""Semantic near-duplicates: prompts that say the same thing in other words, which MinHash cannot see.

Each prompt (the user turns) is embedded with the static WordLlama model (``quality.embed``); two
prompts are duplicates when their cosine similarity reaches ``threshold``; groups are the connected
components of those pairs. The default 0.75 was measured (``benchmarks/bench_semantic_dup.py``): it
links 20 of 21 hand-written paraphrases of MT-bench questions and 81% of 500 rule-built paraphrases of
Alpaca instructions (MinHash: none), with precision 0.91 and 0.98 on the pairs touching them;
unrelated MT-bench questions score at most 0.60. Above it a real instruction set also shows its
template families ("calculate the tip for a $50 bill" / "... $100 bill") and some same-subject
requests, which a reviewer wants to see; raise the threshold for fewer, closer pairs.

Scale, in bounded memory: exact copies (same lower-cased, trimmed prompt) are embedded and searched
once. Up to ``block`` distinct prompts are compared all against all (one matrix product per block of
rows). Beyond that the prompts are split into blocks by a seeded k-means over the embeddings (about
``block`` prompts per centre) and each prompt is compared with the members of its own block and of its
second-nearest block (an inverted-file search with two probes): a pair is found when one of the two
lies in the other's nearest or second-nearest block, which close paraphrases almost
always do. Each prompt keeps at most ``max_neighbours`` pairs, so a huge template family cannot explode
the pair count.

Prompts shorter than ``min_chars`` ("hi", "continue") are left out: their embeddings say too little.
Records of preference, KTO and ranking data share their prompt by design; pairs of such records with the
same prompt are not counted (export groups them by shared prompt anyway).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.turns import as_strings
from workbench.quality import minhash
from workbench.quality.base import Signal, SignalContext, SignalResult

PAIRED_KINDS = ("preference", "kto", "ranking")


@dataclass
class SemanticDuplicates:
    """The outcome of one search over ``n`` texts.

    Attributes
    ----------
    rep : ndarray[int64]
        Each text's group representative (its smallest position; itself when it has no duplicate).
    size : ndarray[int64]
        Size of each text's group.
    max_cosine : ndarray[float32]
        Highest cosine similarity to a duplicate (0 when none).
    pair_a, pair_b, pair_cosine : ndarray
        The pairs found (positions, a < b), most similar first.
    """

    rep: np.ndarray
    size: np.ndarray
    max_cosine: np.ndarray
    pair_a: np.ndarray
    pair_b: np.ndarray
    pair_cosine: np.ndarray

    def groups(self) -> np.ndarray:
        """Group label per text, -1 for texts in no group (the shape ``export.dedup`` uses)."""
        return np.where(self.size > 1, self.rep, -1).astype(np.int64)


@dataclass(frozen=True)
class SemanticDuplicateFinder:
    """Cosine-threshold search over embeddings (see the module docstring)."""

    threshold: float = 0.75
    min_chars: int = 20
    block: int = 2_000
    max_neighbours: int = 10
    seed: int = 0

    def find(self, texts, vectors: np.ndarray | None = None, exclude: np.ndarray | None = None) -> SemanticDuplicates:
        """Search ``texts`` (or their precomputed unit ``vectors``) for semantic duplicates.

        ``exclude`` (optional, int labels per text, -1 = none): pairs of texts with the same
        label >= 0 are not counted (used for records sharing a prompt by design).
        """
        arr = as_strings(texts)
        n = len(arr)
        key = pc.utf8_lower(pc.utf8_trim_whitespace(arr))
        long_enough = pc.utf8_length(key).to_numpy(zero_copy_only=False) >= self.min_chars
        codes = pc.dictionary_encode(key).indices.to_numpy(zero_copy_only=False).astype(np.int64)
        # one search per distinct prompt: exact copies are linked to their first occurrence afterwards
        _, first = np.unique(codes, return_index=True)
        cand = first[long_enough[first]]
        # distinct prompts in text order, not row order: the blocks (and so the pairs found) depend on the
        # content only, so export's leakage check, which reads the rows in another order, finds the same groups
        uniq = cand[pc.sort_indices(key.take(pa.array(cand, pa.int64()))).to_numpy()]
        if vectors is None:
            from workbench.quality.embed import embed_texts

            vec = embed_texts(arr.take(pa.array(uniq)).to_pylist())
        else:
            vec = np.asarray(vectors[uniq], dtype=np.float32)
        a, b, cos = self._pairs(vec)
        a, b = np.minimum(uniq[a], uniq[b]), np.maximum(uniq[a], uniq[b])
        # exact copies: every later occurrence joins its first one, at similarity 1
        first_of = first[codes]
        copies = np.flatnonzero((first_of != np.arange(n)) & long_enough)
        a = np.concatenate([a, first_of[copies]])
        b = np.concatenate([b, copies])
        cos = np.concatenate([cos, np.ones(len(copies), np.float32)])
        if exclude is not None and len(a):
            keep = ~((exclude[a] >= 0) & (exclude[a] == exclude[b]))
            a, b, cos = a[keep], b[keep], cos[keep]
        rep = minhash.components(n, a, b) if n else np.zeros(0, np.int64)
        size = np.bincount(rep, minlength=n)[rep] if n else np.zeros(0, np.int64)
        best = np.zeros(n, dtype=np.float32)
        if len(a):
            np.maximum.at(best, a, cos)
            np.maximum.at(best, b, cos)
        order = np.argsort(-cos, kind="stable")
        return SemanticDuplicates(rep, size, best, a[order], b[order], cos[order])

    def _pairs(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs (i < j) of rows of ``x`` with cosine >= threshold."""
        m = len(x)
        if m < 2:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
        if m <= 2 * self.block:
            parts = [self._block_pairs(x, np.arange(m), np.arange(m))]
        else:
            parts = self._blocked_pairs(x)
        a, b, cos = (np.concatenate(p) for p in zip(*parts))
        _, idx = np.unique(a * m + b, return_index=True)  # a pair seen from both sides counts once
        return a[idx], b[idx], cos[idx]

    def _blocked_pairs(self, x: np.ndarray) -> list:
        home, second = self._blocks(x)
        parts = []
        for c in range(int(home.max()) + 1):
            refs = np.flatnonzero(home == c)
            queries = np.flatnonzero((home == c) | (second == c))
            if len(refs) and len(queries):
                for r0 in range(0, len(refs), 10 * self.block):  # bounded memory for an oversized block
                    parts.append(self._block_pairs(x, queries, refs[r0:r0 + 10 * self.block]))
        return parts

    def _blocks(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest and second-nearest k-means centre of every row (about ``block`` rows per centre)."""
        from sklearn.cluster import MiniBatchKMeans

        m = len(x)
        k = max(2, m // self.block)
        rng = np.random.default_rng(self.seed)
        fit = x[np.sort(rng.choice(m, size=min(m, 50 * k + 10_000), replace=False))]
        centres = MiniBatchKMeans(k, random_state=self.seed, n_init=1, batch_size=4096).fit(fit).cluster_centers_
        centres = centres.astype(np.float32)
        home = np.empty(m, dtype=np.int64)
        second = np.empty(m, dtype=np.int64)
        for lo in range(0, m, 20_000):
            d = x[lo:lo + 20_000] @ centres.T
            top2 = np.argpartition(-d, 1, axis=1)[:, :2]
            first_is_best = np.take_along_axis(d, top2[:, :1], 1) >= np.take_along_axis(d, top2[:, 1:], 1)
            home[lo:lo + len(d)] = np.where(first_is_best[:, 0], top2[:, 0], top2[:, 1])
            second[lo:lo + len(d)] = np.where(first_is_best[:, 0], top2[:, 1], top2[:, 0])
        return home, second

    def _block_pairs(self, x: np.ndarray, queries: np.ndarray, refs: np.ndarray):
        """Pairs between ``queries`` and ``refs`` (positions in ``x``) above the threshold, i < j."""
        out_a, out_b, out_c = [], [], []
        ref_x = x[refs]
        for lo in range(0, len(queries), self.block):
            q = queries[lo:lo + self.block]
            sims = x[q] @ ref_x.T
            sims[q[:, None] == refs[None, :]] = 0.0  # a text is not its own duplicate
            if sims.shape[1] > self.max_neighbours:  # keep each query's strongest neighbours only
                cut = np.partition(sims, sims.shape[1] - self.max_neighbours, axis=1)[:, -self.max_neighbours]
                sims[sims < cut[:, None]] = 0.0
            qi, ri = np.nonzero(sims >= self.threshold)
            i, j = q[qi], refs[ri]
            out_a.append(np.minimum(i, j))
            out_b.append(np.maximum(i, j))
            out_c.append(sims[qi, ri].astype(np.float32))
        return np.concatenate(out_a), np.concatenate(out_b), np.concatenate(out_c)


def semantic_groups(table: pa.Table, threshold: float = 0.75) -> np.ndarray:
    """Semantic-duplicate group label per row of a canonical table (-1 for none), by prompt.

    The same labels as the signal's ``semantic_dup_cluster`` (up to renaming), in the shape of
    ``export.dedup.near_clusters``, so a split can keep each group in one split.
    """
    from workbench.quality.textviews import TextViews

    return SemanticDuplicateFinder(threshold).find(TextViews(table).prompt, exclude=_shared_prompts(table)).groups()


def _shared_prompts(table: pa.Table) -> np.ndarray:
    """Exact-prompt labels of paired records (preference, KTO, ranking); -1 for every other record."""
    kinds = table.column("kind").to_numpy(zero_copy_only=False)
    paired = np.isin(kinds, PAIRED_KINDS)
    out = np.full(table.num_rows, -1, dtype=np.int64)
    if paired.any():
        from workbench.quality.textviews import TextViews

        prompts = pc.utf8_lower(pc.utf8_trim_whitespace(TextViews(table).prompt))
        codes = pc.dictionary_encode(prompts).indices.to_numpy(zero_copy_only=False).astype(np.int64)
        out[paired] = codes[paired]
    return out


class SemanticDuplicateSignal(Signal):
    """Semantic duplicates of prompts (see the module docstring).

    Columns: ``semantic_dup_cluster`` (the representative's id, None when the record has none),
    ``semantic_dup_size`` and ``semantic_dup_cosine`` (best similarity to a duplicate). A record is an
    issue when it is in a group and is not its representative; the score is ``1 - cosine``.
    """

    name = "semantic_dup"
    version = "1"

    @dataclass(frozen=True)
    class Config(SemanticDuplicateFinder):
        """The finder's settings (the config is the finder) plus the example pairs the summary shows."""

        examples: int = 10

    def setup(self) -> None:
        from workbench.quality.embed import model

        model()

    def compute(self, table: pa.Table, ctx: SignalContext) -> SignalResult:
        c = self.config
        found = c.find(ctx.views(table).prompt, exclude=_shared_prompts(table))
        ids = table.column("id").to_numpy(zero_copy_only=False).astype(object)
        n = len(ids)
        in_group = found.size > 1
        flag = in_group & (found.rep != np.arange(n))
        frame = pd.DataFrame({
            f"is_{self.name}_issue": flag,
            f"{self.name}_score": np.where(in_group, np.clip(1.0 - found.max_cosine, 0.0, 1.0), 1.0),
            "semantic_dup_cluster": np.where(in_group, ids[found.rep], None),
            "semantic_dup_size": found.size,
            "semantic_dup_cosine": found.max_cosine,
        })
        # examples for the report: paraphrases first (pairs that are not exact copies)
        para = np.flatnonzero(found.pair_cosine < 0.9999)
        shown = np.concatenate([para, np.flatnonzero(found.pair_cosine >= 0.9999)])[:c.examples]
        reps = np.unique(found.rep[in_group])
        summary = {
            "threshold": c.threshold,
            "groups": int(len(reps)),
            "rows_in_groups": int(in_group.sum()),
            "extra_rows": int(flag.sum()),
            "pairs": int(len(found.pair_a)),
            "paraphrase_pairs": int(len(para)),
            "examples": [{"a": str(ids[found.pair_a[i]]), "b": str(ids[found.pair_b[i]]),
                          "similarity": round(float(found.pair_cosine[i]), 4)} for i in shown],
        }
        return self.result(frame, summary, {"model": "wordllama l2_supercat 256-d", "min_chars": c.min_chars})
