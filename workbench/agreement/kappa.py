"""Kappa-family agreement coefficients.

Cohen's kappa (two annotators, optionally weighted), a pairwise kappa matrix, Fleiss' and
Randolph's kappa (many annotators), Scott's pi and raw percent agreement.  Undefined values
(no variation, too few shared items) are returned as NaN, never raised and never warned about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .tables import as_matrix, encode, value_counts

__all__ = [
    "KappaMatrix",
    "cohen_kappa",
    "cohen_kappa_matrix",
    "fleiss_kappa",
    "randolph_kappa",
    "scott_pi",
    "percent_agreement",
    "kappa_from_confusion",
]

_WEIGHTS = (None, "linear", "quadratic")


def _weight_matrix(n: int, weights: str | None) -> np.ndarray:
    if weights not in _WEIGHTS:
        raise ValueError(f"weights must be one of {_WEIGHTS}, got {weights!r}")
    idx = np.arange(n, dtype=float)
    diff = idx[:, None] - idx[None, :]
    if weights is None:
        return (diff != 0).astype(float)
    if weights == "linear":
        return np.abs(diff)
    return diff**2


def kappa_from_confusion(confusion: np.ndarray, weights: str | None = None) -> np.ndarray | float:
    """Cohen's kappa from one or a stack of confusion matrices.

    Parameters
    ----------
    confusion : ndarray, shape (..., L, L)
        Counts; rows rater a, columns rater b, categories in their declared order.
    weights : {None, "linear", "quadratic"}
        Disagreement weights on the category index distance (as scikit-learn).

    Returns
    -------
    float or ndarray
        Kappa per confusion matrix; NaN where the expected disagreement is zero.
    """
    c = np.asarray(confusion, dtype=float)
    w = _weight_matrix(c.shape[-1], weights)
    n = c.sum(axis=(-2, -1))
    rows, cols = c.sum(axis=-1), c.sum(axis=-2)
    observed = (c * w).sum(axis=(-2, -1))
    expected = np.einsum("...i,ij,...j->...", rows, w, cols)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (expected > 0) & (n > 0)
        k = np.where(ok, 1.0 - observed * n / np.where(ok, expected, 1.0), np.nan)
    return float(k) if k.ndim == 0 else k


def _pair_codes(a: Any, b: Any, labels: Sequence[Any] | None) -> tuple[np.ndarray, np.ndarray, int]:
    a = np.asarray(list(a), dtype=object)
    b = np.asarray(list(b), dtype=object)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same length ({a.shape} vs {b.shape})")
    keep = ~(pd.isna(a) | pd.isna(b))
    a, b = a[keep], b[keep]
    if labels is None:
        codes, domain = encode(np.vstack([a, b]).reshape(2, -1))
        return codes[0], codes[1], len(domain)
    index = pd.Index(list(labels))
    ca, cb = index.get_indexer(a), index.get_indexer(b)
    keep = (ca >= 0) & (cb >= 0)
    return ca[keep], cb[keep], len(index)


def cohen_kappa(a: Any, b: Any, weights: str | None = None, labels: Sequence[Any] | None = None) -> float:
    """Cohen's kappa between two annotators.

    Parameters
    ----------
    a, b : sequence
        Labels of the same items by two annotators; pairs where either is missing are dropped.
    weights : {None, "linear", "quadratic"}
        Weighted kappa for ordinal labels; the distance is the index distance in ``labels``.
    labels : sequence, optional
        Categories in order.  Default: the sorted distinct labels of ``a`` and ``b`` (the same
        convention as :func:`sklearn.metrics.cohen_kappa_score`, which this matches).  Pairs with
        a label outside ``labels`` are ignored.

    Returns
    -------
    float
        Kappa, NaN when undefined (no pairs, or no expected disagreement).
    """
    ca, cb, n_labels = _pair_codes(a, b, labels)
    if len(ca) == 0 or n_labels == 0:
        return float("nan")
    conf = np.bincount(ca * n_labels + cb, minlength=n_labels * n_labels).reshape(n_labels, n_labels)
    return float(kappa_from_confusion(conf, weights))


@dataclass(frozen=True)
class KappaMatrix:
    """Pairwise Cohen's kappa between annotators.

    Attributes
    ----------
    kappa : DataFrame
        Square annotator x annotator matrix, diagonal 1.0, NaN where two annotators share fewer
        than ``min_shared`` items or kappa is undefined.
    n_shared : DataFrame
        Number of items each pair rated in common (diagonal: items rated by the annotator).
    weights : str or None
        Weighting used.
    """

    kappa: pd.DataFrame
    n_shared: pd.DataFrame
    weights: str | None = None

    def mean(self) -> float:
        """Mean of the defined off-diagonal kappas (NaN if none)."""
        k = self.kappa.to_numpy(dtype=float)
        off = k[~np.eye(len(k), dtype=bool)]
        off = off[~np.isnan(off)]
        return float(off.mean()) if off.size else float("nan")

    def pairs(self) -> pd.DataFrame:
        """Long form: one row per annotator pair (a < b) with kappa and n_shared."""
        names = list(self.kappa.index)
        i, j = np.triu_indices(len(names), k=1)
        return pd.DataFrame(
            {
                "annotator_a": [names[x] for x in i],
                "annotator_b": [names[x] for x in j],
                "kappa": self.kappa.to_numpy(dtype=float)[i, j],
                "n_shared": self.n_shared.to_numpy()[i, j],
            }
        )


def cohen_kappa_matrix(
    table: Any,
    field: str | None = None,
    weights: str | None = None,
    min_shared: int = 2,
    order: Sequence[Any] | None = None,
) -> KappaMatrix:
    """Cohen's kappa for every pair of annotators.

    Parameters
    ----------
    table : DataFrame or ndarray
        Long table (``field`` selects the field) or wide matrix (rows annotators, cols items).
    field : str, optional
        Field of a long table.
    weights : {None, "linear", "quadratic"}
        Weighting for ordinal labels.
    min_shared : int
        Pairs sharing fewer items get NaN.
    order : sequence, optional
        Declared label order (ordinal strings).

    Returns
    -------
    KappaMatrix
        ``kappa`` and ``n_shared`` DataFrames.  All pairs use the same category set and order (the
        sorted values observed in the whole table, or ``order``), so weighted kappas are on one scale;
        for unweighted kappa this equals scikit-learn's per-pair value.
    """
    arr, names, _ = as_matrix(table, field=field, order=order)
    codes, domain = encode(arr)
    n_labels = max(len(domain), 1)
    n_ann = codes.shape[0]
    kappa = np.eye(n_ann)
    present = codes >= 0
    shared = present.astype(np.int64) @ present.T.astype(np.int64)
    for i in range(n_ann):
        for j in range(i + 1, n_ann):
            if shared[i, j] < max(min_shared, 1):
                kappa[i, j] = kappa[j, i] = np.nan
                continue
            both = present[i] & present[j]
            cell = codes[i, both] * n_labels + codes[j, both]
            conf = np.bincount(cell, minlength=n_labels * n_labels).reshape(n_labels, n_labels)
            kappa[i, j] = kappa[j, i] = kappa_from_confusion(conf, weights)
    names = pd.Index(names, name="annotator")
    return KappaMatrix(
        kappa=pd.DataFrame(kappa, index=names, columns=names.rename(None)),
        n_shared=pd.DataFrame(shared, index=names, columns=names.rename(None)),
        weights=weights,
    )


def _count_table(matrix: Any, counts: bool, drop_incomplete: bool) -> np.ndarray:
    if counts:
        table = np.asarray(matrix, dtype=float)
        if table.ndim != 2 or (table < 0).any():
            raise ValueError("a count table must be a 2-D array of non-negative counts (items x categories)")
        return table
    arr, _, _ = as_matrix(matrix)
    if drop_incomplete:
        arr = arr[:, ~pd.isna(arr).any(axis=0)]
    codes, domain = encode(arr)
    return value_counts(codes, len(domain))


def _fleiss_from_counts(table: np.ndarray, method: str) -> float:
    m = table.sum(axis=1)
    table = table[m >= 2]
    m = m[m >= 2]
    if table.shape[0] == 0 or table.shape[1] == 0:
        return float("nan")
    p_cat = table.sum(axis=0) / table.sum()
    p_item = ((table * table).sum(axis=1) - m) / (m * (m - 1))
    p_obs = p_item.mean()
    if method == "fleiss":
        p_exp = float((p_cat * p_cat).sum())
    elif method == "randolph":
        p_exp = 1.0 / table.shape[1]
    else:
        raise ValueError(f"method must be 'fleiss' or 'randolph', got {method!r}")
    if p_exp >= 1.0:
        return float("nan")
    return float((p_obs - p_exp) / (1.0 - p_exp))


def fleiss_kappa(matrix: Any, counts: bool = False, method: str = "fleiss") -> float:
    """Fleiss' kappa for many annotators.

    Parameters
    ----------
    matrix : array-like or DataFrame
        By default an annotators x items matrix of labels; items with any missing rating are
        dropped (Fleiss' kappa assumes every item has the same raters).  With ``counts=True`` a
        count table items x categories (``table[u, c]`` = raters who put item ``u`` in ``c``).
    counts : bool
        Interpret ``matrix`` as a count table.
    method : {"fleiss", "randolph"}
        Chance agreement from the observed marginals (Fleiss) or uniform over the categories
        (Randolph's free-marginal kappa).

    Returns
    -------
    float
        Kappa; NaN if undefined.  Matches ``statsmodels.stats.inter_rater.fleiss_kappa``.  A count
        table with varying rater numbers per item uses the usual generalisation (per-item agreement
        with its own rater count; items with fewer than two ratings ignored).
    """
    return _fleiss_from_counts(_count_table(matrix, counts, drop_incomplete=True), method)


def randolph_kappa(matrix: Any, counts: bool = False) -> float:
    """Randolph's free-marginal multirater kappa (``fleiss_kappa(..., method="randolph")``).

    The number of categories is the number of columns of the count table, or the number of
    distinct labels in the (complete) items of a label matrix.
    """
    return fleiss_kappa(matrix, counts=counts, method="randolph")


def scott_pi(a: Any, b: Any) -> float:
    """Scott's pi between two annotators (chance from the pooled label distribution).

    Pairs where either label is missing are dropped; NaN when undefined.
    """
    ca, cb, n_labels = _pair_codes(a, b, None)
    if len(ca) == 0:
        return float("nan")
    p_obs = float(np.mean(ca == cb))
    pooled = np.bincount(np.concatenate([ca, cb]), minlength=n_labels) / (2 * len(ca))
    p_exp = float((pooled * pooled).sum())
    if p_exp >= 1.0:
        return float("nan")
    return (p_obs - p_exp) / (1.0 - p_exp)


def percent_agreement(matrix: Any) -> float:
    """Mean pairwise agreement over the items with at least two ratings.

    For each item, the share of annotator pairs giving the same label; averaged over items.
    NaN when no item has two ratings.
    """
    codes, domain = encode(matrix)
    counts = value_counts(codes, max(len(domain), 1))
    m = counts.sum(axis=1)
    keep = m >= 2
    if not keep.any():
        return float("nan")
    counts, m = counts[keep], m[keep]
    per_item = (counts * (counts - 1)).sum(axis=1) / (m * (m - 1))
    return float(per_item.mean())
