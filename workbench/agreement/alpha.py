"""Krippendorff's alpha, fully vectorised over items.

The computation follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability":

* per-item value counts ``n_uc`` (items x values, built with one ``np.bincount``);
* coincidence matrix ``o_ck = sum_u (n_uc n_uk - [c == k] n_uc) / (m_u - 1)`` over the items with
  ``m_u >= 2`` ratings (a single matrix product, no per-item Python loop);
* ``alpha = 1 - (n - 1) * sum(o_ck d_ck) / sum(n_c n_k d_ck)`` with the level's distance ``d``.

Items with a single rating are not pairable and are ignored.  When there is no variation at all
(expected disagreement zero, e.g. every value identical) or no pairable item, alpha is undefined and
NaN is returned -- without a warning (the ``krippendorff`` package raises in that case).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .tables import as_matrix, encode, integer_value_counts, value_counts

__all__ = ["krippendorff_alpha", "coincidence_matrix", "LEVELS", "alpha_from_coincidence", "pairable_counts"]

LEVELS = ("nominal", "ordinal", "interval", "ratio")

# Above this many distinct values the V x V coincidence matrix is not built: nominal and interval
# alpha use equivalent closed forms on per-item sums, ordinal / ratio raise.
DENSE_MAX_VALUES = 2000
# Above this many (items x values) cells the per-item counts are accumulated sparsely.
DENSE_MAX_CELLS = 50_000_000


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def pairable_counts(
    matrix: Any, level: str = "nominal", order: Sequence[Any] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-item value counts of the pairable items (``m_u >= 2``) and the value domain.

    Returns
    -------
    counts : ndarray, shape (pairable items, V)
    domain : ndarray, shape (V,)
        Sorted values (ranks ``0..k-1`` when ``order`` is given).
    """
    _check_level(level)
    codes, domain = encode(matrix, order=order, numeric=level in ("interval", "ratio"))
    counts = value_counts(codes, max(len(domain), 1))
    return counts[counts.sum(axis=1) >= 2], domain


def coincidence_matrix(counts: np.ndarray) -> np.ndarray:
    """Coincidence matrix ``o`` (V x V) from per-item value counts (items x V)."""
    counts = np.asarray(counts, dtype=float)
    m = counts.sum(axis=1)
    counts, m = counts[m >= 2], m[m >= 2]
    weighted = counts / (m - 1)[:, None]
    o = weighted.T @ counts
    o[np.diag_indices_from(o)] -= weighted.sum(axis=0)
    return o


def _distance(domain: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    """Squared distance matrix ``d`` (..., V, V); ``n_c`` may be stacked (..., V) for ordinal."""
    v = len(domain)
    if level == "nominal":
        return 1.0 - np.eye(v)
    if level == "ordinal":
        cum = np.cumsum(n_c, axis=-1)
        idx = np.arange(v)
        lo, hi = np.minimum.outer(idx, idx), np.maximum.outer(idx, idx)
        between = cum[..., hi] - cum[..., lo] + n_c[..., lo]
        return (between - (n_c[..., lo] + n_c[..., hi]) / 2.0) ** 2
    x = np.asarray(domain, dtype=float)
    diff = x[:, None] - x[None, :]
    if level == "interval":
        return diff**2
    total = x[:, None] + x[None, :]
    ratio = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0)
    return ratio**2


