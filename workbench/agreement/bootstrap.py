"""Bootstrap confidence intervals for agreement coefficients.

Items (matrix columns) are resampled with replacement; the interval is the percentile interval of
the bootstrap distribution (undefined replicates, NaN, are left out).  The random stream is the
same in the generic :func:`bootstrap_ci` and the vectorised :func:`alpha_ci` / :func:`kappa_ci`, so
for the same ``seed`` they give identical intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from .alpha import _check_level, alpha_from_coincidence, krippendorff_alpha
from .kappa import cohen_kappa, kappa_from_confusion
from .tables import as_matrix, encode, value_counts

__all__ = ["Interval", "bootstrap_ci", "kappa_ci", "alpha_ci", "percentile_interval"]


class Interval(NamedTuple):
    """A point estimate with its bootstrap percentile interval."""

    estimate: float
    low: float
    high: float


def _draws(n_items: int, n_boot: int, seed: int) -> Iterator[np.ndarray]:
    rng = np.random.default_rng(seed)
    for _ in range(n_boot):
        yield rng.integers(0, n_items, size=n_items)


def percentile_interval(samples: np.ndarray, ci: float = 0.95) -> tuple[float, float]:
    """Percentile interval of the finite ``samples`` (NaN, NaN if there are none)."""
    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1), got {ci}")
    s = np.asarray(samples, dtype=float)
    s = s[np.isfinite(s)]
    if s.size == 0:
        return float("nan"), float("nan")
    tail = (1.0 - ci) / 2.0
    low, high = np.quantile(s, [tail, 1.0 - tail])
    return float(low), float(high)


def bootstrap_ci(
    metric_fn: Callable[[Any], float],
    matrix: Any,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> Interval:
    """Bootstrap interval of any matrix metric by resampling items.

    Parameters
    ----------
    metric_fn : callable
        ``metric_fn(matrix) -> float``; receives the resampled matrix in the same type as given
        (DataFrame -> DataFrame with repeated columns, otherwise a numpy array).
    matrix : DataFrame or array-like
        Annotators x items.
    n_boot : int
        Number of bootstrap replicates.
    seed : int
        Seed of the resampling (``numpy.random.default_rng``).
    ci : float
        Coverage of the percentile interval.

    Returns
    -------
    Interval
        ``(estimate, low, high)``; the estimate is ``metric_fn(matrix)`` on the full data.
    """
    if isinstance(matrix, pd.DataFrame):
        data: Any = matrix
        take = lambda idx: data.iloc[:, idx]  # noqa: E731
    else:
        data = np.asarray(matrix) if np.asarray(matrix).dtype.kind in "biuf" else np.asarray(matrix, object)
        take = lambda idx: data[:, idx]  # noqa: E731
    estimate = float(metric_fn(data))
    n_items = data.shape[1]
    if n_items == 0:
        return Interval(estimate, float("nan"), float("nan"))
    samples = np.array([metric_fn(take(idx)) for idx in _draws(n_items, n_boot, seed)], dtype=float)
    return Interval(estimate, *percentile_interval(samples, ci))


def _boot_counts(n_items: int, n_boot: int, seed: int, chunk_cells: int = 10_000_000) -> Iterator[np.ndarray]:
    """Yield (chunk, n_items) arrays: how often each item was drawn in each replicate."""
    chunk = max(1, min(n_boot, chunk_cells // max(n_items, 1)))
    draws = _draws(n_items, n_boot, seed)
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        idx = np.stack([next(draws) for _ in range(size)])
        offs = (idx + (np.arange(size) * n_items)[:, None]).ravel()
        yield np.bincount(offs, minlength=size * n_items).reshape(size, n_items).astype(float)
        done += size


def alpha_ci(
    matrix: Any,
    level: str = "nominal",
    order: Sequence[Any] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> Interval:
    """Krippendorff's alpha with a bootstrap interval over items (vectorised).

    Each item's contribution to the coincidence matrix is computed once; a replicate's coincidence
    matrix is the count-weighted sum of contributions, so all replicates of a chunk come out of
    one matrix product.  Same parameters and result as
    ``bootstrap_ci(lambda m: krippendorff_alpha(m, level, order), matrix, ...)``.
    """
    _check_level(level)
    arr, _, _ = as_matrix(matrix, order=order)
    codes, domain = encode(arr, numeric=level in ("interval", "ratio") and order is None)
    if order is not None:
        domain = np.arange(len(order), dtype=float)
    n_items, n_values = codes.shape[1], len(domain)
    if n_values == 0 or n_values > 64 or n_items * n_values * n_values > 20_000_000:
        fn = lambda m: krippendorff_alpha(m, level)  # noqa: E731
        return bootstrap_ci(fn, arr, n_boot=n_boot, seed=seed, ci=ci)
    counts = value_counts(codes, n_values)
    m = counts.sum(axis=1)
    w = np.divide(1.0, m - 1.0, out=np.zeros_like(m), where=m >= 2)
    contrib = (counts[:, :, None] * counts[:, None, :]) * w[:, None, None]
    contrib[:, np.arange(n_values), np.arange(n_values)] -= counts * w[:, None]
    contrib = contrib.reshape(n_items, n_values * n_values)
    estimate = alpha_from_coincidence(contrib.sum(axis=0).reshape(n_values, n_values), domain, level)
    if n_items == 0:
        return Interval(float(estimate), float("nan"), float("nan"))
    samples = [
        np.atleast_1d(alpha_from_coincidence((c @ contrib).reshape(-1, n_values, n_values), domain, level))
        for c in _boot_counts(n_items, n_boot, seed)
    ]
    return Interval(float(estimate), *percentile_interval(np.concatenate(samples), ci))


def kappa_ci(
    a: Any,
    b: Any,
    weights: str | None = None,
    labels: Sequence[Any] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> Interval:
    """Cohen's kappa with a bootstrap interval over items (vectorised).

    Items where either label is missing are kept in the resampling (and dropped by kappa), so the
    result equals ``bootstrap_ci(lambda m: cohen_kappa(m[0], m[1], weights, labels), [a, b], ...)``.
    The categories are fixed to ``labels`` (default: sorted labels of the full data) in every
    replicate, so weighted kappas stay on one scale.
    """
    a = np.asarray(list(a), dtype=object)
    b = np.asarray(list(b), dtype=object)
    if labels is None:
        _, domain = encode(np.vstack([a, b]).reshape(2, -1))
        labels = list(domain)
    estimate = cohen_kappa(a, b, weights=weights, labels=labels)
    n_items, n_labels = len(a), len(labels)
    if n_items == 0 or n_labels == 0:
        return Interval(estimate, float("nan"), float("nan"))
    index = pd.Index(list(labels))
    missing = pd.isna(a) | pd.isna(b)
    ca = np.where(missing, -1, index.get_indexer(np.where(missing, None, a)))
    cb = np.where(missing, -1, index.get_indexer(np.where(missing, None, b)))
    valid = (ca >= 0) & (cb >= 0)
    onehot = sparse.csr_matrix(
        (np.ones(int(valid.sum())), (np.flatnonzero(valid), (ca * n_labels + cb)[valid])),
        shape=(n_items, n_labels * n_labels),
    )
    samples = []
    for c in _boot_counts(n_items, n_boot, seed):
        confusion = np.asarray(onehot.T @ c.T).T.reshape(-1, n_labels, n_labels)
        samples.append(np.atleast_1d(kappa_from_confusion(confusion, weights)))
    return Interval(estimate, *percentile_interval(np.concatenate(samples), ci))

