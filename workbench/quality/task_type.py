"""Task type of every record (``workbench.model.taxonomy``), English and Chinese, offline.

How: a linear classifier whose weights ship in ``quality/models/task_types.npz`` (trained by
``tools/train_task_types.py`` on public labelled prompts; its data card is ``task_types.json`` beside
it) scores the instruction view of the first user turn (``task_features``); explicit verb patterns
(``task_rules``, e.g. "translate ... into French", "写一首诗") and structure (several user turns lean
``chat``, a code fence in the response leans ``code``) are mixed into its probabilities. Inference is
numpy/scipy over stored arrays: no pickled estimator, no network, batch by batch.

A record whose best type is below ``other_below`` gets ``other``; an empty first turn gets ``other``
with confidence 0.
"""
from __future__ import annotations

import functools
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.taxonomy import OTHER, TASK_TYPES
from workbench.model.turns import gather_turns
from workbench.quality import task_features, task_rules
from workbench.quality.base import Signal, SignalContext, SignalResult

WEIGHTS = Path(__file__).with_name("models") / "task_types.npz"
CARD = WEIGHTS.with_suffix(".json")
RULE_WEIGHT = 0.45      # a verb-pattern hit is strong evidence, but a very sure model may still differ
CHAT_WEIGHT = 0.45      # several user turns lean chat (when no rule fired); a clearly typed first turn still wins
FENCE_WEIGHT = 0.3      # a code fence in the response leans code (when no rule fired)
OTHER_BELOW = 0.22      # best probability under this: the typer is unsure -> "other"
BATCH = 20_000


@functools.lru_cache(maxsize=2)
def load_weights(path: str | None = None) -> dict[str, np.ndarray]:
    """The shipped classifier as float32 arrays (cached per process). Raises a one-line error when the
    file is missing or was written for other feature settings."""
    p = Path(path) if path else WEIGHTS
    if not p.exists():
        raise FileNotFoundError(f"task-type weights not found at {p}; run tools/train_task_types.py")
    with np.load(p, allow_pickle=False) as z:
        w = {k: z[k] for k in z.files}
    prefix = int(w["prefix_tokens"]) if "prefix_tokens" in w else 0  # weights before v3 had no opening features
    if (int(w["n_hash"]) != task_features.N_HASH or int(w["max_tokens"]) != task_features.MAX_TOKENS
            or prefix != task_features.PREFIX_TOKENS):
        raise ValueError(f"{p} was trained with other feature settings; retrain it")
    out = {k: (v.astype(np.float32) if v.dtype.kind == "f" else v) for k, v in w.items()}
    out["classes"] = np.array([str(c) for c in w["classes"]], dtype=object)
    return out


def model_probabilities(first_turns, user_turns=None, responses=None,
                        weights: dict | None = None) -> tuple[pa.Array, np.ndarray]:
    """(instruction views, class probabilities) of the classifier alone; columns follow
    ``weights["classes"]``."""
    w = weights or load_weights()
    views, emb, ngrams, struct = task_features.featurize(first_turns, user_turns, responses)
    # the dense products in float64, rounded to float32 after: BLAS sums a row in an order that depends
    # on the batch's shape and the threads, and in float32 that moved confidences by ~1e-7 between a
    # whole-table run and a batch-by-batch one; in float64 the rounding hides it
    f64 = np.float64
    logits = (emb.astype(f64) @ w["coef_emb"].astype(f64) + np.asarray(ngrams @ w["coef_hash"], dtype=f64)
              + struct.astype(f64) @ w["coef_struct"].astype(f64) + w["intercept"].astype(f64))
    logits -= logits.max(axis=1, keepdims=True)
    prob = np.exp(logits)
    prob /= prob.sum(axis=1, keepdims=True)
    return views, prob.astype(np.float32)


