"""The map of the records: a 2-D scatter coloured by topic, task type, language, a signal or a status.

Browsers hold a few tens of thousands of WebGL markers comfortably, not a million. Above
``max_points`` the figure draws a seeded sample of the records as markers over a density layer
(a ``Heatmap`` of ALL records' counts, binned here: the figure carries ``bins x bins`` counts, not
every record's coordinates - 14,400 numbers instead of 400,000 at 200k records), so the whole shape
stays visible; a box or lasso selection on the
sampled markers is turned into ALL records inside the region by :func:`records_in_region` /
:func:`records_in_polygon`, which read the full frame, not the figure.

Linked views: every marker trace carries ``customdata`` = ``[record id, row position]`` per point and
``meta = {"link": "ids", "column": "id", "region": True, "x": "map_x", "y": "map_y"}``; a dashboard
reads the selection's box or lasso from the plotly event and calls the region helpers for the full set.
Hover text is the record's prompt (cut, HTML-escaped: data is untrusted).
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._common import empty_figure, finish

MAX_POINTS = 30_000
# up to this many markers are SVG (``Scatter``), more are WebGL (``Scattergl``): a WebGL plot costs the page
# seconds of main thread where the browser has no GPU (headless Chromium, many VMs: 8-10 s of a 17-20 s
# Overview paint at 1k records on a loaded 2-core machine, 5-7 s with SVG; bench_pages), and Jupyter's plotly
# renderer draws every figure a second time to rasterise it to PNG
SVG_MAX_POINTS = 5_000
HOVER_CHARS = 160
MAX_LEGEND = 30      # categorical colours beyond this many values are pooled as "(other)"


def _check(frame: pd.DataFrame, *columns: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"map needs a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c and c not in frame.columns]
    if missing:
        raise KeyError(f"map frame has no column(s) {missing}: compute the 'topics' signal (map_x, map_y) "
                       f"and pass a frame holding {', '.join(missing)}")


def hover_texts(values, limit: int = HOVER_CHARS) -> np.ndarray:
    """Escaped, shortened hover strings (line breaks as ``<br>``, which plotly renders)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        s = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
        s = s if len(s) <= limit else s[:limit] + "…"
        out[i] = html.escape(s).replace("\n", "<br>")
    return out


def density_layer(xs: np.ndarray, ys: np.ndarray, bins: int = 120) -> go.Heatmap:
    """Counts of all points on a ``bins`` x ``bins`` grid as a grey heatmap (cells with no point are
    left blank), binned with numpy so the figure holds the counts, not the points."""
    ok = np.isfinite(xs) & np.isfinite(ys)
    counts, xe, ye = np.histogram2d(xs[ok], ys[ok], bins=int(bins))
    z = counts.T.astype(float)  # rows are y
    z[z == 0] = np.nan
    return go.Heatmap(z=z, x=(xe[:-1] + xe[1:]) / 2, y=(ye[:-1] + ye[1:]) / 2, colorscale="Greys", reversescale=True,
                      showscale=False, name="density", zmin=0, hoverinfo="skip", opacity=0.6)


def sample_positions(n: int, max_points: int, seed: int = 0) -> np.ndarray:
    """Sorted row positions drawn as markers: all rows up to ``max_points``, else a seeded sample."""
    if n <= max_points:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=max_points, replace=False))


