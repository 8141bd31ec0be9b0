"""Preference data checks: chosen vs rejected, length bias, prompts reused across many pairs, ranking
candidates that repeat each other, and the KTO label balance."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.text import join_turns
from workbench.model.turns import shared_strings
from workbench.quality import textops
from workbench.quality.base import Signal, SignalContext, SignalResult
from workbench.quality.exact_duplicates import exact_groups, normalised_keys


def _joined(table: pa.Table, column: str, rows: np.ndarray) -> pa.Array:
    """The turns of ``column`` joined, for ``rows`` only (taking one column, not whole records)."""
    return textops.as_strings(join_turns(table.column(column).take(pa.array(rows, pa.int64()))))


def similarity(a: pa.Array, b: pa.Array) -> np.ndarray:
    """Character-level similarity in [0, 1] of aligned texts (rapidfuzz's normalised Indel ratio)."""
    from rapidfuzz import fuzz, process

    if not len(a):
        return np.zeros(0)
    return process.cpdist(a.to_pylist(), b.to_pylist(), scorer=fuzz.ratio, workers=-1) / 100.0


def duplicate_candidates(table: pa.Table, rows: np.ndarray) -> np.ndarray:
    """For each row in ``rows``, whether two of its ranking candidates are the same normalised text."""
    out = np.zeros(len(rows), dtype=bool)
    if not len(rows):
        return out
    col = table.column("candidates").take(pa.array(rows, pa.int64()))
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    col = pc.fill_null(col, pa.scalar([], col.type))
    parent = pc.list_parent_indices(col).to_numpy(zero_copy_only=False).astype(np.int64)
    keys = normalised_keys(pc.list_flatten(col))
    ok = keys != 0
    pair = pd.DataFrame({"p": parent[ok], "k": keys[ok]})
    dup = pair.duplicated(keep="first").to_numpy()
    out[np.unique(pair["p"].to_numpy()[dup])] = True
    return out


class PreferenceSignal(Signal):
    """Columns: ``pref_similarity`` (chosen vs rejected), ``pref_identical``, ``pref_near_identical``,
    ``pref_chosen_longer``, ``pref_prompt_pairs`` (pairs sharing this prompt), ``pref_prompt_overused``,
    ``pref_duplicate_candidates``. Issue: identical or near-identical pair, an overused prompt, or
    repeated ranking candidates. Length bias is a dataset-level finding (summary only).
    """

    name = "preference"
    version = "2"  # 2: prompts_in_many_pairs counts normalised prompts (the groups), not raw strings
    batchable = True

    @dataclass(frozen=True)
    class Config:
        near_identical: float = 0.95
        max_pairs_per_prompt: int = 5

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        views = ctx.views(table)
        n, kinds = views.n, views.kinds
        pref = np.flatnonzero(kinds == "preference")
        sim = np.full(n, np.nan)
        identical = np.zeros(n, dtype=bool)
        longer = np.zeros(n, dtype=bool)
        equal_len = np.zeros(n, dtype=bool)
        prompt_key = np.zeros(n, dtype=np.uint64)
        if len(pref):
            chosen, rejected = _joined(table, "chosen", pref), _joined(table, "rejected", pref)
            ck, rk = normalised_keys(chosen), normalised_keys(rejected)
            identical[pref] = (ck == rk) & (ck != 0)
            sim[pref] = similarity(chosen, rejected)
            cw, rw = textops.word_counts(chosen), textops.word_counts(rejected)
            longer[pref], equal_len[pref] = cw > rw, cw == rw
            prompt_key[pref] = normalised_keys(views.prompt.take(pa.array(pref, pa.int64())))
        ranking = np.flatnonzero(kinds == "ranking")
        dup_cand = np.zeros(n, dtype=bool)
        dup_cand[ranking] = duplicate_candidates(table, ranking)
        return pd.DataFrame({"pref_similarity": np.round(sim, 4), "pref_identical": identical,
                             "pref_chosen_longer": longer, "pref_duplicate_candidates": dup_cand,
                             "_sim": sim, "_equal_length": equal_len, "_prompt_key": prompt_key})

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        """Pairs per prompt are counted over the whole data set."""
        c = self.config
        n = len(rows)
        kinds = shared_strings(keys.column("kind"))
        pref = np.flatnonzero(kinds == "preference")
        ranking = np.flatnonzero(kinds == "ranking")
        sim, identical = rows["_sim"].to_numpy(), rows["pref_identical"].to_numpy()
        longer, equal_len = rows["pref_chosen_longer"].to_numpy(), rows["_equal_length"].to_numpy()
        dup_cand = rows["pref_duplicate_candidates"].to_numpy()
        prompt_pairs = np.zeros(n, dtype=np.int64)
        prompt_key = rows["_prompt_key"].to_numpy()
        if len(pref):
            _, size = exact_groups(prompt_key[pref])
            prompt_pairs[pref] = size
        near = ~identical & (np.nan_to_num(sim) >= c.near_identical)
        overused = prompt_pairs > c.max_pairs_per_prompt
        issue = identical | near | overused | dup_cand
        score = np.where(identical, 0.0, np.where(near, 1.0 - np.nan_to_num(sim), 1.0))
        score = np.where(overused | dup_cand, np.minimum(score, 0.5), score)
        frame = pd.DataFrame({f"is_{self.name}_issue": issue, f"{self.name}_score": np.clip(score, 0, 1),
                              "pref_similarity": rows["pref_similarity"].to_numpy(), "pref_identical": identical,
                              "pref_near_identical": near, "pref_chosen_longer": longer,
                              "pref_prompt_pairs": prompt_pairs, "pref_prompt_overused": overused,
                              "pref_duplicate_candidates": dup_cand})
        kto = kinds == "kto"
        labels = pc.fill_null(keys.column("label"), False).to_numpy(zero_copy_only=False)
        pairs = len(pref)
        ids = keys.column("id").to_numpy(zero_copy_only=False)
        summary = {
            "applies": bool(pairs or len(ranking) or kto.any()),
            "pairs": pairs,
            "identical_pairs": int(identical.sum()),
            "near_identical_pairs": int(near.sum()),
            "chosen_longer_share": round(float(longer[pref].mean()), 4) if pairs else None,
            "equal_length_share": round(float(equal_len[pref].mean()), 4) if pairs else None,
            "prompts_in_many_pairs": int(len(np.unique(prompt_key[overused]))),
            "max_pairs_per_prompt": int(prompt_pairs.max()) if pairs else 0,
            "rankings": int(len(ranking)),
            "rankings_with_duplicate_candidates": int(dup_cand.sum()),
            "kto": {"records": int(kto.sum()),
                    "desirable_share": round(float(labels[kto].mean()), 4) if kto.any() else None},
            "examples": {"identical": textops.example_ids(ids, identical, 3),
                         "near_identical": textops.example_ids(ids, near, 3),
                         "prompt_overused": textops.example_ids(ids, overused, 3)},
        }
        return self.result(frame, summary)
