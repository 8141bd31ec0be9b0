"""Annotator quality: rating distributions, accuracy on gold, drift over a session, edit effort."""
from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._bands import EDGES, band_color
from ._common import ACCENT, WARN, empty_figure, finish, link, numeric, record_ids, require_columns


def _order(values: pd.Series, order: Sequence | None) -> list:
    if order is not None:
        return list(order)
    num = pd.to_numeric(values, errors="coerce")
    if num.notna().all():
        return sorted(pd.unique(num).tolist())
    return sorted(pd.unique(values.astype(str)).tolist())


def rating_distributions(
    long: pd.DataFrame,
    field: str | None = "overall",
    order: Sequence | None = None,
    normalize: bool = True,
    annotator_col: str = "annotator",
    value_col: str = "value",
    field_col: str = "field",
    title: str | None = None,
) -> go.Figure:
    """Grouped bars: each annotator's distribution of ratings (or labels) on one field.

    Parameters
    ----------
    long : DataFrame
        Long annotation table. Columns: ``annotator_col``, ``value_col`` and, when ``field`` is
        given and the column exists, ``field_col`` (rows of other fields are ignored).
    field : str or None
        Field to show; None uses every row.
    order : sequence, optional
        Order of the rating values / labels (numeric values are sorted, labels alphabetically).
    normalize : bool
        Share of each annotator's ratings (annotators with different volumes compare) or counts.

    Returns
    -------
    Figure
        One ``Bar`` trace per annotator (legend: name, n and mean for numeric ratings);
        ``customdata[i] = [annotator, value]`` (``meta={"link": "annotator_value"}``).
    """
    title = title or (f"ratings per annotator: {field}" if field else "ratings per annotator")
    if not require_columns(long, "rating_distributions", annotator_col, value_col):
        return empty_figure(title)
    df = long
    if field is not None and field_col in df.columns:
        df = df[df[field_col] == field]
    df = df[df[value_col].notna()]
    if df.empty:
        return empty_figure(title)
    numeric_values = pd.to_numeric(df[value_col], errors="coerce").notna().all() and order is None
    values = pd.to_numeric(df[value_col]) if numeric_values else df[value_col].astype(str)
    levels = _order(values, order)
    keys = levels if numeric_values else [str(v) for v in levels]
    fig = go.Figure()
    for ann, vals in values.groupby(df[annotator_col].astype(str), sort=True):
        counts = vals.value_counts().reindex(keys, fill_value=0)
        y = counts / counts.sum() if normalize and counts.sum() else counts
        name = f"{ann} (n={len(vals)}" + (f", mean {vals.mean():.2f})" if numeric_values else ")")
        fig.add_trace(go.Bar(x=[str(v) for v in levels], y=y.tolist(), name=name,
                             customdata=[[ann, v] for v in levels], meta=link("annotator_value", field_col),
                             hovertemplate=f"{ann}: " + "%{x}: %{y" + (":.1%" if normalize else "")
                             + "}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[str(v) for v in levels])
    if normalize:
        fig.update_yaxes(tickformat=".0%")
    return finish(fig, title, xlabel=field or value_col, ylabel="share" if normalize else "ratings")


def _wilson(p: np.ndarray, n: np.ndarray, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of a proportion (NaN where n is 0 or unknown)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def esc_tick(text: object) -> str:
    """Text for a plotly label (which reads a few HTML tags): shown as written."""
    return html.escape(str(text), quote=False)


def gold_accuracy(
    frame: pd.DataFrame,
    annotator_col: str = "annotator",
    accuracy_col: str = "accuracy",
    n_col: str | None = None,
    target: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """Bars of each annotator's accuracy on gold items with 95% Wilson intervals.

    Parameters
    ----------
    frame : DataFrame
        Columns ``annotator_col``, ``accuracy_col`` (in [0, 1]) and a gold-item count ``n_col``
        (default: ``n_gold`` if present, else ``n``); a ``field`` column gives one trace per field
        (as :func:`workbench.agreement.gold_accuracy` returns).
    target : float, optional
        Required accuracy, a dashed line; bars below it are red.

    Returns
    -------
    Figure
        ``Bar`` trace(s), x = annotator, y = accuracy, text ``"83% (n=12)"``, ``customdata`` =
        annotator (``meta={"link": "key", "column": annotator_col}``). The figures are written under
        the bars, horizontally (one field: in the annotator's axis label), never inside a bar where the
        interval's error bar would cover them or a narrow bar would turn them vertical; the bars' text
        is shown on hover.
    """
    title = title or "accuracy on gold items"
    if not require_columns(frame, "gold_accuracy", annotator_col, accuracy_col, n_col):
        return empty_figure(title)
    n_col = n_col or next((c for c in ("n_gold", "n") if c in frame.columns), None)
    df = frame[frame[accuracy_col].notna()]
    if df.empty:
        return empty_figure(title)
    groups = df.groupby("field", sort=False) if "field" in df.columns and df["field"].nunique() > 1 \
        else [(None, df)]
    fig = go.Figure()
    for fld, g in groups:
        acc = numeric(g[accuracy_col])
        n = numeric(g[n_col]) if n_col and n_col in g.columns else np.full(len(g), np.nan)
        lo, hi = _wilson(acc, n)
        names = g[annotator_col].astype(str).tolist()
        colors = [WARN if target is not None and a < target else ACCENT for a in acc] if fld is None else None
        fig.add_trace(go.Bar(
            x=names, y=acc.tolist(), name=str(fld) if fld is not None else "accuracy", customdata=names,
            text=[f"{a:.0%}" + ("" if math.isnan(k) else f" (n={int(k)})") for a, k in zip(acc, n)],
            textposition="none", marker_color=colors, meta=link("key", annotator_col),
            error_y={"type": "data", "symmetric": False, "array": np.nan_to_num(hi - acc).tolist(),
                     "arrayminus": np.nan_to_num(acc - lo).tolist(), "visible": bool(np.isfinite(n).any())},
            hovertemplate="%{x}: %{text}<extra></extra>"))
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", line_color=WARN, annotation_text=f"target {target:.0%}")
    fig.update_layout(barmode="group", showlegend=len(fig.data) > 1)
    fig.update_yaxes(range=[0, 1.08], tickformat=".0%")
    if len(fig.data) == 1:  # one field: each annotator's figure under its bar, horizontal
        bar = fig.data[0]
        fig.update_xaxes(tickmode="array", tickvals=list(bar.x),
                         ticktext=[f"{esc_tick(x)}<br>{esc_tick(t)}" for x, t in zip(bar.x, bar.text)])
    fig.update_xaxes(tickangle=0, automargin=True)
    return finish(fig, title, xlabel="annotator", ylabel="accuracy")


def annotator_drift(
    frame: pd.DataFrame,
    annotator_col: str = "annotator",
    x: str | None = None,
    y: str | None = None,
    id_column: str = "record_id",
    title: str | None = None,
) -> go.Figure:
    """Lines of each annotator's rolling agreement over their sequence of annotations.

    Parameters
    ----------
    frame : DataFrame
        As :func:`workbench.agreement.drift` returns. Columns: ``annotator_col``, ``x`` (default
        ``position`` if present, else ``time``, else the row order per annotator), ``y`` (default
        ``rolling_agreement`` if present, else ``agreement``) and ``id_column`` (record ids).

    Returns
    -------
    Figure
        One ``Scatter`` line per annotator, ``customdata`` = record ids, over dashed lines at the
        band edges 0.4 / 0.6 / 0.8 when y is an agreement in [0, 1].
    """
    title = title or "agreement over time"
    if not require_columns(frame, "annotator_drift", annotator_col, x, y):
        return empty_figure(title)
    x = x or next((c for c in ("position", "time") if c in frame.columns), None)
    y = y or next((c for c in ("rolling_agreement", "agreement") if c in frame.columns), None)
    if y is None or y not in frame.columns or (x is not None and x not in frame.columns):
        return empty_figure(title)
    fig = go.Figure()
    for ann, g in frame.groupby(frame[annotator_col].astype(str), sort=True):
        vals = numeric(g[y])
        if np.isnan(vals).all():
            continue
        xs = g[x].tolist() if x else list(range(len(g)))
        fig.add_trace(go.Scatter(x=xs, y=vals.tolist(), mode="lines+markers", name=ann,
                                 customdata=record_ids(g, id_column), meta=link("ids"), marker={"size": 4},
                                 hovertemplate=f"{ann}: " + "%{y:.2f}<br>%{customdata}<extra></extra>"))
    if not fig.data:
        return empty_figure(title)
    if "agreement" in y:
        for e in EDGES:
            fig.add_hline(y=e, line_dash="dot", line_color=band_color(e + 0.01), line_width=1)
        fig.update_yaxes(range=[-0.02, 1.02])
    return finish(fig, title, xlabel=x or "annotation #", ylabel=y)


def edit_effort(
    frame: pd.DataFrame,
    reviewer_col: str = "reviewer",
    value_col: str = "char_ratio",
    id_column: str = "record_id",
    cosmetic: float | None = 0.1,
    flag_col: str | None = "cosmetic_on_poor",
    title: str | None = None,
) -> go.Figure:
    """Box-and-strip plot of edit effort (normalised edit distance) per reviewer.

    Parameters
    ----------
    frame : DataFrame
        As :func:`workbench.store.effort.edit_effort` returns. Columns: ``reviewer_col``,
        ``value_col`` (``char_ratio`` or ``word_ratio``, 0 = unchanged), ``id_column`` and optionally
        ``flag_col`` (bool: cosmetic edit on a poorly rated / rejected record).
    cosmetic : float, optional
        Ratio under which an edit is cosmetic, a dashed line.

    Returns
    -------
    Figure
        One ``Box`` per reviewer (all points shown, ``customdata`` = record ids) and, when any
        record is flagged, a red ``Scatter`` named ``"cosmetic edit on poor record"``.
    """
    title = title or f"edit effort per reviewer ({value_col})"
    if not require_columns(frame, "edit_effort", reviewer_col, value_col):
        return empty_figure(title)
    fig = go.Figure()
    for rev, g in frame.groupby(frame[reviewer_col].astype(str), sort=True):
        vals = numeric(g[value_col])
        keep = ~np.isnan(vals)
        if not keep.any():
            continue
        fig.add_trace(go.Box(y=vals[keep].tolist(), x=[rev] * int(keep.sum()), name=rev, boxpoints="all",
                             jitter=0.4, pointpos=0, customdata=np.array(record_ids(g, id_column),
                                                                          dtype=object)[keep],
                             meta=link("ids"), hovertemplate="%{y:.2f}<br>%{customdata}<extra>" + rev
                             + "</extra>"))
    if not fig.data:
        return empty_figure(title)
    if flag_col and flag_col in frame.columns:
        flagged = frame[frame[flag_col].fillna(False).astype(bool)]
        if not flagged.empty:
            fig.add_trace(go.Scatter(
                x=flagged[reviewer_col].astype(str).tolist(), y=numeric(flagged[value_col]).tolist(),
                mode="markers", name="cosmetic edit on poor record", meta=link("ids"),
                customdata=record_ids(flagged, id_column), marker={"color": WARN, "symbol": "x", "size": 9},
                hovertemplate="%{y:.2f}<br>%{customdata}<extra>cosmetic on poor</extra>"))
    if cosmetic is not None:
        fig.add_hline(y=cosmetic, line_dash="dash", line_color=WARN, annotation_text="cosmetic",
                      annotation_position="top left")
    return finish(fig, title, xlabel="reviewer", ylabel=value_col)
