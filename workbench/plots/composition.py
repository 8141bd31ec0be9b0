"""Composition: category mix against the target, inferred task types and topics, tags and languages."""
from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ._common import ACCENT, WARN, as_counts, empty_figure, finish, is_empty, link, pct, shares


def category_distribution(
    counts: Mapping[str, Any] | pd.Series,
    target_mix: Mapping[str, float] | None = None,
    column: str = "category",
    tolerance: float = 0.05,
    title: str | None = None,
) -> go.Figure:
    """Bars of each category's share with the target share as a marker.

    Parameters
    ----------
    counts : mapping or Series
        Category -> count (``quality.json["categories"]``; entries may be ``{"count": n,
        "target": share}`` as in ``category_distribution.json``, whose targets are used when
        ``target_mix`` is None), or a Series of raw category labels (``frame["category"]``), which
        is counted.
    target_mix : mapping category -> share, optional
        Target mix from the guidelines; normalised to sum to 1. Categories with a target but no
        record get a zero bar (missing coverage).
    column : str
        Column the categories come from (for the link metadata and the axis title).
    tolerance : float
        Bars further than this from their target (absolute share) are drawn in red.

    Returns
    -------
    Figure
        A ``Bar`` trace (``customdata`` = category keys) and, with a target, a ``Scatter`` of
        target markers named ``"target"``.
    """
    title = title or f"{column} distribution"
    c = as_counts(counts)
    if target_mix is None and isinstance(counts, Mapping):  # report entries {"count", "share", "target"}
        target_mix = {k: v["target"] for k, v in counts.items()
                      if isinstance(v, Mapping) and isinstance(v.get("target"), (int, float))}
    target = as_counts(target_mix or {}, sort=False)
    if c.empty and target.empty:
        return empty_figure(title)
    target = shares(target)
    keys = list(c.index) + [k for k in target.index if k not in c.index]
    c = c.reindex(keys, fill_value=0.0)
    share = shares(c)
    tgt = target.reindex(keys)
    off = (share - tgt).abs() > tolerance
    colors = [WARN if bool(o) else ACCENT for o in off.fillna(False)]
    hover = [f"{k}: {int(n)} records, {pct(s)}" + (f"<br>target {pct(t)} ({100 * (s - t):+.1f} pts)"
                                                   if not math.isnan(t) else "")
             for k, n, s, t in zip(keys, c, share, tgt)]
    fig = go.Figure(go.Bar(x=keys, y=share.tolist(), customdata=keys, name="actual", marker_color=colors,
                           text=[f"{int(n)}" for n in c], textposition="outside", hovertext=hover,
                           hovertemplate="%{hovertext}<extra></extra>", meta=link("key", column)))
    if not target.empty:
        fig.add_trace(go.Scatter(x=keys, y=tgt.tolist(), mode="markers", name="target", customdata=keys,
                                 marker={"symbol": "line-ew-open", "size": 28, "line": {"width": 3},
                                         "color": "black"},
                                 hovertemplate="%{x}: target %{y:.1%}<extra></extra>",
                                 meta=link("key", column)))
    fig.update_yaxes(tickformat=".0%")
    return finish(fig, title, xlabel=column, ylabel="share of records")


def _is_list(v: Any) -> bool:
    return isinstance(v, Iterable) and not isinstance(v, (str, bytes, Mapping))


def _missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _explode_tags(tags: Any) -> tuple[pd.Series, int | None]:
    """Tag counts and the number of records, when ``tags`` is a per-record Series of lists."""
    if isinstance(tags, pd.Series) and any(_is_list(v) for v in tags):
        lists = [list(v) if _is_list(v) else ([] if _missing(v) else [v]) for v in tags]
        flat = [str(t) for ts in lists for t in ts if not _missing(t)]
        return as_counts(pd.Series(flat, dtype=object)), len(tags)
    return as_counts(tags), None


