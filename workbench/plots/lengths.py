"""Length distributions: per role, per category, with the guideline window and outliers marked."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from ._common import WARN, WINDOW_FILL, empty_figure, finish, link, numeric, record_ids, require_columns

Window = Sequence[float | None] | None
PALETTE = qualitative.Plotly


def _bins(values: np.ndarray, nbins: int) -> dict[str, float]:
    """Shared bins for every trace of a figure, so stacked categories and outliers line up."""
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    if hi <= lo:
        return {"start": lo - 0.5, "end": hi + 0.5, "size": 1.0}
    size = (hi - lo) / max(int(nbins), 1)
    if np.allclose(values[~np.isnan(values)] % 1, 0):  # integer counts: whole-number bins
        size = max(1.0, float(np.ceil(size)))
    return {"start": lo, "end": hi + size, "size": size}


def _window_bounds(window: Window, values: np.ndarray) -> tuple[float, float] | None:
    if window is None:
        return None
    lo, hi = [*list(window), None, None][:2]
    if lo is None and hi is None:
        return None
    finite = values[~np.isnan(values)]
    lo = float(lo) if lo is not None else min(0.0, float(finite.min()) if finite.size else 0.0)
    hi = float(hi) if hi is not None else (float(finite.max()) if finite.size else lo)
    return lo, hi


def _add_window(fig: go.Figure, bounds: tuple[float, float] | None, row: Any = None,
                label: bool = True) -> None:
    if bounds is None:
        return
    kw: dict[str, Any] = {"row": row, "col": 1} if row is not None else {}
    if label:
        kw.update(annotation_text=f"guideline {bounds[0]:g}-{bounds[1]:g}", annotation_position="top left")
    fig.add_vrect(x0=bounds[0], x1=bounds[1], fillcolor=WINDOW_FILL, opacity=0.12, line_width=0,
                  layer="below", name="guideline window", **kw)


def _window_for(window: Window | Mapping[Any, Window], category: Any) -> Window:
    if isinstance(window, Mapping):
        return window.get(category, window.get(None, window.get("default")))
    return window


def length_histogram(
    frame: pd.DataFrame,
    column: str = "response_words",
    by: str | None = None,
    window: Window | Mapping[Any, Window] | None = None,
    outlier_column: str | None = None,
    log: bool = False,
    id_column: str = "id",
    nbins: int = 40,
    facet: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Histogram of a length column with the guideline window shaded and outliers marked.

    Parameters
    ----------
    frame : DataFrame
        Signal frame. Columns: ``id_column`` (record ids, else the index is used), ``column``
        (numeric length), optionally ``by`` (category) and ``outlier_column`` (bool flag).
    column : str
        Length column, e.g. ``response_words``, ``prompt_chars``, ``response_tokens``.
    by : str, optional
        Category column: one stacked trace (colour) per category, or one row each with ``facet``.
    window : (low, high), mapping category -> (low, high), or None
        Guideline length window drawn as a shaded ``vrect``; either end may be None (open). None
        (the default, and what ``Guidelines.window_for`` gives when no window is set) draws none.
        A mapping gives per-category windows (each facet its own; without facets every distinct
        window is drawn).
    outlier_column : str, optional
        Bool column (the text-statistics signal's is ``is_length_outlier``); flagged records are
        drawn as a separate red ``outliers`` trace.
    log : bool
        Logarithmic count axis (shows the long tail).
    nbins : int
        Approximate number of bins (shared by every trace).
    facet : bool
        With ``by``: one subplot row per category instead of stacking.

    Returns
    -------
    Figure
        Histogram traces with ``customdata`` = record ids (``meta={"link": "ids"}``).
    """
    title = title or f"{column} distribution"
    if not require_columns(frame, "length_histogram", column, by):
        return empty_figure(title)
    values = numeric(frame[column])
    keep = ~np.isnan(values)
    if not keep.any():
        return empty_figure(title)
    df = frame.loc[keep]
    values = values[keep]
    ids = np.array(record_ids(df, id_column), dtype=object)
    outlier = (df[outlier_column].fillna(False).astype(bool).to_numpy()
               if outlier_column and outlier_column in df.columns else np.zeros(len(df), dtype=bool))
    bins = _bins(values, nbins)
    groups = [(None, np.ones(len(df), dtype=bool))]
    if by is not None:
        cats = df[by].astype(object).where(df[by].notna(), "unknown").map(str).to_numpy()
        groups = [(c, cats == c) for c in pd.unique(cats)]
    rows = facet and by is not None and len(groups) > 1
    fig = make_subplots(rows=len(groups), cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        subplot_titles=[str(c) for c, _ in groups]) if rows else go.Figure()
    for i, (cat, mask) in enumerate(groups):
        row = i + 1 if rows else None
        inl = mask & ~outlier
        hist = go.Histogram(x=values[inl], customdata=ids[inl], xbins=bins, name=str(cat or column),
                            meta=link("ids"), showlegend=by is not None and not rows,
                            hovertemplate="%{x}: %{y} records<extra>" + str(cat or column) + "</extra>")
        fig.add_trace(hist, row=row, col=1 if rows else None)
        out = mask & outlier
        if outlier.any() and (rows or i == len(groups) - 1):
            out = out if rows else outlier
            fig.add_trace(go.Histogram(x=values[out], customdata=ids[out], xbins=bins, name="outliers",
                                       marker_color=WARN, meta=link("ids"), legendgroup="outliers",
                                       showlegend=i == 0 or not rows,
                                       hovertemplate="%{x}: %{y} outliers<extra></extra>"),
                          row=row, col=1 if rows else None)
        if rows:
            _add_window(fig, _window_bounds(_window_for(window, cat), values), row=row,
                        label=isinstance(window, Mapping) or i == 0)
    if not rows:
        if isinstance(window, Mapping):
            seen = {tuple(w) for w in window.values() if w is not None}
            for j, w in enumerate(sorted(seen, key=str)):
                _add_window(fig, _window_bounds(w, values), label=j == 0)
        else:
            _add_window(fig, _window_bounds(window, values))
    fig.update_layout(barmode="stack", bargap=0.02)
    if log:
        fig.update_yaxes(type="log")
    if rows:
        fig.update_layout(height=max(300, 170 * len(groups)))
        fig.update_xaxes(title_text=column, row=len(groups), col=1)
        return finish(fig, title)
    return finish(fig, title, xlabel=column, ylabel="records")


