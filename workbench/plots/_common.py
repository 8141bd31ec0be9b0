"""Helpers shared by the plot modules: empty figures, count coercion, ids and link metadata.

Linked views: every trace a dashboard can click carries ``customdata`` (record ids, one per point, or
the category key of a bar) and ``meta = {"link": ..., "column": ...}`` telling how to read it:

* ``{"link": "ids"}``: ``customdata[i]`` is the record id of point ``i`` (histograms: one per sample,
  the click event's ``pointNumbers`` index into it);
* ``{"link": "key", "column": NAME}``: ``customdata[i]`` is a value of ``NAME`` (a category, a
  language, a flag column...); filter the review queue on ``frame[NAME] == key``.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

NO_DATA = "no data"
ACCENT = "#636efa"
WARN = "#d62728"
WINDOW_FILL = "#2ca02c"


def empty_figure(title: str | None = None, message: str = NO_DATA) -> go.Figure:
    """A figure holding only a centred annotation (``"no data"`` by default), axes hidden."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 16, "color": "#888"})
    fig.update_layout(title={"text": title} if title else None,
                      xaxis={"visible": False}, yaxis={"visible": False})
    return fig


def is_empty(obj: Any) -> bool:
    """True for None, an empty mapping / sequence / Series / DataFrame."""
    if obj is None:
        return True
    if isinstance(obj, (pd.DataFrame, pd.Series, pd.Index)):
        return obj.empty
    try:
        return len(obj) == 0
    except TypeError:
        return False


def has_columns(frame: Any, *columns: str | None) -> bool:
    """``frame`` is a non-empty DataFrame holding every non-None column of ``columns``."""
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return False
    return all(c in frame.columns for c in columns if c is not None)


def require_columns(frame: Any, plot: str, *columns: str | None) -> bool:
    """True when ``frame`` has rows and every named column; False for no data (the caller draws an empty
    figure); a one-line ValueError when a frame with rows lacks a named column (a typo, or a signal not
    computed), instead of a "no data" figure that hides the mistake."""
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return False
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        shown = ", ".join(map(str, list(frame.columns)[:12])) + (", ..." if frame.shape[1] > 12 else "")
        raise ValueError(f"plots.{plot}: no column {', '.join(map(repr, missing))} in the frame "
                         f"(it has: {shown})")
    return True


def _count_of(value: Any) -> float:
    """A count from a number or a summary entry such as ``{"count": 3, "examples": [...]}``."""
    if isinstance(value, Mapping):
        for key in ("count", "n", "rows", "records", "total"):
            if key in value:
                return _count_of(value[key])
        return float("nan")
    if isinstance(value, (list, tuple, set)):
        return float(len(value))
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def as_counts(counts: Any, sort: bool = True) -> pd.Series:
    """``counts`` as a float Series key -> count (NaN and negative counts dropped).

    Accepts a mapping (values numbers or ``{"count": n}`` entries), a numeric Series indexed by key,
    a Series / list of raw labels (counted; None becomes ``"unknown"``) or a two-column DataFrame
    (key, count). Sorted by count, largest first, unless ``sort`` is False.
    """
    if is_empty(counts) or isinstance(counts, (str, bytes)) or not isinstance(counts, Iterable):
        return pd.Series(dtype=float)
    if isinstance(counts, pd.DataFrame):  # (key, count) columns, or one column of raw labels
        counts = pd.Series(counts.iloc[:, 1].to_numpy(), index=counts.iloc[:, 0].to_numpy()) \
            if counts.shape[1] >= 2 else counts.iloc[:, 0]
    if isinstance(counts, Mapping):
        s = pd.Series({str(k): _count_of(v) for k, v in counts.items()}, dtype=float)
    elif isinstance(counts, pd.Series) and pd.api.types.is_numeric_dtype(counts) \
            and not pd.api.types.is_bool_dtype(counts) and not isinstance(counts.index, pd.RangeIndex):
        s = pd.Series(counts.to_numpy(dtype=float), index=[str(k) for k in counts.index])
    else:  # raw labels: count them
        raw = pd.Series(list(counts), dtype=object)
        raw = raw.where(raw.notna(), "unknown").map(str)
        s = raw.value_counts(sort=False).astype(float)
    s = s[s.notna() & (s >= 0)]
    s.index = pd.Index([str(k) for k in s.index], dtype=object)
    return s.sort_values(ascending=False, kind="stable") if sort else s


def shares(counts: pd.Series) -> pd.Series:
    """Counts divided by their total (zeros when the total is 0)."""
    total = float(counts.sum())
    return counts / total if total > 0 else counts * 0.0


def record_ids(frame: pd.DataFrame, id_column: str | None = "id") -> list:
    """The record ids of ``frame`` (its ``id_column``, else its index) as a plain list."""
    if id_column and id_column in frame.columns:
        return frame[id_column].tolist()
    return frame.index.tolist()


def link(kind: str, column: str | None = None) -> dict[str, Any]:
    """Trace ``meta`` telling a dashboard how to read ``customdata`` (see the module docstring)."""
    return {"link": kind, "column": column} if column else {"link": kind}


def numeric(values: Any) -> np.ndarray:
    """``values`` as a float array (non-numbers become NaN)."""
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)


def finish(fig: go.Figure, title: str | None, xlabel: str | None = None, ylabel: str | None = None,
           **layout: Any) -> go.Figure:
    """Set the title, axis titles and a compact margin."""
    fig.update_layout(title={"text": title} if title else None, margin={"l": 60, "r": 30, "t": 60, "b": 50},
                      **layout)
    if xlabel is not None:
        fig.update_xaxes(title_text=xlabel)
    if ylabel is not None:
        fig.update_yaxes(title_text=ylabel)
    return fig


def pct(x: float) -> str:
    """``0.153`` -> ``"15.3%"``."""
    return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"
