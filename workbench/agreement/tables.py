"""Input shapes for the agreement package.

Two shapes are accepted everywhere:

*Long table*
    A :class:`pandas.DataFrame` with one row per (annotator, record, field) annotation and the
    columns ``record_id, annotator, field, value`` (``field`` may be omitted when the table holds a
    single field) plus the optional columns ``time``, ``category`` and ``is_gold``.

*Wide matrix* (reliability data)
    A 2-D :class:`numpy.ndarray` or :class:`pandas.DataFrame` with one row per annotator and one
    column per item.  Missing ratings are ``None`` or ``NaN``.

The helpers here convert between the two and encode a matrix into integer codes, the form all the
metrics work on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

LONG_COLUMNS = ("record_id", "annotator", "value")

__all__ = [
    "to_matrix", "as_matrix", "is_long", "encode", "value_counts", "integer_value_counts", "select_field",
]


def is_long(obj: Any) -> bool:
    """Return True when ``obj`` is a long annotation table (has record_id, annotator, value)."""
    return isinstance(obj, pd.DataFrame) and all(c in obj.columns for c in LONG_COLUMNS)


def select_field(long: pd.DataFrame, field: str | None = None) -> pd.DataFrame:
    """Rows of ``long`` for one field, the last annotation per (annotator, record).

    Parameters
    ----------
    long : DataFrame
        Long annotation table.
    field : str, optional
        Field to keep.  May be omitted when the table has no ``field`` column or a single field.

    Returns
    -------
    DataFrame
        One row per (annotator, record_id).  When several rows exist for the same pair the last
        one by ``time`` is kept (or the last row when there is no ``time`` column).
    """
    df = long
    if "field" in df.columns:
        if field is not None:
            df = df[df["field"] == field]
        elif df["field"].nunique(dropna=False) > 1:
            raise ValueError("the long table holds several fields; pass `field=`")
    elif field is not None:
        raise ValueError("the long table has no `field` column")
    if "time" in df.columns:
        df = df.sort_values("time", kind="stable")
    return df.drop_duplicates(["annotator", "record_id"], keep="last")


def _all_numeric(values: np.ndarray) -> bool:
    return all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
        for v in values
    )


def to_matrix(
    long: pd.DataFrame, field: str | None = None, order: Sequence[Any] | None = None
) -> pd.DataFrame:
    """Pivot a long table into a wide annotators x items matrix.

    Parameters
    ----------
    long : DataFrame
        Long annotation table (``record_id, annotator, [field,] value[, time]``).
    field : str, optional
        Field to pivot; required when the table holds several fields.
    order : sequence, optional
        Declared order of ordinal labels (``["bad", "ok", "good"]``); values are replaced by their
        rank (0, 1, 2, ...).  A value outside ``order`` raises ``ValueError``.

    Returns
    -------
    DataFrame
        Index ``annotator``, columns ``record_id`` (both sorted), missing cells NaN.  The dtype is
        float when every value is numeric (or ``order`` is given), object otherwise.
    """
    df = select_field(long, field)
    wide = df.set_index(["annotator", "record_id"])["value"].unstack("record_id")
    arr = wide.to_numpy(dtype=object)
    if order is not None:
        arr = _map_order(arr, order)
        return pd.DataFrame(arr, index=wide.index, columns=wide.columns)
    present = arr[~pd.isna(arr)] if arr.size else arr
    if _all_numeric(present):
        arr = arr.astype(float)
    return pd.DataFrame(arr, index=wide.index, columns=wide.columns)


def _map_order(arr: np.ndarray, order: Sequence[Any]) -> np.ndarray:
    ranks = {v: float(i) for i, v in enumerate(order)}
    flat = arr.ravel()
    missing = pd.isna(flat)
    out = np.full(flat.shape, np.nan)
    for i in np.flatnonzero(~missing):
        try:
            out[i] = ranks[flat[i]]
        except (KeyError, TypeError):
            raise ValueError(f"value {flat[i]!r} is not in the declared order {list(order)!r}") from None
    return out.reshape(arr.shape)


def as_matrix(
    table: Any, field: str | None = None, order: Sequence[Any] | None = None
) -> tuple[np.ndarray, pd.Index, pd.Index]:
    """Any accepted input as a 2-D array with its row (annotator) and column (item) labels.

    Parameters
    ----------
    table : DataFrame, ndarray or nested sequence
        Long table, wide DataFrame (rows annotators) or 2-D array.
    field : str, optional
        Field to select when ``table`` is a long table.
    order : sequence, optional
        Declared order of ordinal labels; values are mapped to ranks.

    Returns
    -------
    values : ndarray
        2-D float array when the data is numeric, object array otherwise.
    annotators, items : Index
        Row and column labels (a RangeIndex for a plain array).
    """
    if is_long(table):
        wide = to_matrix(table, field=field, order=order)
        return wide.to_numpy(), wide.index, wide.columns
    if isinstance(table, pd.DataFrame):
        rows, cols = table.index, table.columns
        numeric = all(dt.kind in "iuf" for dt in table.dtypes) and order is None
        arr = table.to_numpy(dtype=float, na_value=np.nan) if numeric else table.to_numpy(dtype=object)
    else:
        arr = _to_2d(table)
        if arr.ndim != 2:
            raise ValueError(f"expected a 2-D matrix (annotators x items), got shape {arr.shape}")
        rows, cols = pd.RangeIndex(arr.shape[0]), pd.RangeIndex(arr.shape[1])
    if order is not None:
        return _map_order(arr, order), rows, cols
    if arr.dtype == object:
        arr = _numeric_or_object(arr)
    elif arr.dtype.kind in "iub":
        arr = arr.astype(float)
    return arr, rows, cols


def _to_2d(table: Any) -> np.ndarray:
    """2-D array from an ndarray or nested sequences whose cells may themselves be lists."""
    if isinstance(table, np.ndarray) and table.ndim == 2:
        return table
    try:
        arr = np.asarray(table)
        if arr.dtype.kind in "biuf" or arr.ndim < 2:
            return arr
    except ValueError:
        pass
    try:
        rows = [list(r) for r in table]
    except TypeError:
        raise ValueError("expected a 2-D matrix (annotators x items)") from None
    width = {len(r) for r in rows}
    if len(width) > 1:
        raise ValueError("all rows of the matrix must have the same length")
    arr = np.empty((len(rows), width.pop() if width else 0), dtype=object)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            arr[i, j] = v
    return arr


def _numeric_or_object(arr: np.ndarray) -> np.ndarray:
    flat = arr.ravel()
    present = flat[~pd.isna(flat)]
    if _all_numeric(present):
        return arr.astype(float)
    return arr


def encode(
    matrix: Any, order: Sequence[Any] | None = None, numeric: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Encode a wide matrix as integer codes into a sorted value domain.

    Parameters
    ----------
    matrix : array-like or DataFrame
        Annotators x items, missing as None/NaN.
    order : sequence, optional
        Declared order; the domain is then ``0..len(order)-1`` (ranks), including unused labels.
    numeric : bool
        Require numeric values (interval/ratio levels); raises ``ValueError`` otherwise.

    Returns
    -------
    codes : ndarray of int64
        Same shape as ``matrix``; ``-1`` marks a missing value.
    domain : ndarray
        Sorted distinct values (float when numeric).  ``codes`` index into it.
    """
    if isinstance(matrix, np.ndarray) and matrix.dtype.kind == "f" and matrix.ndim == 2 and order is None:
        arr = matrix
    else:
        arr, _, _ = as_matrix(matrix, order=order)
    if order is not None:
        codes = np.where(np.isnan(arr), -1, np.nan_to_num(arr, nan=-1.0)).astype(np.int64)
        return codes, np.arange(len(order), dtype=float)
    if arr.dtype.kind != "f":
        if numeric:
            raise ValueError("interval/ratio levels need numeric values (or a declared `order`)")
        flat = _hashable(arr.ravel())
    else:
        flat = arr.ravel()
    try:
        codes, uniques = pd.factorize(flat, sort=True, use_na_sentinel=True)
    except TypeError:  # unorderable mix of types: keep first-seen order
        codes, uniques = pd.factorize(flat, sort=False, use_na_sentinel=True)
    domain = np.asarray(uniques, dtype=float if arr.dtype.kind == "f" else object)
    return codes.astype(np.int64).reshape(arr.shape), domain