def classify_task_types(first_turns, user_turns=None, responses=None, systems=None,
                        weights: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Task type and confidence of each prompt.

    Parameters
    ----------
    first_turns : sequence of str or Arrow string array
        The first user turn of each record (with an Alpaca ``input`` already appended after a blank line).
    user_turns : array of int, optional
        Number of user turns per record (>= 2 leans ``chat``).
    responses : sequence of str or Arrow string array, optional
        The response under review (a code fence leans ``code``).
    systems : sequence of str or Arrow string array, optional
        The system prompt (read by the ``chat`` and ``translation`` patterns only).

    Returns
    -------
    (labels, confidence) : object array of names from ``TASK_TYPES`` and float array in [0, 1].
    """
    first = task_features._strings(first_turns)
    resp = None if responses is None else task_features._strings(responses)
    syst = None if systems is None else task_features._strings(systems)
    n = len(first)
    turns = np.ones(n, np.int64) if user_turns is None else np.asarray(user_turns)
    labels = np.empty(n, dtype=object)
    conf = np.zeros(n, dtype=np.float64)
    w = weights or load_weights()

    def run(start: int) -> None:
        m = min(BATCH, n - start)
        sl = slice(start, start + m)
        labels[sl], conf[sl] = _classify_batch(first.slice(start, m), turns[sl],
                                               None if resp is None else resp.slice(start, m),
                                               None if syst is None else syst.slice(start, m), w)

    starts = range(0, n, BATCH)
    if len(starts) > 1:  # Arrow, numpy and scipy release the GIL: two batches at a time use both cores
        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            list(pool.map(run, starts))
    else:
        for start in starts:
            run(start)
    return labels, conf


def _classify_batch(first: pa.Array, turns: np.ndarray, resp, systems, w) -> tuple[np.ndarray, np.ndarray]:
    classes = list(w["classes"])
    n = len(first)
    views, prob = model_probabilities(first, turns, resp, w)
    hits = task_rules.rule_hits(views, systems)
    mix = prob.copy()
    for r, name in enumerate(task_rules.LABELS):
        rows = hits == r
        if rows.any():
            mix[rows] *= 1 - RULE_WEIGHT
            mix[rows, classes.index(name)] += RULE_WEIGHT
    free = hits < 0
    nudges = [(free & (turns >= 2), "chat", CHAT_WEIGHT)]
    if resp is not None:
        nudges.append((free & pc.match_substring(resp, "```").to_numpy(zero_copy_only=False), "code", FENCE_WEIGHT))
    for rows, name, weight in nudges:
        if rows.any():
            mix[rows] *= 1 - weight
            mix[rows, classes.index(name)] += weight
    best = mix.argmax(axis=1)
    conf = mix[np.arange(n), best]
    labels = np.array(classes, dtype=object)[best]
    empty = pc.equal(pc.utf8_length(views), 0).to_numpy(zero_copy_only=False)
    labels[(conf < OTHER_BELOW) | empty] = OTHER
    conf = np.where(empty, 0.0, conf)
    return labels, np.clip(conf, 0.0, 1.0)


def first_user_turns(table: pa.Table, views) -> tuple[pa.Array, np.ndarray, pa.Array]:
    """(first user turn, number of user turns, first system turn) of each record of ``table``."""
    turns = views.turns
    n = views.n
    is_user = turns.role == "user"
    is_system = turns.role == "system"
    first_user = np.full(n, -1, np.int64)
    first_system = np.full(n, -1, np.int64)
    idx = np.arange(len(turns))
    # reversed assignment leaves the *first* index of each record
    first_user[turns.parent[is_user][::-1]] = idx[is_user][::-1]
    first_system[turns.parent[is_system][::-1]] = idx[is_system][::-1]
    user_counts = np.bincount(turns.parent[is_user], minlength=n) if is_user.any() else np.zeros(n, np.int64)
    return (gather_turns([(turns.content, first_user)], n), user_counts,
            gather_turns([(turns.content, first_system)], n))


def task_types_of(table: pa.Table) -> np.ndarray:
    """Task type of every record of a canonical table (object array of names from ``TASK_TYPES``): the
    signal's ``task_type`` column without the rest of a signal run (export stratifies by it)."""
    from workbench.quality.textviews import TextViews

    views = TextViews(table)
    first, user_counts, system = first_user_turns(table, views)
    return classify_task_types(first, user_counts, views.response, system)[0]


class TaskTypeSignal(Signal):
    """Task type per record (see the module docstring).

    Columns: ``task_type`` (a name from ``workbench.model.taxonomy.TASK_TYPES``),
    ``task_type_confidence`` in [0, 1]. Score: the confidence. Issue: the type is ``other`` with
    confidence under ``unsure_below`` while the record has a prompt (a record nobody can place: worth a
    look, rarely an error).
    """

    name = "task_type"
    # 2: tokens no longer depend on pyarrow's whitespace split of a trailing space
    # 3: retrained with the prompt's opening tokens as features and Dolly passage tasks also without a passage
    version = "3"
    batchable = True

    @dataclass(frozen=True)
    class Config:
        unsure_below: float = 0.15

    def setup(self) -> None:
        load_weights()

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        views = ctx.views(table)
        first, user_counts, system = first_user_turns(table, views)
        labels, conf = classify_task_types(first, user_counts, views.response, system)
        has_prompt = pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(first)), 0).to_numpy(zero_copy_only=False)
        issue = (labels == OTHER) & (conf < self.config.unsure_below) & has_prompt
        return pd.DataFrame({f"is_{self.name}_issue": issue, f"{self.name}_score": conf,
                             "task_type": pd.Categorical(labels, categories=list(TASK_TYPES)).astype(str),
                             "task_type_confidence": conf})

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        labels = rows["task_type"].to_numpy()
        conf = rows["task_type_confidence"].to_numpy()
        counts = pd.Series(labels).value_counts()
        total = max(len(labels), 1)
        summary = {
            "task_types": {str(k): {"count": int(v), "share": round(int(v) / total, 4)} for k, v in counts.items()},
            "mean_confidence": float(conf.mean()) if len(conf) else 0.0,
            "taxonomy": list(TASK_TYPES),
        }
        info: dict[str, Any] = {"weights": WEIGHTS.name}
        if CARD.exists():
            info["card"] = {k: v for k, v in json.loads(CARD.read_text(encoding="utf-8")).items()
                            if k in ("trained", "sources", "sizes")}
        return self.result(rows, summary, info)
