"""Duplicates: exact-group and near-duplicate cluster sizes, similarity of near pairs."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._common import (
    ACCENT,
    WARN,
    empty_figure,
    finish,
    has_columns,
    link,
    numeric,
    record_ids,
    require_columns,
)


def _valid_groups(values: pd.Series) -> pd.Series:
    """Group ids with "no group" markers (None, NaN, negative numbers, empty strings) removed."""
    s = values[values.notna()]
    num = pd.to_numeric(s, errors="coerce")
    s = s[~(num < 0)]
    return s[s.astype(str).str.len() > 0]


def cluster_size_table(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Groups of two or more records in ``column``: ``size`` -> ``groups``, ``records``, ``cluster_ids``.

    Parameters
    ----------
    frame : DataFrame
        Signal frame with a group / cluster id column (None, NaN, a negative number or ``""`` for
        records in no group; a group of one is not a duplicate).
    column : str
        The group id column.

    Returns
    -------
    DataFrame
        Index ``size``; columns ``groups`` (number of groups of that size), ``records`` (records in
        them) and ``cluster_ids`` (list of the group ids).
    """
    if not has_columns(frame, column):
        return pd.DataFrame(columns=["groups", "records", "cluster_ids"])
    g = _valid_groups(frame[column])
    sizes = g.value_counts()
    sizes = sizes[sizes >= 2]
    if sizes.empty:
        return pd.DataFrame(columns=["groups", "records", "cluster_ids"])
    by_size = pd.Series(sizes.index, index=sizes.to_numpy()).groupby(level=0)
    out = pd.DataFrame({"groups": by_size.size(), "cluster_ids": by_size.agg(list)})
    out["records"] = out["groups"] * out.index
    out.index.name = "size"
    return out[["groups", "records", "cluster_ids"]].sort_index()


def duplicate_cluster_sizes(
    frame: pd.DataFrame,
    exact_col: str | None = "record_dup_group",
    near_col: str | None = "near_dup_cluster",
    records: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Grouped bars: how many exact groups / near clusters there are of each size.

    Parameters
    ----------
    frame : DataFrame
        Signal frame. Columns: ``exact_col`` (exact-duplicate group id) and / or ``near_col``
        (near-duplicate cluster id); missing columns are skipped.
    exact_col, near_col : str or None
        Group id columns (None to leave one out). Defaults are the signals' whole-record columns;
        ``prompt_dup_group`` / ``prompt_near_dup_cluster`` give the prompt-level view.
    records : bool
        Count records in the groups instead of groups.

    Returns
    -------
    Figure
        One ``Bar`` trace per kind (``"exact"``, ``"near"``), x = group size; ``customdata`` holds,
        per bar, the list of group ids of that size (``meta={"link": "groups", "column": col}``:
        filter on ``frame[col].isin(ids)``).
    """
    title = title or "duplicate group sizes"
    fig = go.Figure()
    for name, col, color in (("exact", exact_col, WARN), ("near", near_col, ACCENT)):
        if col is None:
            continue
        table = cluster_size_table(frame, col)
        if table.empty:
            continue
        y = table["records" if records else "groups"].astype(int).tolist()
        fig.add_trace(go.Bar(x=table.index.astype(int).tolist(), y=y, name=name, marker_color=color,
                             customdata=table["cluster_ids"].tolist(), meta=link("groups", col),
                             hovertemplate="size %{x}: %{y} " + ("records" if records else "groups")
                             + "<extra>" + name + "</extra>"))
    if not fig.data:
        return empty_figure(title, "no duplicates" if isinstance(frame, pd.DataFrame) and not frame.empty
                            else "no data")
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return finish(fig, title, xlabel="group size (records)", ylabel="records" if records else "groups")


def near_duplicate_similarity(
    pairs_or_series: Any,
    threshold: float | None = None,
    column: str | None = None,
    id_columns: tuple[str, str] = ("a", "b"),
    id_column: str = "id",
    cluster_col: str | None = "near_dup_cluster",
    nbins: int = 40,
    title: str | None = None,
) -> go.Figure:
    """Histogram of near-duplicate similarities with the detection threshold drawn in.

    Parameters
    ----------
    pairs_or_series : DataFrame, Series or sequence
        Either candidate pairs (columns ``id_columns`` and ``column``: customdata = ``"a|b"``), a
        signal frame (columns ``id_column`` and ``column``, e.g. ``near_dup_similarity``: customdata
        = record ids), or a bare Series / sequence of similarities (customdata = its index).
    threshold : float, optional
        Detection threshold (e.g. Jaccard 0.8), a dashed vertical line.
    column : str, optional
        Similarity column of a DataFrame input; by default the first of ``similarity``,
        ``jaccard``, ``near_dup_jaccard`` present.
    cluster_col : str, optional
        For a signal frame: only records whose ``cluster_col`` is set (in a near cluster) count.

    Returns
    -------
    Figure
        One ``Histogram`` trace over [0, 1].
    """
    title = title or "near-duplicate similarity"
    if isinstance(pairs_or_series, pd.DataFrame):
        df = pairs_or_series
        column = column or next((c for c in ("similarity", "jaccard", "near_dup_jaccard") if c in df.columns),
                                "similarity")
        if not require_columns(df, "near_duplicate_similarity", column):
            return empty_figure(title)
        if cluster_col and cluster_col in df.columns and not has_columns(df, *id_columns):
            df = df.loc[_valid_groups(df[cluster_col]).index]
        values = numeric(df[column])
        if has_columns(df, *id_columns):
            ids = [f"{a}|{b}" for a, b in zip(df[id_columns[0]], df[id_columns[1]])]
            meta = link("pairs")
        else:
            ids, meta = record_ids(df, id_column), link("ids")
    else:
        raw = pairs_or_series
        if isinstance(raw, Mapping):
            raw = pd.Series(list(raw.values()), index=pd.Index(list(raw.keys()), tupleize_cols=False))
        s = raw if isinstance(raw, pd.Series) else pd.Series(
            list(raw) if isinstance(raw, Iterable) and not isinstance(raw, (str, bytes)) else [],
            dtype=float)
        ids = ["|".join(map(str, k)) if isinstance(k, tuple) else k for k in s.index.tolist()]
        pairs = s.index.nlevels > 1 or any(isinstance(k, tuple) for k in s.index[:1])
        values, meta = numeric(s), link("pairs" if pairs else "ids")
    keep = ~np.isnan(values)
    if not keep.any():
        return empty_figure(title)
    fig = go.Figure(go.Histogram(x=values[keep], customdata=np.array(ids, dtype=object)[keep],
                                 xbins={"start": 0.0, "end": 1.0 + 1e-9, "size": 1.0 / nbins},
                                 marker_color=ACCENT, meta=meta, name="pairs",
                                 hovertemplate="%{x}: %{y}<extra></extra>"))
    if threshold is not None:
        fig.add_vline(x=float(threshold), line_dash="dash", line_color=WARN,
                      annotation_text=f"threshold {threshold:g}", annotation_position="top left")
    fig.update_xaxes(range=[0, 1.02])
    return finish(fig, title, xlabel="similarity", ylabel="count")