def map_figure(frame: pd.DataFrame, color: str | None = "topic", hover: str | None = "prompt",
               max_points: int = MAX_POINTS, x: str = "map_x", y: str = "map_y", id_column: str = "id",
               seed: int = 0, title: str | None = None, density_bins: int = 120) -> go.Figure:
    """A scatter of the map, at most ``max_points`` markers (see the module docstring).

    Parameters
    ----------
    frame : DataFrame
        One row per record with ``x`` / ``y`` (the topics signal's ``map_x`` / ``map_y``), and the
        ``color``, ``hover`` and ``id_column`` columns when given. A ``topic_label`` column, when
        present, names topics in the legend.
    color : str or None
        Column to colour by: categorical (topic, task_type, language, a review status, a flag) gives
        one trace per value; numeric (a score) a colour scale.
    hover : str or None
        Column shown on hover (escaped); None for none.
    max_points : int
        Most markers drawn. Above it: a seeded sample plus a density layer of all records.

    Returns
    -------
    Figure
        ``Scatter`` traces (``Scattergl`` above ``SVG_MAX_POINTS`` markers; ``customdata`` = [id, row
        position]); plus one ``Heatmap`` named
        ``"density"`` (counts of all records) when the frame was sampled.

    Raises
    ------
    KeyError
        When a named column is missing.
    """
    _check(frame, x, y, color, hover)
    title = title or "map of the records" + (f" by {color}" if color else "")
    if frame.empty:
        return empty_figure(title)
    n = len(frame)
    rows = sample_positions(n, max(1, int(max_points)), seed)
    sub = frame.iloc[rows]
    ids = sub[id_column].to_numpy(dtype=object) if id_column in frame.columns else sub.index.to_numpy(dtype=object)
    custom = np.stack([ids, rows.astype(object)], axis=1)
    text = hover_texts(sub[hover].tolist()) if hover else None
    meta = {"link": "ids", "column": id_column, "region": True, "x": x, "y": y}
    fig = go.Figure()
    sampled = len(rows) < n
    if sampled:
        fig.add_trace(density_layer(frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float), density_bins))
    xs, ys = sub[x].to_numpy(), sub[y].to_numpy()
    scatter = go.Scatter if len(rows) <= SVG_MAX_POINTS else go.Scattergl
    hovertemplate = ("%{text}" if hover else "%{customdata[0]}") + "<extra>%{fullData.name}</extra>"
    marker = {"size": 4 if len(rows) > 5_000 else 6, "opacity": 0.7}
    if color is None:
        fig.add_trace(scatter(x=xs, y=ys, mode="markers", name="records", text=text, customdata=custom,
                                   hovertemplate=hovertemplate, marker=marker, meta=meta))
    elif pd.api.types.is_numeric_dtype(sub[color]) and not pd.api.types.is_bool_dtype(sub[color]) \
            and color != "topic" and sub[color].nunique() > MAX_LEGEND:
        fig.add_trace(scatter(x=xs, y=ys, mode="markers", name=color, text=text, customdata=custom,
                                   hovertemplate=hovertemplate, meta={**meta, "color": color},
                                   marker={**marker, "color": sub[color].to_numpy(dtype=float),
                                           "colorscale": "Viridis", "showscale": True,
                                           "colorbar": {"title": {"text": color}}}))
    else:
        groups = _categories(frame, sub, color)
        for key, name in groups:
            m = (sub[color].astype(str).to_numpy() == key) if key is not None else \
                ~sub[color].astype(str).isin([k for k, _ in groups if k is not None]).to_numpy()
            if not m.any():
                continue
            fig.add_trace(scatter(x=xs[m], y=ys[m], mode="markers", name=html.escape(name),
                                       text=text[m] if text is not None else None, customdata=custom[m],
                                       hovertemplate=hovertemplate, marker=marker,
                                       meta={**meta, "key": key, "key_column": color}))
    fig.update_layout(dragmode="lasso", legend={"itemsizing": "constant"})
    fig.update_xaxes(showticklabels=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, zeroline=False)
    note = f" ({len(rows):,} of {n:,} records drawn; shading = all)" if sampled else ""
    return finish(fig, title + note)


def _categories(frame: pd.DataFrame, sub: pd.DataFrame, color: str) -> list[tuple[str | None, str]]:
    """(key, legend name) per colour value, largest first over the whole frame; the tail beyond
    ``MAX_LEGEND`` pooled under key None ("(other)")."""
    counts = frame[color].astype(str).value_counts()
    keys = counts.index.tolist()
    names = {}
    if color == "topic" and "topic_label" in frame.columns:
        lab = frame.groupby(frame["topic"].astype(str), sort=False)["topic_label"].first()
        names = {k: f"{k}: {lab.get(k, '')}" for k in keys}
    out: list[tuple[str | None, str]] = [(k, names.get(k, k)) for k in keys[:MAX_LEGEND]]
    if len(keys) > MAX_LEGEND:
        out.append((None, "(other)"))
    return out


def records_in_region(frame: pd.DataFrame, x0: float, x1: float, y0: float, y1: float,
                      x: str = "map_x", y: str = "map_y") -> np.ndarray:
    """Row positions of ALL records of ``frame`` inside the box (bounds inclusive, in any order).

    Reads the full frame, so records that were not drawn (sampled out) are included.
    """
    _check(frame, x, y)
    xs, ys = frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float)
    lo_x, hi_x = sorted((float(x0), float(x1)))
    lo_y, hi_y = sorted((float(y0), float(y1)))
    return np.flatnonzero((xs >= lo_x) & (xs <= hi_x) & (ys >= lo_y) & (ys <= hi_y))


def records_in_polygon(frame: pd.DataFrame, xs_poly, ys_poly, x: str = "map_x", y: str = "map_y") -> np.ndarray:
    """Row positions of ALL records inside a lasso polygon (plotly's ``selection.lassoPoints``).

    Parameters
    ----------
    xs_poly, ys_poly : sequences of float
        The polygon's vertices (closed implicitly). Fewer than three vertices select nothing.
    """
    _check(frame, x, y)
    px, py = np.asarray(xs_poly, dtype=float), np.asarray(ys_poly, dtype=float)
    if len(px) < 3 or len(px) != len(py):
        return np.zeros(0, dtype=np.int64)
    # a box prefilter: the exact test runs on the points near the polygon only
    near = records_in_region(frame, px.min(), px.max(), py.min(), py.max(), x, y)
    qx = frame[x].to_numpy(dtype=float)[near]
    qy = frame[y].to_numpy(dtype=float)[near]
    inside = np.zeros(len(near), dtype=bool)
    # even-odd ray casting, one vectorised pass over the points per polygon edge
    for xi, yi, xj, yj in zip(px, py, np.roll(px, 1), np.roll(py, 1)):
        crosses = (yi > qy) != (yj > qy)
        if not crosses.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            at = (xj - xi) * (qy - yi) / (yj - yi) + xi
        inside ^= crosses & (qx < at)
    return near[inside]