def _hashable(flat: np.ndarray) -> np.ndarray:
    out = np.empty(flat.shape, dtype=object)
    for i, v in enumerate(flat):
        if isinstance(v, (list, np.ndarray)):
            v = tuple(v)
        elif isinstance(v, (set, frozenset)):
            v = tuple(sorted(v, key=str))
        elif isinstance(v, dict):
            v = tuple(sorted(((str(k), str(x)) for k, x in v.items())))
        out[i] = v
    return out


def value_counts(codes: np.ndarray, n_values: int) -> np.ndarray:
    """Per-item value counts from ``codes`` (annotators x items).

    Returns
    -------
    ndarray of float, shape (items, n_values)
        ``counts[u, c]`` = number of annotators who gave item ``u`` the value ``c``.
    """
    n_items = codes.shape[1]
    flat = codes.ravel()
    idx = np.flatnonzero(flat >= 0)
    keys = idx % max(n_items, 1)
    keys *= n_values
    keys += flat[idx]
    counts = np.bincount(keys, minlength=n_items * n_values)
    return counts.reshape(n_items, n_values).astype(float)


def integer_value_counts(arr: Any, max_cells: int = 50_000_000) -> tuple[np.ndarray, np.ndarray] | None:
    """Fast per-item value counts for a float matrix of integer-valued ratings.

    Works on the observed cells only (``flatnonzero`` of the non-NaN cells) and counts
    ``item * R + (value - min)`` with one ``np.bincount``: no factorisation, no per-item loop.
    Returns None (use :func:`encode` + :func:`value_counts`) when ``arr`` is not a 2-D float array,
    the values are not integers, or their range makes the items x range table too large.

    Returns
    -------
    counts : ndarray, shape (items, V)
        Counts of the observed values only.
    domain : ndarray of float, shape (V,)
        The observed values, sorted.
    """
    if not isinstance(arr, np.ndarray) or arr.ndim != 2 or arr.dtype.kind != "f" or arr.size == 0:
        return None
    n_items = arr.shape[1]
    flat = arr.ravel()
    idx = np.flatnonzero(~np.isnan(flat))
    if idx.size == 0:
        return None
    vals = flat[idx]
    lo, hi = vals.min(), vals.max()
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi - lo > 1e6:
        return None
    width = int(hi - lo) + 1
    if n_items * width > max_cells:
        return None
    vals -= lo
    ivals = vals.astype(np.int64)
    if not np.array_equal(ivals, vals):
        return None
    keys = idx % n_items
    keys *= width
    keys += ivals
    counts = np.bincount(keys, minlength=n_items * width).reshape(n_items, width)
    used = np.flatnonzero(counts.sum(axis=0))
    return counts[:, used].astype(float), lo + used.astype(float)