def _bar_counts(counts: pd.Series, column: str, title: str, ylabel: str, top: int | None,
                n_records: int | None = None, horizontal: bool = True) -> go.Figure:
    if counts.empty:
        return empty_figure(title)
    other = counts.iloc[top:].sum() if top and len(counts) > top else 0.0
    counts = counts.iloc[:top] if top else counts
    if other:
        counts = pd.concat([counts, pd.Series({"other": other})])
    keys = [str(k) for k in counts.index]
    share = counts / n_records if n_records else shares(counts)
    text = [f"{int(n)} ({pct(s)})" for n, s in zip(counts, share)]
    bar = go.Bar(customdata=keys, text=text, textposition="auto", meta=link("key", column),
                 marker_color=ACCENT, hovertemplate="%{customdata}: %{text}<extra></extra>")
    if horizontal:
        bar.update(x=counts.tolist(), y=keys, orientation="h")
    else:
        bar.update(x=keys, y=counts.tolist())
    fig = go.Figure(bar)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        fig.update_layout(height=max(300, 22 * len(keys) + 120))
    return finish(fig, title, xlabel="records" if horizontal else column,
                  ylabel=None if horizontal else ylabel)


def tag_distribution(tags: Any, top: int | None = 30, column: str = "tags",
                     title: str | None = None) -> go.Figure:
    """Horizontal bars of tag frequencies, most frequent first.

    Parameters
    ----------
    tags : mapping, Series or list
        Tag -> count, or a per-record Series whose values are lists of tags (then the share is the
        share of records carrying the tag), or a Series of single labels.
    top : int, optional
        Show the ``top`` most frequent tags; the rest are summed into ``"other"``.
    column : str
        Column the tags come from (link metadata).

    Returns
    -------
    Figure
        One horizontal ``Bar`` trace, ``customdata`` = tag keys.
    """
    counts, n = _explode_tags(tags) if not is_empty(tags) else (pd.Series(dtype=float), None)
    return _bar_counts(counts, column, title or "tags", "records", top, n_records=n)


def language_distribution(languages: Any, top: int | None = 20, column: str = "language",
                          title: str | None = None) -> go.Figure:
    """Bars of records per language code.

    Parameters
    ----------
    languages : mapping, Series or list
        Code -> count (``quality.json["languages"]``) or a Series of per-record codes (None counts
        as ``"unknown"``).
    top : int, optional
        Show the ``top`` languages; the rest are summed into ``"other"``.
    column : str
        Language column of the signal frame (link metadata).

    Returns
    -------
    Figure
        One horizontal ``Bar`` trace, ``customdata`` = language codes.
    """
    return _bar_counts(as_counts(languages), column, title or "languages", "records", top)


def task_type_distribution(task_types: Any, column: str = "task_type", title: str | None = None) -> go.Figure:
    """Horizontal bars of records per inferred task type (``workbench.model.taxonomy``), most first.

    Parameters
    ----------
    task_types : mapping, Series or list
        Type -> count, or a per-record Series of types (the ``task_type`` signal column).
    column : str
        Column the types come from (link metadata: a click filters ``frame[column] == key``).

    Returns
    -------
    Figure
        One horizontal ``Bar`` trace, ``customdata`` = task-type keys.
    """
    counts = as_counts(task_types)
    return _bar_counts(counts, column, title or "task types (inferred)", "records", None,
                       n_records=int(counts.sum()) or None)


def topic_distribution(overview: pd.DataFrame, top: int = 20, column: str = "topic",
                       title: str | None = None) -> go.Figure:
    """Horizontal bars of records per topic, labelled ``"<id>: <label>"``, largest first.

    Parameters
    ----------
    overview : DataFrame
        ``quality.topics.topic_overview(frame)``: index ``topic``, columns ``size``, ``share``,
        ``label`` and optionally ``task_types`` (dict type -> share) and ``flag_rate``.
    top : int
        Topics drawn; the smaller ones are pooled in one bar "(N more topics)".

    Returns
    -------
    Figure
        One horizontal ``Bar`` trace; ``customdata`` per bar is the topic ids it holds, as a string of
        space-separated integers ("3", or "20 21 22" for the pooled bar); ``meta`` links ``column``.
        Labels come from the data and are HTML-escaped.
    """
    title = title or "topics (inferred)"
    if not isinstance(overview, pd.DataFrame) or overview.empty or "size" not in overview.columns:
        return empty_figure(title)
    ov = overview.sort_values("size", ascending=False, kind="stable")
    head, tail = ov.iloc[:top], ov.iloc[top:]
    names = [f"{int(t)}: {html.escape(str(row.get('label', '')))}" for t, row in head.iterrows()]
    keys = [str(int(t)) for t in head.index]
    sizes, share = head["size"].tolist(), head["share"].tolist()
    hover = [_topic_hover(row) for _, row in head.iterrows()]
    if len(tail):
        names.append(f"({len(tail)} more topics)")
        keys.append(" ".join(str(int(t)) for t in tail.index))
        sizes.append(int(tail["size"].sum()))
        share.append(float(tail["share"].sum()))
        hover.append(f"{len(tail)} smaller topics")
    text = [f"{int(n)} ({pct(s)})" for n, s in zip(sizes, share)]
    fig = go.Figure(go.Bar(x=sizes, y=names, orientation="h", customdata=keys, text=text, textposition="auto",
                           hovertext=hover, hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
                           marker_color=ACCENT, meta=link("key", column)))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(300, 22 * len(names) + 120))
    return finish(fig, title, xlabel="records")


