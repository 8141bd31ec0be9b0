"""Annotator quality from a long annotation table.

Gold accuracy, leniency, majority disagreement, drift over a session and agreement per category
(to find unclear guidelines); the calibration report and the adjudication queue are in
:mod:`.adjudication`.  Values are compared in their canonical form (see
:func:`workbench.agreement.values.canonical_matrix`): a preference is
the candidate chosen (display order undone), tags a sorted tuple, ratings numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .alpha import krippendorff_alpha
from .interpret import interpret
from .kappa import percent_agreement
from .tables import encode, select_field, value_counts
from .values import _canonical, canonical_matrix, infer_kind, normalize_kind

__all__ = [
    "gold_accuracy",
    "leniency",
    "majority_disagreement",
    "drift",
    "per_category_agreement",
]


def _kind(df: pd.DataFrame, kind: str | None) -> str:
    return normalize_kind(kind) if kind else infer_kind(df["value"].tolist())


def _rating_value(v: Any, order: Sequence[Any] | None) -> float:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return float("nan")
    return float(list(order).index(v)) if order is not None else float(v)


def gold_accuracy(
    long: pd.DataFrame,
    gold: pd.DataFrame,
    field: str | None = None,
    kinds: Mapping[str, str] | None = None,
    order: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Each annotator's accuracy on the gold items.

    Parameters
    ----------
    long : DataFrame
        Long annotation table.
    gold : DataFrame
        Expert answers: ``record_id, field, value`` (``field`` optional for a single-field table).
    field : str, optional
        Restrict to one field.
    kinds : mapping, optional
        Field -> kind (inferred when absent).
    order : sequence, optional
        Declared order of ordinal rating labels.

    Returns
    -------
    DataFrame
        ``annotator, field, kind, n_gold, accuracy`` (exact match) and, for ratings, ``mae`` (mean
        absolute distance) and ``within_1`` (share within one scale point); NaN otherwise.
    """
    key = ["record_id", "field"] if "field" in long.columns and "field" in gold.columns else ["record_id"]
    fields = [field] if field is not None else (sorted(long["field"].unique()) if "field" in key else [None])
    rows = []
    for f in fields:
        df = select_field(long, f)
        g = gold[gold["field"] == f] if f is not None and "field" in gold.columns else gold
        g = g.drop_duplicates("record_id", keep="last")
        kind = (kinds or {}).get(f) or _kind(df, None)  # type: ignore[arg-type]  # a narrowing mypy cannot follow
        kind = normalize_kind(kind)
        merged = df.merge(g[["record_id", "value"]].rename(columns={"value": "gold"}), on="record_id")
        if merged.empty:
            continue
        mine = [_canonical(v, kind) for v in merged["value"]]
        ref = [_canonical(v, kind) for v in merged["gold"]]
        merged = merged.assign(correct=[float(a == b) for a, b in zip(mine, ref)])
        if kind == "rating":
            dist = np.abs([_rating_value(a, order) - _rating_value(b, order) for a, b in zip(mine, ref)])
            merged = merged.assign(abs_err=dist, within=(dist <= 1).astype(float))
        for ann, grp in merged.groupby("annotator", sort=True):
            rows.append({"annotator": ann, "field": f, "kind": kind, "n_gold": len(grp),
                         "accuracy": grp["correct"].mean(),
                         "mae": grp["abs_err"].mean() if kind == "rating" else np.nan,
                         "within_1": grp["within"].mean() if kind == "rating" else np.nan})
    return pd.DataFrame(rows, columns=["annotator", "field", "kind", "n_gold", "accuracy", "mae", "within_1"])


def _others_median(x: np.ndarray, i: int) -> np.ndarray:
    others = np.delete(x, i, axis=0)
    med = np.full(x.shape[1], np.nan)
    has = (~np.isnan(others)).any(axis=0)
    if has.any():
        med[has] = np.nanmedian(others[:, has], axis=0)
    return med


