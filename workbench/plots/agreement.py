"""Agreement: the kappa matrix coloured by interpretation band, alpha per field with intervals."""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._bands import COLORS, ORDER, RANGES, band, band_color, colorscale
from ._common import empty_figure, finish, is_empty, link


def _fmt(v: float) -> str:
    return "" if math.isnan(v) else f"{v:.2f}"


def kappa_heatmap(
    kappa: pd.DataFrame,
    n_shared: pd.DataFrame | None = None,
    diagonal: bool = False,
    metric: str = "kappa",
    title: str | None = None,
) -> go.Figure:
    """Annotated heatmap of pairwise agreement, coloured by interpretation band.

    Parameters
    ----------
    kappa : DataFrame
        Square annotator x annotator matrix (``KappaMatrix.kappa``); NaN where undefined.
    n_shared : DataFrame, optional
        Same shape: items each pair rated in common (``KappaMatrix.n_shared``); shown in the hover
        as ``n=12``.
    diagonal : bool
        Draw the diagonal (1.0 by construction); by default it is left blank and its hover tells
        how many items the annotator rated.
    metric : str
        Name of the coefficient in the hover (e.g. ``"weighted kappa"``).

    Returns
    -------
    Figure
        One ``Heatmap`` trace: ``z`` the values clipped to [0, 1] (negative values share the "low"
        colour; blank cells NaN), ``text`` the values with two decimals (unclipped), a discrete
        colourscale over [0, 1] with steps at 0.4 / 0.6 / 0.8, ``hovertext``
        with the band and ``n=``; ``customdata[i][j] = [annotator_y, annotator_x, n, band]``
        (``meta={"link": "pair"}``).
    """
    title = title or f"{metric} between annotators"
    if not isinstance(kappa, pd.DataFrame) or kappa.empty:
        return empty_figure(title)
    rows, cols = [str(r) for r in kappa.index], [str(c) for c in kappa.columns]
    z = kappa.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float).copy()
    n = None
    if isinstance(n_shared, pd.DataFrame) and not n_shared.empty:
        n = n_shared.reindex(index=kappa.index, columns=kappa.columns).to_numpy(dtype=float)
    text, hover, custom = [], [], []
    for i, a in enumerate(rows):
        trow, hrow, crow = [], [], []
        for j, b in enumerate(cols):
            k = n[i, j] if n is not None else float("nan")
            ns = "" if math.isnan(k) else f"n={int(k)}"
            if a == b and not diagonal:
                z[i, j] = np.nan
                trow.append("")
                hrow.append(f"{a}" + (f": {int(k)} items rated" if ns else ""))
                crow.append([a, b, None if math.isnan(k) else int(k), None])
                continue
            v = z[i, j]
            label = band(v)
            trow.append(_fmt(v))
            hrow.append(f"{a} vs {b}<br>{metric} {_fmt(v) or 'undefined'} ({label})"
                        + (f"<br>{ns} shared items" if ns else ""))
            crow.append([a, b, None if math.isnan(k) else int(k), label])
        text.append(trow)
        hover.append(hrow)
        custom.append(crow)
    if np.isnan(z).all():
        return empty_figure(title, "no pair of annotators shares enough items")
    z = np.clip(z, 0.0, 1.0)  # below 0 is "low" like 0..0.4: keep the colour bar readable
    fig = go.Figure(go.Heatmap(
        z=z.tolist(), x=cols, y=rows, text=text, texttemplate="%{text}", hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>", customdata=custom, meta=link("pair"),
        colorscale=colorscale(0.0, 1.0), zmin=0.0, zmax=1.0, xgap=2, ygap=2, hoverongaps=True,
        colorbar={"title": {"text": metric}, "tickvals": [0, 0.4, 0.6, 0.8, 1.0],
                  "ticktext": ["≤0", "0.4", "0.6", "0.8", "1"]}))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="bottom")
    side = max(320, 60 * len(rows) + 160)
    fig.update_layout(plot_bgcolor="white", height=side, width=side + 120)
    return finish(fig, title)


