"""Splits: train / val / test composition side by side, and the shift between two dataset versions."""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._common import ACCENT, WARN, as_counts, empty_figure, finish, link, numeric, pct, record_ids, shares


def _column_of(split: Any, column: str) -> pd.Series | None:
    if isinstance(split, pd.DataFrame):
        return split[column] if column in split.columns else None
    if isinstance(split, pd.Series):
        return split
    return None


def split_composition(
    split_frames: Mapping[str, pd.DataFrame | pd.Series],
    column: str = "category",
    normalize: bool = True,
    id_column: str = "id",
    split_col: str = "split",
    title: str | None = None,
) -> go.Figure:
    """Composition of each split side by side: grouped bars for labels, boxes for numbers.

    Parameters
    ----------
    split_frames : mapping split name -> DataFrame (or Series), or one DataFrame
        One frame per split (``train``, ``val``, ``test``...) holding ``column`` (and
        ``id_column`` for numeric columns); a Series is used as the column itself. A single
        DataFrame is split on its ``split_col`` column.
    column : str
        A label column (``category``, ``language``...: grouped bars of each split's share) or a
        numeric one (``response_words``...: one box per split).
    normalize : bool
        Shares within each split (splits of different sizes compare) rather than counts.

    Returns
    -------
    Figure
        Label column: one ``Bar`` per split, ``customdata`` = category key; categories missing from
        a split are listed in an annotation. Numeric column: one ``Box`` per split,
        ``customdata`` = record ids.
    """
    title = title or f"{column} per split"
    if isinstance(split_frames, pd.DataFrame) and split_col in split_frames.columns:
        split_frames = {str(k): g for k, g in split_frames.groupby(split_col, sort=False)}
    if not isinstance(split_frames, Mapping):
        return empty_figure(title)
    cols = {str(k): s for k, v in split_frames.items() if (s := _column_of(v, column)) is not None}
    cols = {k: s for k, s in cols.items() if s.notna().any()}
    if not cols:
        return empty_figure(title)
    fig = go.Figure()
    is_num = all(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
                 for s in cols.values())
    if is_num:
        for name, s in cols.items():
            frame = split_frames.get(name, s)
            ids = record_ids(frame, id_column) if isinstance(frame, pd.DataFrame) else s.index.tolist()
            vals = numeric(s)
            keep = ~np.isnan(vals)
            fig.add_trace(go.Box(y=vals[keep].tolist(), name=name, boxmean=True, boxpoints="outliers",
                                 customdata=np.array(ids, dtype=object)[keep], meta=link("ids", column)))
        return finish(fig, title, xlabel="split", ylabel=column, showlegend=False)
    counts = {name: as_counts(s) for name, s in cols.items()}
    keys = list(pd.concat(counts.values()).groupby(level=0, sort=False).sum().sort_values(
        ascending=False, kind="stable").index)
    missing = []
    for name, raw in counts.items():
        c = raw.reindex(keys, fill_value=0.0)
        y = shares(c) if normalize else c
        missing += [f"{k} missing from {name}" for k in keys if c[k] == 0]
        fig.add_trace(go.Bar(x=keys, y=y.tolist(), name=name, customdata=keys, meta=link("key", column),
                             text=[f"{int(n)}" for n in c], textposition="auto",
                             hovertemplate=name + ": %{x} %{y" + (":.1%" if normalize else "")
                             + "} (%{text})<extra></extra>"))
    if missing:
        fig.add_annotation(text="; ".join(missing[:6]) + (" ..." if len(missing) > 6 else ""),
                           xref="paper", yref="paper", x=0, y=1.08, showarrow=False,
                           font={"color": WARN}, xanchor="left")
    fig.update_layout(barmode="group")
    if normalize:
        fig.update_yaxes(tickformat=".0%")
    return finish(fig, title, xlabel=column, ylabel="share of split" if normalize else "records")


def total_variation(before: Any, after: Any) -> float:
    """Total variation distance between two distributions given as counts (0 same, 1 disjoint)."""
    b, a = as_counts(before), as_counts(after)
    if b.empty or a.empty or not b.sum() or not a.sum():
        return float("nan")
    keys = b.index.union(a.index)
    diff = shares(b).reindex(keys, fill_value=0) - shares(a).reindex(keys, fill_value=0)
    return float(0.5 * diff.abs().sum())


def distribution_shift(
    before: pd.Series | Mapping[str, float],
    after: pd.Series | Mapping[str, float],
    title: str | None = None,
    labels: tuple[str, str] = ("before", "after"),
    column: str = "category",
) -> go.Figure:
    """Shares in two versions of a dataset side by side, and the change in percentage points.

    Parameters
    ----------
    before, after : Series or mapping
        Key -> count (or Series of raw labels, counted) of the old and the new version.
    labels : (str, str)
        Names of the two versions.
    column : str
        What the keys are (axis title and link metadata).

    Returns
    -------
    Figure
        Two rows: grouped ``Bar`` traces of the shares (``customdata`` = key) and a ``Bar`` of the
        change in percentage points (green up, red down). The title gives the total variation
        distance.
    """
    b, a = as_counts(before), as_counts(after)
    base = title or f"{column} shift: {labels[0]} -> {labels[1]}"
    if b.empty and a.empty:
        return empty_figure(base)
    # order by the mean of the two shares, so a larger version does not dominate the order
    keys = list(pd.concat([shares(b), shares(a)]).groupby(level=0, sort=False).sum().sort_values(
        ascending=False, kind="stable").index)
    sb, sa = shares(b.reindex(keys, fill_value=0.0)), shares(a.reindex(keys, fill_value=0.0))
    delta = (sa - sb) * 100
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.65, 0.35], vertical_spacing=0.06)
    for name, s, c, color in ((labels[0], sb, b, "#9aa0a6"), (labels[1], sa, a, ACCENT)):
        counts = c.reindex(keys, fill_value=0.0)
        fig.add_trace(go.Bar(x=keys, y=s.tolist(), name=name, marker_color=color, customdata=keys,
                             meta=link("key", column), text=[f"{int(n)}" for n in counts],
                             hovertemplate=name + ": %{x} %{y:.1%} (%{text})<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(x=keys, y=delta.tolist(), name="change (pts)", customdata=keys, showlegend=False,
                         marker_color=["#2ca02c" if d >= 0 else WARN for d in delta],
                         meta=link("key", column),
                         hovertemplate="%{x}: %{y:+.1f} pts<extra></extra>"), row=2, col=1)
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=".0%", title_text="share", row=1, col=1)
    fig.update_yaxes(title_text="change (pts)", zeroline=True, row=2, col=1)
    tvd = total_variation(b, a)
    return finish(fig, f"{base} (total variation {pct(tvd)})" if not math.isnan(tvd) else base)