def leniency(
    long: pd.DataFrame, field: str | None = None, order: Sequence[Any] | None = None
) -> pd.DataFrame:
    """Mean rating minus the consensus (median of the other annotators) per annotator.

    Positive = more lenient than the rest, negative = harsher.  Only items rated by the annotator
    and at least one other count.  Returns ``annotator, leniency, n_items, mean_rating``.
    """
    m = canonical_matrix(long, field, "rating", order=order)
    x = m.to_numpy(dtype=float)
    rows = []
    for i, ann in enumerate(m.index):
        dev = x[i] - _others_median(x, i)
        dev = dev[~np.isnan(dev)]
        own = x[i][~np.isnan(x[i])]
        rows.append({"annotator": ann, "leniency": float(dev.mean()) if dev.size else np.nan,
                     "n_items": int(dev.size), "mean_rating": float(own.mean()) if own.size else np.nan})
    return pd.DataFrame(rows, columns=["annotator", "leniency", "n_items", "mean_rating"])


def majority_disagreement(
    long: pd.DataFrame, field: str | None = None, kind: str | None = None, order: Sequence[Any] | None = None
) -> pd.DataFrame:
    """Share of items where the annotator differs from the majority.

    The majority is a value given by more than half of all the item's annotators (the annotator
    included); items without such a strict majority are not counted.  Returns
    ``annotator, disagreement, n_items``.
    """
    m = canonical_matrix(long, field, kind, order=order)
    codes, domain = encode(m)
    counts = value_counts(codes, max(len(domain), 1))
    n = counts.sum(axis=1)
    top = counts.argmax(axis=1)
    has_major = (counts.max(axis=1) * 2 > n) & (n >= 2)
    rows = []
    for i, ann in enumerate(m.index):
        mask = (codes[i] >= 0) & has_major
        dis = codes[i, mask] != top[mask]
        rows.append({"annotator": ann, "disagreement": float(dis.mean()) if dis.size else np.nan,
                     "n_items": int(mask.sum())})
    return pd.DataFrame(rows, columns=["annotator", "disagreement", "n_items"])


def _consensus(m: pd.DataFrame, rating: bool) -> np.ndarray:
    """Reference value for every (annotator, item) cell from the other annotators."""
    if rating:
        x = m.to_numpy(dtype=float)
        return np.vstack([_others_median(x, i) for i in range(len(x))])
    codes, domain = encode(m)
    counts = value_counts(codes, max(len(domain), 1))
    ref = np.full(codes.shape, None, dtype=object)
    for i in range(codes.shape[0]):
        others = counts.copy()
        own = codes[i] >= 0
        others[np.flatnonzero(own), codes[i, own]] -= 1
        best = others.max(axis=1)
        unique = (others == best[:, None]).sum(axis=1) == 1
        ok = unique & (best > 0)
        ref[i, ok] = domain[others[ok].argmax(axis=1)]
    return ref