def alpha_from_coincidence(o: np.ndarray, domain: np.ndarray, level: str) -> np.ndarray | float:
    """Alpha from one or a stack (..., V, V) of coincidence matrices; NaN when undefined."""
    o = np.asarray(o, dtype=float)
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    d = _distance(domain, n_c, level)
    observed = (o * d).sum(axis=(-2, -1))
    expected = (n_c[..., :, None] * n_c[..., None, :] * d).sum(axis=(-2, -1))
    ok = (expected > 0) & (n > 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(ok, 1.0 - (n - 1.0) * observed / np.where(ok, expected, 1.0), np.nan)
    return float(a) if a.ndim == 0 else a


def _alpha_sparse(codes: np.ndarray, domain: np.ndarray, level: str) -> float:
    """Closed forms for many distinct values (nominal / interval only)."""
    if level not in ("nominal", "interval"):
        raise ValueError(
            f"{len(domain)} distinct values is too many for {level} alpha (limit {DENSE_MAX_VALUES}); "
            "bin the values or use level='interval'"
        )
    n_items = codes.shape[1]
    rows, cols = np.nonzero(codes >= 0)
    vals = codes[rows, cols]
    m = np.bincount(cols, minlength=n_items).astype(float)
    keep = m[cols] >= 2
    cols, vals = cols[keep], vals[keep]
    if cols.size == 0:
        return float("nan")
    n = float(cols.size)
    if level == "nominal":
        key, cnt = np.unique(cols * len(domain) + vals, return_counts=True)
        w_key = 1.0 / (m[key // len(domain)] - 1.0)
        same = float((w_key * cnt * (cnt - 1.0)).sum())  # trace(o) = sum_u sum_c n_uc (n_uc - 1)/(m_u - 1)
        observed = n - same
        n_c = np.bincount(vals, minlength=len(domain)).astype(float)
        expected = n * n - float((n_c * n_c).sum())
    else:
        x = np.asarray(domain, dtype=float)[vals]
        x = x - x.mean()
        s1 = np.bincount(cols, weights=x, minlength=n_items)
        s2 = np.bincount(cols, weights=x * x, minlength=n_items)
        per_item = 2.0 * (m * s2 - s1 * s1)
        valid = m >= 2
        observed = float((per_item[valid] / (m[valid] - 1.0)).sum())
        expected = 2.0 * (n * float((x * x).sum()) - float(x.sum()) ** 2)
    if vals.min() == vals.max():  # a single value: no variation
        return float("nan")
    if expected <= 0:
        return float("nan")
    return 1.0 - (n - 1.0) * observed / expected


def krippendorff_alpha(matrix: Any, level: str = "nominal", order: Sequence[Any] | None = None) -> float:
    """Krippendorff's alpha for reliability data with missing values.

    Parameters
    ----------
    matrix : array-like or DataFrame
        Annotators x items (rows annotators, columns items); missing ratings as None/NaN.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement (distance metric).
    order : sequence, optional
        Declared order of ordinal labels (e.g. ``["bad", "ok", "good"]``); values become ranks.
        String values at the ordinal level need it (a lexical order would be arbitrary).

    Returns
    -------
    float
        Alpha, matching ``krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)``.
        NaN when undefined (no pairable item, or no variation among the pairable values).

    Examples
    --------
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...         [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    >>> round(krippendorff_alpha(data, "nominal"), 3)
    0.743
    """
    _check_level(level)
    arr, _, _ = as_matrix(matrix, order=order)
    fast = integer_value_counts(arr, DENSE_MAX_CELLS)
    if fast is not None and len(fast[1]) <= DENSE_MAX_VALUES:
        return float(alpha_from_coincidence(coincidence_matrix(fast[0]), fast[1], level))
    codes, domain = encode(arr, numeric=level in ("interval", "ratio"))
    if level == "ordinal" and order is None and domain.dtype == object:
        raise ValueError("ordinal alpha on non-numeric labels needs an explicit `order`")
    n_values = len(domain)
    if n_values == 0:
        return float("nan")
    if n_values > DENSE_MAX_VALUES:
        return _alpha_sparse(codes, domain, level)
    if codes.shape[1] * n_values > DENSE_MAX_CELLS:
        return float(alpha_from_coincidence(_coincidence_sparse(codes, n_values), domain, level))
    counts = value_counts(codes, n_values)
    return float(alpha_from_coincidence(coincidence_matrix(counts), domain, level))


def _coincidence_sparse(codes: np.ndarray, n_values: int) -> np.ndarray:
    """Coincidence matrix without the dense items x values table (scipy.sparse)."""
    from scipy import sparse

    rows, cols = np.nonzero(codes >= 0)
    vals = codes[rows, cols]
    n_items = codes.shape[1]
    counts = sparse.csr_matrix((np.ones(cols.size), (cols, vals)), shape=(n_items, n_values))
    m = np.asarray(counts.sum(axis=1)).ravel()
    w = np.divide(1.0, m - 1.0, out=np.zeros_like(m), where=m >= 2)
    weighted = sparse.diags(w) @ counts
    o = np.asarray((weighted.T @ counts).todense(), dtype=float)
    o[np.diag_indices_from(o)] -= np.asarray(weighted.sum(axis=0)).ravel()
    return o