def _alpha_rows(rows: Any) -> pd.DataFrame:
    """``rows`` (DataFrame, or mapping field -> (estimate, low, high) / {estimate, low, high} /
    Interval) as a DataFrame ``field, estimate, low, high``."""
    if isinstance(rows, Mapping) and isinstance(rows.get("fields"), Mapping):  # agreement_summary()
        rows = {f: next((v for k, v in d.get("metrics", {}).items() if k.startswith("alpha")), None)
                for f, d in rows["fields"].items() if isinstance(d, Mapping)}
    if isinstance(rows, pd.DataFrame):
        df = rows.copy()
        if "field" not in df.columns:
            df = df.reset_index().rename(columns={df.index.name or "index": "field"})
        if "estimate" not in df.columns:
            df = df.rename(columns={"value": "estimate", "alpha": "estimate"})
    elif not isinstance(rows, (Mapping, pd.Series)):
        return pd.DataFrame(columns=["field", "estimate", "low", "high"])
    else:
        recs = []
        for f, v in dict(rows).items():
            if isinstance(v, Mapping):
                est = next((v[k] for k in ("estimate", "value", "alpha") if k in v), None)
                recs.append({"field": f, "estimate": est,
                             "low": v.get("low"), "high": v.get("high")})
            elif isinstance(v, (tuple, list)):
                e, lo, hi = [*list(v), None, None, None][:3]
                recs.append({"field": f, "estimate": e, "low": lo, "high": hi})
            else:
                recs.append({"field": f, "estimate": v, "low": None, "high": None})
        df = pd.DataFrame(recs, columns=["field", "estimate", "low", "high"])
    for c in ("estimate", "low", "high"):
        df[c] = pd.to_numeric(df[c], errors="coerce") if c in df.columns else np.nan
    df["field"] = df["field"].map(str)
    return df


def _add_band_background(fig: go.Figure, y_min: float, horizontal: bool = True) -> None:
    for label in ORDER:
        lo, hi = RANGES[label]
        lo = max(lo, y_min)
        if hi <= lo:
            continue
        shape = {"fillcolor": COLORS[label], "opacity": 0.18, "line_width": 0, "layer": "below",
                 "name": label, "annotation_text": label.split(" (")[0],
                 "annotation_position": "top right",
                 "annotation_font": {"size": 10, "color": "#555"}}
        if horizontal:
            fig.add_hrect(y0=lo, y1=hi, **shape)
        else:
            fig.add_vrect(x0=lo, x1=hi, **shape)


def alpha_by_field(rows: Any, metric: str = "Krippendorff's alpha", title: str | None = None) -> go.Figure:
    """Alpha per field as points with interval error bars over the interpretation bands.

    Parameters
    ----------
    rows : DataFrame or mapping
        Columns ``field, estimate, low, high`` (NaN bounds: no bar; ``value`` or ``alpha`` may
        stand for ``estimate``), or field -> ``(estimate, low, high)`` / ``Interval`` /
        ``{"estimate" | "value", "low", "high"}`` / a bare estimate, or the dict
        :func:`workbench.agreement.agreement_summary` returns (each field's first ``alpha_*``
        metric: ordinal for ratings, nominal for labels).
    metric : str
        Axis title.

    Returns
    -------
    Figure
        One ``Scatter`` trace (x = field, y = estimate, ``error_y`` to low/high, markers coloured
        by band, ``customdata`` = field) over one shaded ``hrect`` per band.
    """
    title = title or f"{metric} per field"
    if is_empty(rows):
        return empty_figure(title)
    df = _alpha_rows(rows)
    df = df[df["estimate"].notna()]
    if df.empty:
        return empty_figure(title)
    est, lo, hi = (df[c].to_numpy(dtype=float) for c in ("estimate", "low", "high"))
    plus = np.where(np.isnan(hi), 0.0, np.maximum(hi - est, 0.0))
    minus = np.where(np.isnan(lo), 0.0, np.maximum(est - lo, 0.0))
    fields = df["field"].tolist()
    hover = [f"{f}: {e:.3f}" + ("" if math.isnan(a) or math.isnan(b) else f" [{a:.3f}, {b:.3f}]")
             + f"<br>{band(e)}" for f, e, a, b in zip(fields, est, lo, hi)]
    fig = go.Figure(go.Scatter(
        x=fields, y=est.tolist(), mode="markers", name=metric, customdata=fields, meta=link("key", "field"),
        error_y={"type": "data", "symmetric": False, "array": plus.tolist(), "arrayminus": minus.tolist(),
                 "color": "#333", "thickness": 1.5, "width": 6},
        marker={"size": 12, "color": [band_color(e) for e in est], "line": {"width": 1, "color": "#333"}},
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    y_min = min(0.0, float(np.nanmin(np.concatenate([est, lo]))) - 0.05)
    _add_band_background(fig, y_min)
    fig.update_yaxes(range=[y_min, 1.05])
    fig.update_xaxes(type="category")
    return finish(fig, title, xlabel="field", ylabel=metric, showlegend=False)
