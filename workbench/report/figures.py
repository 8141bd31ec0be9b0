"""The report's figures: small pure functions from summary dicts to plotly Figures (no display).

Kept in one module so a shared ``workbench.plots`` package can replace them later without touching
the writers.
"""
from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

_LAYOUT = dict(template="plotly_white", height=340, margin=dict(l=60, r=20, t=50, b=60))


def _bar(counts: dict[str, float], title: str, xaxis: str = "", yaxis: str = "records") -> go.Figure | None:
    items = [(str(k), v) for k, v in counts.items() if v]
    if not items:
        return None
    items.sort(key=lambda kv: -kv[1])
    fig = go.Figure(go.Bar(x=[k for k, _ in items], y=[v for _, v in items], marker_color="#4C78A8"))
    fig.update_layout(title=title, xaxis_title=xaxis, yaxis_title=yaxis, **_LAYOUT)
    return fig


def issues_figure(issues: dict[str, int]) -> go.Figure | None:
    return _bar(issues, "Records flagged per signal", "signal")


def category_figure(categories: dict[str, dict[str, Any]]) -> go.Figure | None:
    """Actual share per category next to the guidelines' target share."""
    if not categories:
        return None
    names = list(categories)
    fig = go.Figure([
        go.Bar(name="actual", x=names, y=[categories[k].get("share", 0) for k in names], marker_color="#4C78A8"),
        go.Bar(name="target", x=names, y=[categories[k].get("target") or 0 for k in names], marker_color="#F58518"),
    ])
    fig.update_layout(title="Category mix: actual vs target", barmode="group", yaxis_tickformat=".0%", **_LAYOUT)
    return fig


def lengths_figure(lengths: dict[str, Any]) -> go.Figure | None:
    """p5 / median / p95 / max words per role as a range chart."""
    roles = [r for r, v in lengths.items() if isinstance(v, dict) and "median" in v]
    if not roles:
        return None
    fig = go.Figure()
    for key, color in (("p5", "#9ecae1"), ("median", "#4C78A8"), ("p95", "#F58518"), ("max", "#E45756")):
        fig.add_trace(go.Scatter(x=roles, y=[lengths[r][key] for r in roles], mode="markers+lines",
                                 name=key, marker=dict(size=10, color=color)))
    fig.update_layout(title="Length per role (words)", yaxis_type="log", **_LAYOUT)
    return fig


def duplicates_figure(quality: dict[str, Any]) -> go.Figure | None:
    levels = {"records": quality.get("duplicates", {}), "prompts": quality.get("prompt_duplicates", {})}
    if not any(v.get("near_extra_rows") or v.get("exact_extra_rows") for v in levels.values()):
        return None
    names = list(levels)
    fig = go.Figure([
        go.Bar(name="exact extra rows", x=names, y=[levels[k].get("exact_extra_rows", 0) for k in names]),
        go.Bar(name="near extra rows", x=names, y=[levels[k].get("near_extra_rows", 0) for k in names]),
    ])
    fig.update_layout(title="Duplicates (rows beyond the first of each group)", barmode="group", **_LAYOUT)
    return fig


def counts_figure(counts: dict[str, int], title: str, xaxis: str = "") -> go.Figure | None:
    return _bar(counts, title, xaxis)
