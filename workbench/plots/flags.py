"""Quality flags: counts per signal and rule; PII and safety findings by type."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ._common import ACCENT, NO_DATA, WARN, as_counts, empty_figure, finish, is_empty, link, pct
from .composition import _explode_tags

_ISSUE = re.compile(r"^is_(.+)_issue$")


def _issue_counts(frame: pd.DataFrame) -> tuple[pd.Series, dict[str, str]]:
    """Flag counts of every ``is_<name>_issue`` column and name -> column."""
    cols = {m.group(1): c for c in frame.columns if (m := _ISSUE.match(str(c)))}
    counts = pd.Series({n: float(frame[c].fillna(False).astype(bool).sum()) for n, c in cols.items()},
                       dtype=float)
    return counts.sort_values(ascending=False, kind="stable"), cols


def _nested(summary: Mapping) -> bool:
    return bool(summary) and all(isinstance(v, Mapping) and not {"count", "n"} & set(v)
                                 for v in summary.values())


def flag_counts(summary: Mapping[str, Any] | pd.Series | pd.DataFrame, total: int | None = None,
                title: str | None = None) -> go.Figure:
    """Horizontal bars of how many records each signal or rule flags.

    Parameters
    ----------
    summary : mapping, Series or DataFrame
        One of: name -> count (e.g. ``quality.json["rules"]``; entries may be ``{"count": n, ...}``);
        group -> {name -> count} (e.g. ``{"rules": q["rules"], "pii": q["pii"]}``, one colour per
        group); or a signal frame, whose ``is_<name>_issue`` columns are counted.
    total : int, optional
        Number of records, to show each count as a share (a signal frame supplies its length).

    Returns
    -------
    Figure
        One horizontal ``Bar`` trace per group; ``customdata`` = the flag key (the
        ``is_<name>_issue`` column for a signal frame, else ``"group:name"`` or ``"name"``).
    """
    title = title or "quality flags"
    traces: list[tuple[str | None, pd.Series, list[str], str | None]] = []
    if isinstance(summary, pd.DataFrame):
        if summary.empty:
            return empty_figure(title)
        counts, cols = _issue_counts(summary)
        total = total or len(summary)
        traces.append((None, counts, [cols[n] for n in counts.index], "flag"))
    elif isinstance(summary, Mapping) and _nested(summary):
        for group, sub in summary.items():
            counts = as_counts(sub)
            traces.append((str(group), counts, [f"{group}:{k}" for k in counts.index], str(group)))
    elif not is_empty(summary):
        counts = as_counts(summary)
        traces.append((None, counts, list(counts.index), None))
    traces = [t for t in traces if not t[1].empty]
    if not traces:
        return empty_figure(title)
    fig = go.Figure()
    for group, counts, keys, column in traces:
        labels = [f"{group}: {k}" if group else str(k) for k in counts.index]
        text = [f"{int(n)}" + (f" ({pct(n / total)})" if total else "") for n in counts]
        fig.add_trace(go.Bar(x=counts.tolist(), y=labels, orientation="h", name=group or "flags",
                             customdata=keys, text=text, textposition="auto",
                             marker_color=None if group else WARN, meta=link("key", column or "flag"),
                             hovertemplate="%{y}: %{text}<extra></extra>"))
    n = sum(len(t[1]) for t in traces)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(300, 22 * n + 120), showlegend=len(traces) > 1)
    return finish(fig, title, xlabel="records flagged")


def _typed_counts(summary: Any, key: str, title: str, column: str, none_found: str) -> go.Figure:
    extracted = False
    for sub in (key, "records"):  # quality.json, then the signal's own summary (records per type)
        if isinstance(summary, Mapping) and isinstance(summary.get(sub), Mapping):
            summary, extracted = summary[sub], True
            break
    if isinstance(summary, pd.Series):  # per-record labels: lists or comma-joined strings
        summary = summary.map(lambda v: [t.strip() for t in v.split(",") if t.strip()] if isinstance(v, str)
                              else v)
        counts = _explode_tags(summary)[0] if len(summary) else pd.Series(dtype=float)
    else:
        counts = as_counts(summary)
    checked = extracted or not counts.empty or (isinstance(summary, pd.Series) and len(summary) > 0)
    counts = counts[counts > 0]  # types the detector knows but did not find are noise here
    if counts.empty:
        return empty_figure(title, none_found if checked else NO_DATA)
    keys = list(counts.index)
    fig = go.Figure(go.Bar(x=keys, y=counts.tolist(), customdata=keys, text=[f"{int(n)}" for n in counts],
                           textposition="auto", marker_color=WARN if key == "safety" else ACCENT,
                           meta=link("key", column), hovertemplate="%{x}: %{y}<extra></extra>"))
    return finish(fig, title, xlabel="type" if key == "pii" else "category", ylabel="findings")


def pii_by_type(summary: Mapping[str, Any] | pd.Series, column: str = "pii_types",
                title: str | None = None) -> go.Figure:
    """Bars of PII findings per type (email, phone, credit card, IBAN, ...).

    Parameters
    ----------
    summary : mapping or Series
        ``quality.json`` (its ``pii`` entry is used), the PII signal's summary (its ``records``
        entry), type -> count, or a per-record Series of types (lists or comma-joined strings, as
        the signal's ``pii_types`` column).
    column : str
        Signal-frame column holding each record's PII types (link metadata).

    Returns
    -------
    Figure
        One ``Bar`` trace, ``customdata`` = PII type.
    """
    return _typed_counts(summary, "pii", title or "PII by type", column, "no PII found")


def safety_by_category(summary: Mapping[str, Any] | pd.Series, column: str = "safety_categories",
                       title: str | None = None) -> go.Figure:
    """Bars of safety findings per category (toxicity, hate, dangerous instructions, ...).

    Parameters
    ----------
    summary : mapping or Series
        ``quality.json`` (its ``safety`` entry is used), the signal's summary (its ``records``
        entry), category -> count, or a per-record Series of categories (lists or comma-joined
        strings).
    column : str
        Signal-frame column holding each record's safety categories (link metadata).

    Returns
    -------
    Figure
        One ``Bar`` trace, ``customdata`` = safety category.
    """
    return _typed_counts(summary, "safety", title or "safety findings by category", column,
                         "no safety findings")