def _role_box(y: np.ndarray, ids: np.ndarray, role: str, col: str, unit: str, max_points: int,
              color: str) -> list[go.BaseTraceType]:
    hover = "%{y} " + unit + "<br>%{customdata}<extra>" + role + "</extra>"
    if len(y) <= max_points:
        return [go.Box(y=y, name=role, customdata=ids, boxmean=True, boxpoints="outliers",
                       marker_color=color, meta=link("ids", col), hovertemplate=hover)]
    q1, med, q3 = np.percentile(y, [25, 50, 75])
    lo_f, hi_f = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    inside = (y >= lo_f) & (y <= hi_f)
    box = go.Box(x=[role], name=role, q1=[q1], median=[med], q3=[q3], mean=[float(y.mean())],
                 lowerfence=[float(y[inside].min())], upperfence=[float(y[inside].max())],
                 marker_color=color, meta=link("ids", col), customdata=[None])
    out = go.Scatter(x=[role] * int((~inside).sum()), y=y[~inside], customdata=ids[~inside],
                     mode="markers", name=f"{role} outliers", meta=link("ids", col), hovertemplate=hover,
                     marker={"size": 4, "opacity": 0.6, "color": color})
    return [box, out]


def length_by_role(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    unit: str = "words",
    id_column: str = "id",
    window: Window = None,
    log: bool = False,
    max_points: int = 20_000,
    title: str | None = None,
) -> go.Figure:
    """Box plot of lengths per role (prompt, response, ...) side by side.

    Parameters
    ----------
    frame : DataFrame
        Signal frame. Columns: ``id_column`` and one numeric length column per role.
    columns : mapping role -> column, optional
        Defaults to ``prompt_<unit>`` (else ``user_<unit>``) and ``response_<unit>`` (else
        ``assistant_<unit>``), the text-statistics signal's columns; roles whose column is missing
        are skipped.
    unit : {"words", "chars", "tokens"}
        Unit of the default columns and of the axis title.
    window : (low, high), optional
        Guideline window (for the response) drawn as a shaded horizontal band.
    log : bool
        Logarithmic length axis.
    max_points : int
        Above this many records a role's box is sent as precomputed quartiles and only its
        outliers (beyond 1.5 IQR) as points, so a 100k-record figure stays small.

    Returns
    -------
    Figure
        One ``Box`` trace per role named after it, ``customdata`` = record ids of its points; for
        large inputs the box carries no points and a ``Scatter`` named ``"<role> outliers"``
        holds the outliers with their ids.
    """
    title = title or f"length per role ({unit})"
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return empty_figure(title)
    if columns is not None:
        require_columns(frame, "length_by_role", *dict(columns).values())
    else:
        candidates = {"prompt": (f"prompt_{unit}", f"user_{unit}"),
                      "response": (f"response_{unit}", f"assistant_{unit}")}
        columns = {role: next((c for c in cols if c in frame.columns), cols[0])
                   for role, cols in candidates.items()}
    ids = np.array(record_ids(frame, id_column), dtype=object)
    fig = go.Figure()
    top = 0.0
    for role, col in dict(columns).items():
        if col not in frame.columns:
            continue
        y = numeric(frame[col])
        keep = ~np.isnan(y)
        if not keep.any():
            continue
        top = max(top, float(y[keep].max()))
        color = PALETTE[len({t.name for t in fig.data if t.type == "box"}) % len(PALETTE)]
        for trace in _role_box(y[keep], ids[keep], role, col, unit, max_points, color):
            fig.add_trace(trace)
    if not fig.data:
        return empty_figure(title)
    if window is not None:
        lo, hi = [*list(window), None, None][:2]
        fig.add_hrect(y0=lo or 0, y1=hi if hi is not None else top,
                      fillcolor=WINDOW_FILL, opacity=0.12, line_width=0, layer="below",
                      annotation_text="guideline window", annotation_position="top left")
    if log:
        fig.update_yaxes(type="log")
    return finish(fig, title, ylabel=unit, showlegend=False)