def drift(
    long: pd.DataFrame,
    field: str | None = None,
    window: int = 20,
    reference: str = "consensus",
    gold: pd.DataFrame | None = None,
    kind: str | None = None,
    order: Sequence[Any] | None = None,
    tolerance: float = 0.5,
) -> pd.DataFrame:
    """Rolling agreement over each annotator's sequence of annotations (fatigue, drift).

    Parameters
    ----------
    long : DataFrame
        Long table; the sequence is ordered by ``time`` (row order without it).
    field, kind, order
        Field, its kind (inferred) and the ordinal label order.
    window : int
        Rolling window in annotations.
    reference : {"consensus", "gold"}
        Compare with the other annotators (modal value for labels, median for ratings; no
        reference when the others tie) or with ``gold`` (``record_id, [field,] value``).
    tolerance : float
        Ratings agree when within ``tolerance`` of the reference.

    Returns
    -------
    DataFrame
        One row per annotation: ``annotator, record_id, [time,] position, value, reference, agree,
        rolling_agreement`` (+ ``deviation, rolling_deviation`` for ratings).  Rows without a
        reference have NaN ``agree`` and are skipped by the rolling means.
    """
    df = select_field(long, field)
    kind = _kind(df, kind)
    rating = kind == "rating"
    m = canonical_matrix(df, None, kind, order=order)
    if reference == "consensus":
        ref = _consensus(m, rating)
        r = pd.Index(m.index).get_indexer(df["annotator"])
        c = pd.Index(m.columns).get_indexer(df["record_id"])
        refs = list(ref[r, c])
    elif reference == "gold":
        if gold is None:
            raise ValueError("reference='gold' needs the gold table")
        g = gold[gold["field"] == field] if field is not None and "field" in gold.columns else gold
        g = g.drop_duplicates("record_id", keep="last").set_index("record_id")["value"]
        refs = [_canonical(g.get(rid), kind) for rid in df["record_id"]]
    else:
        raise ValueError("reference must be 'consensus' or 'gold'")
    vals = [_canonical(v, kind) for v in df["value"]]
    if rating:
        vals = [_rating_value(v, order) for v in vals]
        if reference == "gold":
            refs = [_rating_value(v, order) for v in refs]
        dev = np.array(vals, dtype=float) - np.array(refs, dtype=float)
        agree = np.where(np.isnan(dev), np.nan, (np.abs(dev) <= tolerance).astype(float))
    else:
        agree = np.array([np.nan if b is None or a is None else float(a == b) for a, b in zip(vals, refs)])
    cols = ["annotator", "record_id"] + (["time"] if "time" in df.columns else [])
    out = df[cols].assign(value=vals, reference=refs, agree=agree)
    if rating:
        out = out.assign(deviation=dev)
    out = out.reset_index(drop=True)
    out.insert(len(cols), "position", out.groupby("annotator").cumcount())
    roll = out.groupby("annotator", sort=False)
    rolling_mean = lambda s: s.rolling(window, min_periods=1).mean()  # noqa: E731
    out["rolling_agreement"] = roll["agree"].transform(rolling_mean)
    if rating:
        out["rolling_deviation"] = roll["deviation"].transform(rolling_mean)
    return out.sort_values(["annotator", "position"], kind="stable").reset_index(drop=True)


def _primary_alpha(m: pd.DataFrame, kind: str) -> tuple[float, str]:
    level = "ordinal" if kind == "rating" else "nominal"
    return krippendorff_alpha(m, level), level


def per_category_agreement(
    long: pd.DataFrame,
    field: str | None = None,
    categories: str | Mapping[Any, Any] | pd.Series = "category",
    kind: str | None = None,
    order: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Alpha per record category (low values point at unclear guidelines).

    ``categories`` is a column of ``long`` (first non-null value per record) or a mapping
    record_id -> category.  Returns ``category, alpha, level, percent_agreement, n_items,
    n_annotators, band`` sorted by alpha (lowest first, undefined last).
    """
    df = select_field(long, field)
    kind = _kind(df, kind)
    if isinstance(categories, str):
        cat = long.dropna(subset=[categories]).drop_duplicates("record_id").set_index("record_id")[categories]
    else:
        cat = pd.Series(categories)
    df = df.assign(_cat=df["record_id"].map(cat))
    rows = []
    for name, grp in df.dropna(subset=["_cat"]).groupby("_cat", sort=True):
        m = canonical_matrix(grp, None, kind, order=order)
        alpha, level = _primary_alpha(m, kind)
        n_multi = int((m.notna().sum(axis=0) >= 2).sum())
        rows.append({"category": name, "alpha": alpha, "level": level,
                     "percent_agreement": percent_agreement(m),
                     "n_items": n_multi, "n_annotators": int(grp["annotator"].nunique()),
                     "band": interpret(alpha)})
    out = pd.DataFrame(rows, columns=["category", "alpha", "level", "percent_agreement", "n_items",
                                      "n_annotators", "band"])
    return out.sort_values("alpha", na_position="last", kind="stable").reset_index(drop=True)