def _topic_hover(row: pd.Series) -> str:
    parts = [f"{int(row['size'])} records ({pct(float(row['share']))})"]
    mix = row.get("task_types")
    if isinstance(mix, Mapping) and mix:
        parts.append("task types: " + ", ".join(f"{html.escape(str(k))} {pct(float(v))}"
                                                 for k, v in list(mix.items())[:3]))
    rate = row.get("flag_rate")
    if isinstance(rate, (int, float)) and rate == rate:
        parts.append(f"flagged by a signal: {pct(float(rate))}")
    return "<br>".join(parts)


def stack_figures(figures: list[go.Figure], heights: list[float] | None = None,
                  title: str | None = None, gap: float = 90.0) -> go.Figure:
    """One figure with each of ``figures`` as a row (their traces, axis settings and titles kept).

    A dashboard uses it to link several charts through one ``FigureWidget`` (each widget carries
    plotly.js, about 5 MB, to the browser). Trace ``meta`` and ``customdata`` are kept, so clicks are
    read as on the separate figures. Row ``i`` (from 1) uses axes ``x{i}`` / ``y{i}`` (``x`` / ``y``
    for the first) and its title is ``layout.annotations[i - 1]``. Built from the figures' JSON without
    re-validating it (they were validated when made), which keeps a dashboard's first paint cheap.

    Parameters
    ----------
    heights : list of float, optional
        Plot height of each row in pixels (default: each figure's height, else 400).
    gap : float
        Pixels between rows (room for the next row's title and the previous row's axis labels).
    """
    if not figures:
        return empty_figure(title)
    heights = [float(h) for h in (heights or [f.layout.height or 400 for f in figures])]
    total = sum(heights) + gap * len(figures)
    data, layout, titles = [], {}, []
    top = 1.0
    jsons = [fig.to_plotly_json() for fig in figures]
    for row, (js, h) in enumerate(zip(jsons, heights), 1):
        suffix = "" if row == 1 else str(row)
        top -= gap / total
        domain = [max(0.0, top - h / total), top]
        top = domain[0]
        for trace in js["data"]:
            trace.update(xaxis=f"x{suffix}", yaxis=f"y{suffix}")
            data.append(trace)
        for axis, other in (("xaxis", "y"), ("yaxis", "x")):
            props = {k: v for k, v in js["layout"].get(axis, {}).items()
                     if k not in ("domain", "anchor", "matches", "overlaying", "position")}
            props.update(anchor=f"{other}{suffix}", automargin=True)
            if axis == "yaxis":
                props["domain"] = domain
            layout[f"{axis}{suffix}"] = props
        for ann in js["layout"].get("annotations", ()):  # e.g. the "no data" note of an empty figure
            if ann.get("xref") == "paper":
                layout.setdefault("annotations", []).append(
                    {**ann, "xref": f"x{suffix} domain", "yref": f"y{suffix} domain"})
        titles.append({"text": (js["layout"].get("title") or {}).get("text") or "", "x": 0.5, "xref": "paper",
                       "xanchor": "center", "y": domain[1], "yref": "paper", "yanchor": "bottom",
                       "yshift": 8, "showarrow": False, "font": {"size": 15}})
    layout["annotations"] = titles + layout.get("annotations", [])
    layout.update(height=int(total) + 60, title={"text": title} if title else None,
                  margin={"l": 60, "r": 30, "t": 40, "b": 40})
    template = jsons[0]["layout"].get("template")
    if template:
        layout["template"] = template
    return go.Figure({"data": data, "layout": layout}, _validate=False)
