"""Grouped, stratified, seeded train/val/test splits and the leakage check on what was written.

Groups are the union (connected components) of exact-duplicate groups, near-duplicate clusters and,
for preference / ranking / KTO data, records sharing a prompt; a group always lands in one split.
Within each stratum (category by default) the groups are dealt out so each split's count meets its
share of the stratum: target counts by largest remainder, multi-record groups placed largest first
(seeded tie-break) into the split that needs the most, then the singletons (usually almost all
records) shuffled with the seed and cut to fill the remaining need.

Why not scikit-learn's ``StratifiedGroupKFold``: it makes k equal folds (0.8/0.1/0.1 needs ten folds
merged), it needs one label per group, and it evaluates every fold for every group in a Python loop,
which is slow at a million groups. Here only multi-record groups take the loop; singletons are
assigned with array slicing, and shares come out within one record of the target per stratum.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from workbench.export.dedup import NEAR_THRESHOLD, duplicate_groups
from workbench.export.errors import ExportError
from workbench.export.rows import TableRows, concat_views
from workbench.model.names import check_name

SPLIT_NAMES = ("train", "val", "test")


def parse_splits(splits: Sequence[float] | Mapping[str, float] | str) -> dict[str, float]:
    """Split fractions by name: ``(0.8, 0.1, 0.1)``, ``"0.8,0.1,0.1"`` or ``{"train": .9, "test": .1}``.

    Two numbers mean train/test, three train/val/test. Raises ExportError unless they are
    non-negative and sum to 1, or when a name could not be a file name (``/``, ``..``, NUL, empty).
    """
    if isinstance(splits, str):
        try:
            splits = [float(x) for x in splits.split(",")]
        except ValueError:
            raise ExportError(f"splits {splits!r} must be numbers like 0.8,0.1,0.1") from None
    if isinstance(splits, Mapping):
        named = {check_name(k, "split name", ExportError): v for k, v in splits.items()}  # file names
    else:
        vals = list(splits)
        names = {1: ("train",), 2: ("train", "test"), 3: SPLIT_NAMES}.get(len(vals))
        if names is None:
            raise ExportError(f"give one to three split fractions (train, val, test), got {len(vals)}")
        named = dict(zip(names, vals))
    try:
        named = {k: float(v) for k, v in named.items()}
    except (TypeError, ValueError):
        raise ExportError(f"split fractions must be numbers, got {splits!r}") from None
    if any(not np.isfinite(v) or v < 0 for v in named.values()):
        raise ExportError(f"split fractions must be non-negative, got {named}")
    total = sum(named.values())
    if abs(total - 1.0) > 1e-6:
        shown = ", ".join(f"{k} {v:g}" for k, v in named.items())
        raise ExportError(f"split fractions must sum to 1, got {total:g} ({shown})")
    return {k: v for k, v in named.items() if v > 0}


def strata(table: pa.Table, stratify: str | None) -> np.ndarray:
    """The stratum of each row: a canonical column (``category``, ``kind``, ``label``), ``task_type``
    (inferred by the quality package's task typer) or a metadata key."""
    n = table.num_rows
    if stratify is None:
        return np.full(n, "all", dtype=object)
    if stratify == "task_type" and "task_type" not in table.column_names:
        from workbench.quality.task_type import task_types_of

        return task_types_of(table).astype(object) if n else np.zeros(0, dtype=object)
    if stratify in table.column_names:
        vals = table.column(stratify).to_pylist()
    else:
        vals = [json.loads(m).get(stratify) if m else None for m in table.column("metadata").to_pylist()]
    return np.array(["(none)" if v is None else str(v) for v in vals], dtype=object)


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers summing to ``total`` proportional to ``weights`` (largest remainder, ties to the first)."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    exact = total * w / w.sum()
    base = np.floor(exact).astype(np.int64)
    rest = total - int(base.sum())
    order = np.lexsort((np.arange(len(w)), -(exact - base)))
    base[order[:rest]] += 1
    return base


def _targets(records: np.ndarray, groups: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Records per (stratum, split): each stratum's and each split's total are both apportioned.

    Floors of the exact shares first; the remaining units go by largest remainder to cells whose
    stratum and split both still need one (so the split sizes match the fractions overall, not only
    within rounding per stratum); then every split gets at least one record of a stratum that has
    as many groups as there are splits.
    """
    exact = records[:, None] * fractions[None, :]
    t = np.floor(exact).astype(np.int64)
    rows = records - t.sum(axis=1)
    cols = apportion(int(records.sum()), fractions) - t.sum(axis=0)
    rem = exact - t
    cells = np.lexsort((np.arange(rem.size), -rem.ravel()))
    for cell in cells:
        s, k = divmod(int(cell), len(fractions))
        if rows[s] > 0 and cols[k] > 0:
            t[s, k] += 1
            rows[s] -= 1
            cols[k] -= 1
    for s in np.flatnonzero(rows > 0):  # only when the two totals cannot both be met
        t[s] += apportion(int(rows[s]), rem[s] + 1e-12)
    k = len(fractions)
    for s in np.flatnonzero((groups >= k) & (records >= k)):
        while (t[s] == 0).any():
            empty, full = int(np.argmin(t[s])), int(np.argmax(t[s]))
            t[s, full] -= 1
            t[s, empty] += 1
            donors = np.flatnonzero(t[:, empty] > 1)
            if len(donors):  # a swap with another stratum keeps every split's total
                # the donor whose counts move least away from its exact shares (one that is over in
                # `empty` and under in `full` moves closer), ties to the most records in `empty`
                e = exact[donors]
                worse = (np.abs(t[donors, empty] - 1 - e[:, empty]) - np.abs(t[donors, empty] - e[:, empty])
                         + np.abs(t[donors, full] + 1 - e[:, full]) - np.abs(t[donors, full] - e[:, full]))
                d = donors[np.lexsort((-t[donors, empty], worse))[0]]
                t[d, empty] -= 1
                t[d, full] += 1
    return t


def _place(size: int, counts: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Change in squared relative error per split if a group of ``size`` records went there."""
    t = np.maximum(targets, 1)
    return ((counts + size - targets) ** 2 - (counts - targets) ** 2) / t


def assign_splits(groups: np.ndarray, stratum: np.ndarray, fractions: Mapping[str, float],
                  seed: int = 0) -> np.ndarray:
    """The split name of every row; rows of one group always share a split.

    Multi-record groups are placed first, largest first (seeded order among equal sizes), each into
    the split that least increases the squared relative error of its stratum's counts plus that of
    the overall counts; then each stratum's singletons, shuffled with the seed, fill what its splits
    still need.

    Parameters
    ----------
    groups : ndarray of int
        Group label per row (see :func:`record_groups`).
    stratum : ndarray
        Stratum per row; a group's stratum is its most common one (ties: the first in sort order).
    fractions : mapping
        Split name -> fraction (summing to 1).
    seed : int
        Seeds the order of equal-sized groups and the order singletons are dealt in.

    The result depends on the rows' order, not on the label values; :func:`export` sorts rows by
    record id first, so its splits do not depend on the input's order at all.
    """
    names = list(fractions)
    frac = np.array([fractions[n] for n in names], dtype=float)
    n = len(groups)
    if n == 0:
        return np.array([], dtype=object)
    g_ids, first_row, g_of_row = np.unique(groups, return_index=True, return_inverse=True)
    # number groups by their first row, so the label values themselves never matter
    g_of_row = np.argsort(np.argsort(first_row))[g_of_row]
    s_ids, s_of_row = np.unique(stratum.astype(str), return_inverse=True)
    # dominant stratum of each group: most rows, ties to the smallest stratum name
    pair = g_of_row.astype(np.int64) * len(s_ids) + s_of_row
    uniq, cnt = np.unique(pair, return_counts=True)
    pg, ps = uniq // len(s_ids), uniq % len(s_ids)
    best = np.lexsort((ps, -cnt, pg))
    first = np.r_[True, pg[best][1:] != pg[best][:-1]]
    g_stratum = np.empty(len(g_ids), dtype=np.int64)
    g_stratum[pg[best][first]] = ps[best][first]
    sizes = np.bincount(g_of_row, minlength=len(g_ids))
    rng = np.random.default_rng(seed)
    s_targets = _targets(np.bincount(g_stratum, weights=sizes, minlength=len(s_ids)).astype(np.int64),
                         np.bincount(g_stratum, minlength=len(s_ids)), frac)
    g_targets = apportion(n, frac)
    s_counts = np.zeros_like(s_targets)
    g_counts = np.zeros(len(names), dtype=np.int64)
    g_split = np.empty(len(g_ids), dtype=np.int64)
    order = rng.permutation(len(g_ids))
    order = order[np.argsort(-sizes[order], kind="stable")]
    for g in order[sizes[order] > 1]:
        st, size = g_stratum[g], int(sizes[g])
        cost = _place(size, s_counts[st], s_targets[st]) + _place(size, g_counts, g_targets)
        k = int(np.argmin(cost))
        g_split[g] = k
        s_counts[st, k] += size
        g_counts[k] += size
    single = order[sizes[order] == 1]
    for st in range(len(s_ids)):
        mine = single[g_stratum[single] == st]
        need = np.clip(s_targets[st] - s_counts[st], 0, None)
        take = apportion(len(mine), need if need.sum() else s_targets[st].astype(float) + 1e-12)
        g_split[mine] = np.repeat(np.arange(len(names)), take)
    return np.array(names, dtype=object)[g_split[g_of_row]]


def record_groups(table: pa.Table, near_threshold: float | None = NEAR_THRESHOLD,
                  semantic_threshold: float | None = None) -> np.ndarray:
    """Group label per row: exact duplicates, near duplicates, shared prompts and (when a threshold
    is given) semantic duplicates joined."""
    return duplicate_groups(table, near_threshold, semantic_threshold).components()


def leakage_check(splits: Mapping[str, Any], near_threshold: float | None = NEAR_THRESHOLD,
                  semantic_threshold: float | None = None) -> dict[str, Any]:
    """Recompute exact and near duplicates and shared prompts ACROSS splits; every count must be 0.

    Parameters
    ----------
    splits : mapping
        Split name -> canonical ``pyarrow.Table``, ``Dataset``, a file/folder ``workbench.io.load``
        reads (a written split), or :class:`~workbench.export.rows.TableRows` of one table (what
        ``export`` passes: the records are then read a batch at a time).
    near_threshold : float or None
        As for the split grouping (None skips near duplicates, and the result says so).
    semantic_threshold : float or None
        As for the split grouping: when given, semantic-duplicate groups are checked too
        (``semantic_groups_across_splits``).

    Returns
    -------
    dict
        ``exact_groups_across_splits``, ``near_clusters_across_splits``,
        ``shared_prompts_across_splits`` (and ``semantic_groups_across_splits``), ``records_checked``,
        ``near_threshold``, ``semantic_threshold`` and ``ok``.
    """
    names, parts = list(splits), list(splits.values())
    union: pa.Table | TableRows
    if parts and all(isinstance(p, TableRows) and p.base is parts[0].base for p in parts):
        union = concat_views(parts)  # an export's splits: read from its table a batch at a time
        sizes = [len(p) for p in parts]
    else:
        tables = [_as_table(p) for p in parts]
        sizes = [t.num_rows for t in tables]
        union = pa.concat_tables([t.select(["kind", "messages", "chosen", "rejected", "candidates", "completion"])
                                  for t in tables]) if tables else pa.table({})
    which = np.unique(np.array(names, dtype=object).astype(str), return_inverse=True)[1]
    which = np.repeat(which, sizes)
    dup = duplicate_groups(union, near_threshold, semantic_threshold) if union.num_rows else None

    def spanning(labels: np.ndarray) -> int:
        ok = labels >= 0
        if not ok.any():
            return 0
        pairs = np.unique(np.c_[labels[ok], which[ok]], axis=0)
        lab, per = np.unique(pairs[:, 0], return_counts=True)
        return int((per > 1).sum())

    out = {"records_checked": int(union.num_rows), "near_threshold": near_threshold,
           "exact_groups_across_splits": spanning(dup.exact) if dup else 0,
           "near_clusters_across_splits": spanning(dup.near) if dup and near_threshold is not None else 0,
           "shared_prompts_across_splits": spanning(dup.prompt) if dup else 0}
    if semantic_threshold is not None:
        out["semantic_threshold"] = semantic_threshold
        out["semantic_groups_across_splits"] = spanning(dup.semantic) if dup else 0
    out["ok"] = not any(out[k] for k in out if k.endswith("_across_splits"))
    if near_threshold is None:
        out["note"] = "near-duplicate detection was switched off for this export"
    return out


def _as_table(part: Any) -> pa.Table:
    if isinstance(part, pa.Table):
        return part
    if isinstance(part, TableRows):
        return part.to_table()
    if hasattr(part, "table"):
        return part.table
    if isinstance(part, (str, Path)):
        from workbench.io import load

        return load(part).table
    raise TypeError(f"a split must be a table, Dataset or path, got {type(part).__name__}")


def split_counts(split_of_row: np.ndarray, stratum: np.ndarray,
                 names: Sequence[str]) -> dict[str, dict[str, int]]:
    """Rows per stratum in each split (every split named, strata sorted)."""
    out: dict[str, dict[str, int]] = {}
    for name in names:
        vals, cnt = np.unique(stratum[split_of_row == name].astype(str), return_counts=True)
        out[name] = {str(v): int(c) for v, c in zip(vals, cnt)}
    return out
