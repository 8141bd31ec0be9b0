"""Agreement for every annotation kind.

=============  ====================================================  ===================================
kind           value in the long table                               metrics
=============  ====================================================  ===================================
rating         number (or ordinal label with a declared ``order``)   ordinal + interval alpha, weighted
                                                                     kappa matrix, exact agreement
category       a label                                               nominal alpha, Fleiss / Randolph
                                                                     kappa, kappa matrix, agreement
tags           list of tags (multi-label)                            per-tag binary alpha / agreement
preference     ``{"choice": "A"|"B"|"tie", "order": [ids shown]}``    nominal alpha etc. on the chosen
                                                                     candidate (display order undone)
ranking        ``{"ranking": [best, ..., worst]}`` (ties: nested      Kendall's W per item, pairwise
               lists) or ``{"ranking": {id: rank}}``                 preference agreement
text           edited text                                           mean pairwise similarity
=============  ====================================================  ===================================

Values stored as JSON strings (``'{"choice": "A", ...}'``) are parsed first.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from .alpha import krippendorff_alpha
from .kappa import cohen_kappa_matrix, fleiss_kappa, percent_agreement, randolph_kappa
from .tables import encode, select_field, value_counts
from .values import (
    KINDS,
    VALUE_KINDS,
    _is_missing,
    _parse,
    canonical_matrix,
    infer_kind,
    normalize_kind,
    preference_label,
    ranking_ranks,
)

try:  # pragma: no cover - exercised when rapidfuzz is installed
    from rapidfuzz.fuzz import ratio as _rf_ratio
except ImportError:  # pragma: no cover
    _rf_ratio = None  # type: ignore[assignment]

__all__ = [
    "VALUE_KINDS",
    "KINDS",
    "infer_kind",
    "normalize_kind",
    "preference_label",
    "ranking_ranks",
    "kendall_w",
    "pairwise_preference_agreement",
    "text_similarity",
    "canonical_matrix",
    "field_agreement",
    "tag_matrices",
]


def kendall_w(ranks: Any) -> float:
    """Kendall's coefficient of concordance W with the tie correction.

    Parameters
    ----------
    ranks : array-like, shape (m annotators, n candidates)
        Ranks or scores per annotator (lower = better); each row is re-ranked with mid-ranks.

    Returns
    -------
    float
        ``W = 12 S / (m^2 (n^3 - n) - m sum T)``, 1 for perfect agreement; NaN if undefined.
    """
    from scipy.stats import rankdata

    r = np.asarray(ranks, dtype=float)
    if r.ndim != 2 or r.shape[0] < 2 or r.shape[1] < 2 or np.isnan(r).any():
        return float("nan")
    m, n = r.shape
    r = rankdata(r, axis=1, method="average")
    ties = 0.0
    for row in r:
        _, t = np.unique(row, return_counts=True)
        ties += float((t**3 - t).sum())
    s = float(((r.sum(axis=0) - m * (n + 1) / 2.0) ** 2).sum())
    denom = m * m * (n**3 - n) - m * ties
    return float(12.0 * s / denom) if denom > 0 else float("nan")


def pairwise_preference_agreement(rankings: Sequence[dict[Any, float]]) -> float:
    """Mean share of candidate pairs ordered the same way (incl. ties) by two annotators.

    Averaged over annotator pairs, on the candidates both ranked; NaN with fewer than two rankings.
    """
    shares = []
    for ra, rb in combinations(rankings, 2):
        common = [c for c in ra if c in rb]
        if len(common) < 2:
            continue
        a = np.array([ra[c] for c in common])
        b = np.array([rb[c] for c in common])
        i, j = np.triu_indices(len(common), k=1)
        shares.append(np.mean(np.sign(a[i] - a[j]) == np.sign(b[i] - b[j])))
    return float(np.mean(shares)) if shares else float("nan")


def text_similarity(a: str, b: str) -> float:
    """Similarity of two texts in [0, 1] (``rapidfuzz.fuzz.ratio`` / 100, else difflib)."""
    if _rf_ratio is not None:
        return float(_rf_ratio(a, b)) / 100.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _scalar_metrics(matrix: pd.DataFrame, weights: str | None, min_shared: int) -> dict[str, Any]:
    km = cohen_kappa_matrix(matrix, weights=weights, min_shared=min_shared)
    return {"percent_agreement": percent_agreement(matrix), "mean_pairwise_kappa": km.mean(),
            "kappa_matrix": km}


def _counts(matrix: pd.DataFrame) -> np.ndarray:
    codes, domain = encode(matrix)
    return value_counts(codes, max(len(domain), 1))


def _per_record(long: pd.DataFrame, field: str | None, kind: str) -> pd.DataFrame:
    df = select_field(long, field)
    rows = []
    for rid, grp in df.groupby("record_id", sort=True):
        vals = [v for v in (_parse(x) for x in grp["value"]) if not _is_missing(v)]
        if kind == "ranking":
            ranked = [ranking_ranks(v) for v in vals]
            common = [c for c in ranked[0] if all(c in r for r in ranked)] if ranked else []
            w = kendall_w([[r[c] for c in common] for r in ranked]) if len(common) >= 2 else float("nan")
            rows.append({"record_id": rid, "kendall_w": w,
                         "pairwise_agreement": pairwise_preference_agreement(ranked),
                         "n_annotators": len(vals), "n_candidates": len(common)})
        else:
            sims = [text_similarity(str(a), str(b)) for a, b in combinations(vals, 2)]
            rows.append({"record_id": rid, "similarity": float(np.mean(sims)) if sims else float("nan"),
                         "n_annotators": len(vals)})
    return pd.DataFrame(rows)


def field_agreement(
    long: pd.DataFrame,
    field: str | None = None,
    kind: str | None = None,
    order: Sequence[Any] | None = None,
    weights: str | None = "quadratic",
    min_shared: int = 2,
) -> dict[str, Any]:
    """All agreement metrics of one field for its annotation kind.

    Parameters
    ----------
    long : DataFrame
        Long annotation table.
    field : str, optional
        Field to measure (optional for a single-field table).
    kind : str, optional
        One of :data:`VALUE_KINDS` (inferred from the values when omitted).
    order : sequence, optional
        Declared order of ordinal rating labels.
    weights : {None, "linear", "quadratic"}
        Weighting of the kappa matrix for ratings.
    min_shared : int
        Minimum shared items for a pairwise kappa.

    Returns
    -------
    dict
        Always ``kind``, ``n_items``, ``n_annotators``, ``n_items_multi`` (items with >= 2
        annotations) plus the kind's metrics (floats, NaN when undefined), a ``KappaMatrix`` under
        ``kappa_matrix`` for scalar kinds and a ``per_tag`` / ``per_item`` DataFrame for tags,
        rankings and texts.
    """
    df = select_field(long, field)
    kind = normalize_kind(kind) if kind else infer_kind(df["value"].tolist())
    per_item = df.groupby("record_id")["value"].apply(lambda s: int(sum(not _is_missing(v) for v in s)))
    out: dict[str, Any] = {
        "kind": kind, "n_items": int(per_item.size), "n_annotators": int(df["annotator"].nunique()),
        "n_items_multi": int((per_item >= 2).sum()),
    }
    if kind in ("ranking", "text"):
        rec = _per_record(df, None, kind)
        multi = rec[rec["n_annotators"] >= 2] if len(rec) else rec
        if kind == "ranking":
            out["kendall_w"] = _nanmean(multi.get("kendall_w"))
            out["pairwise_preference_agreement"] = _nanmean(multi.get("pairwise_agreement"))
        else:
            out["mean_similarity"] = _nanmean(multi.get("similarity"))
        out["per_item"] = rec
        return out
    matrix = canonical_matrix(df, None, kind, order=order)
    if kind == "rating":
        out["alpha_ordinal"] = krippendorff_alpha(matrix, "ordinal")
        out["alpha_interval"] = krippendorff_alpha(matrix, "interval")
        out.update(_scalar_metrics(matrix, weights, min_shared))
    elif kind in ("category", "preference"):
        out["alpha_nominal"] = krippendorff_alpha(matrix, "nominal")
        counts = _counts(matrix)
        out["fleiss_kappa"] = fleiss_kappa(counts, counts=True)
        out["randolph_kappa"] = randolph_kappa(counts, counts=True)
        out.update(_scalar_metrics(matrix, None, min_shared))
        if kind == "preference":
            vals = [v for v in matrix.to_numpy().ravel() if v is not None]
            out["tie_rate"] = float(np.mean([v == "tie" for v in vals])) if vals else float("nan")
    else:  # tags
        out.update(_tag_metrics(matrix))
    return out


def tag_matrices(matrix: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per-tag binary matrices (1 tagged, 0 annotated without the tag, NaN not annotated)."""
    arr = matrix.to_numpy(dtype=object)
    annotated = ~pd.isna(arr)
    tags = sorted({t for v in arr[annotated] for t in v})
    out = {}
    for tag in tags:
        b = np.full(arr.shape, np.nan)
        b[annotated] = [float(tag in v) for v in arr[annotated]]
        out[tag] = pd.DataFrame(b, index=matrix.index, columns=matrix.columns)
    return out


def _tag_metrics(matrix: pd.DataFrame) -> dict[str, Any]:
    rows = []
    for tag, b in tag_matrices(matrix).items():
        vals = b.to_numpy()
        multi = (~np.isnan(vals)).sum(axis=0) >= 2
        rows.append({"tag": tag, "alpha_nominal": krippendorff_alpha(vals, "nominal"),
                     "percent_agreement": percent_agreement(vals),
                     "prevalence": float(np.nanmean(vals)), "n_items": int(multi.sum())})
    columns = ["tag", "alpha_nominal", "percent_agreement", "prevalence", "n_items"]
    per_tag = pd.DataFrame(rows, columns=columns)
    return {"alpha_nominal_macro": _nanmean(per_tag["alpha_nominal"]),
            "exact_set_agreement": percent_agreement(matrix), "per_tag": per_tag}


def _nanmean(values: Any) -> float:
    if values is None:
        return float("nan")
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    return float(v.mean()) if v.size else float("nan")
