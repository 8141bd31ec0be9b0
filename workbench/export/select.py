"""Which records go out, and why each one left out was left out.

Order of the filters (a record is counted under the first reason that applies): quarantined at load,
the reviewers' decision (``include``), ``min_rating``, ``min_agreement``, records the format cannot
hold or that have no response, empty turns; then PII redaction (placeholders, never a drop); then
duplicates, keeping one record per group: the accepted member, else the first in source order.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.export.dedup import NEAR_THRESHOLD, connected, duplicate_groups
from workbench.export.errors import ExportError
from workbench.export.rows import TableRows, batch_size
from workbench.export.source import ExportSource
from workbench.model import Guidelines

INCLUDE = ("accepted", "unrejected", "all")
DEDUPE = ("near", "exact", "none")
FORMAT_KINDS = {"openai": {"sft"}, "alpaca": {"sft"}, "sharegpt": {"sft", "preference"},
                "preference": {"preference"}, "kto": {"kto"}, "ranking": {"ranking"},
                "canonical": {"sft", "preference", "ranking", "kto", "prompt_only"}}
TURN_COLUMNS = ("messages", "chosen", "rejected", "completion")


@dataclass
class Selection:
    """The records to export and the count of every record left out, by reason.

    The records are ``rows`` (positions, ascending) of ``base``: the source table, or its redacted copy.
    ``view`` reads them a batch at a time; ``table`` copies them into one table.
    """

    base: pa.Table
    rows: np.ndarray
    left_out: dict[str, int]
    decisions: pd.Series  # record id -> consolidated decision (None when undecided)
    ratings: pd.Series  # record id -> overall rating (NaN when unrated)
    agreement: pd.Series  # record id -> per-record agreement in [0, 1] (NaN: one reviewer or none)
    groups: np.ndarray  # per selected record: exact / near duplicate and shared-prompt group
    redacted: dict[str, Any] = field(default_factory=dict)

    @property
    def view(self) -> TableRows:
        return TableRows(self.base, self.rows)

    @property
    def table(self) -> pa.Table:
        return self.view.to_table()


def consolidated_value(src: ExportSource, kind: str, target: str | None = None) -> pd.Series:
    """record id -> consolidated value of one kind (and target)."""
    c = src.consolidated
    if c is None or c.empty:
        return pd.Series(dtype=object)
    sub = c[(c["kind"] == kind) & c["value"].notna()]
    if target is not None:
        sub = sub[sub["target"] == target]
    return pd.Series(sub["value"].to_numpy(), index=sub["record_id"].to_numpy(), dtype=object)


def record_ratings(src: ExportSource) -> pd.Series:
    """The overall rating per record; the mean of the criteria ratings where no overall one was given."""
    c = src.consolidated
    if c is None or c.empty:
        return pd.Series(dtype=float)
    r = c[(c["kind"] == "rating") & c["value"].notna()]
    v = pd.to_numeric(r["value"], errors="coerce")
    overall = v[r["target"] == "overall"].groupby(r["record_id"][r["target"] == "overall"]).mean()
    criteria = v[r["target"] != "overall"].groupby(r["record_id"][r["target"] != "overall"]).mean()
    return overall.combine_first(criteria).astype(float)


def record_agreement(per_reviewer: pd.DataFrame, guidelines: Guidelines | None = None) -> pd.Series:
    """Per record, how far its reviewers agree (1 = fully), over every field two or more reviewed.

    Ratings score ``1 - spread / scale width``; labels, decisions, tags and preferences the share of
    reviewers giving the most common value. Records seen by one reviewer have no value (NaN).
    """
    pr = per_reviewer
    if pr is None or pr.empty:
        return pd.Series(dtype=float)
    pr = pr[pr["kind"].isin(("rating", "label", "decision", "preference", "tags"))]
    if pr.empty:
        return pd.Series(dtype=float)
    keys = ["record_id", "kind", "target"]
    n = pr.groupby(keys, sort=False)["reviewer"].transform("size")
    pr = pr[n >= 2]
    parts = []
    rat = pr[pr["kind"] == "rating"]
    if len(rat):
        g = (guidelines or Guidelines())
        width = rat["target"].map(lambda t: _width(g, t))
        v = pd.to_numeric(rat["value"], errors="coerce")
        agg = rat.assign(v=v, w=width).groupby(keys, sort=False).agg(
            lo=("v", "min"), hi=("v", "max"), w=("w", "first"))
        parts.append((1 - (agg["hi"] - agg["lo"]) / agg["w"]).clip(0, 1).rename("a").reset_index())
    cat = pr[pr["kind"] != "rating"]
    if len(cat):
        key = cat["value"].map(_key)
        cnt = cat.assign(k=key).groupby(keys + ["k"], sort=False).size().rename("c").reset_index()
        agg = cnt.groupby(keys, sort=False)["c"].agg(["max", "sum"])
        parts.append((agg["max"] / agg["sum"]).rename("a").reset_index())
    if not parts:
        return pd.Series(dtype=float)
    allp = pd.concat(parts, ignore_index=True)
    return allp.groupby("record_id")["a"].mean().astype(float)


def _width(g: Guidelines, target: str) -> float:
    try:
        lo, hi = g.criterion(target).scale
    except ValueError:
        lo, hi = 1, 5
    return float(max(hi - lo, 1))


def _key(v: Any) -> str:
    if isinstance(v, dict):
        from workbench.store.fold import preference_key

        return str(preference_key(v))
    if isinstance(v, (list, tuple)):
        return "|".join(sorted(map(str, v)))
    return str(v)


def empty_turns(table: pa.Table, batch: int | None = None) -> np.ndarray:
    """True for rows with a turn whose content is empty and that carries no tool call.

    ``batch`` rows (default ``rows.BATCH``) at a time: the whole table at once (a trimmed copy of every
    turn's text) took the process from 0.51 to 2.17 GB at 1M Alpaca records, 0.7 GB of it the mapped
    source's pages, which any pass reads.
    """
    bad = np.zeros(table.num_rows, dtype=bool)
    batch = batch_size() if batch is None else max(int(batch), 1)
    for lo in range(0, table.num_rows, batch):
        part = table.slice(lo, batch)
        for col in TURN_COLUMNS:
            arr = part.column(col).combine_chunks()
            flat = pc.list_flatten(arr)
            if not len(flat):
                continue
            text = pc.utf8_trim_whitespace(pc.fill_null(flat.field("content"), ""))
            empty = pc.and_(pc.equal(pc.utf8_length(text), 0), pc.is_null(flat.field("tool_calls")))
            parents = pc.list_parent_indices(arr).to_numpy()
            bad[lo + parents[np.asarray(empty.to_numpy(zero_copy_only=False), dtype=bool)]] = True
    return bad


def select_records(src: ExportSource, format: str, include: str = "unrejected",
                   min_rating: float | None = None, min_agreement: float | None = None,
                   redact_pii: bool | list[str] = False, dedupe: str = "near",
                   near_threshold: float | None = NEAR_THRESHOLD,
                   semantic_threshold: float | None = None) -> Selection:
    """The records an export writes, with every left-out record counted by reason.

    Parameters
    ----------
    src : ExportSource
    format : str
        Canonical format name (decides which record kinds can be written).
    include : {"accepted", "unrejected", "all"}
        accepted: only records whose consolidated decision is accept; unrejected: all but rejected.
    min_rating : float, optional
        Keep records whose overall rating is at least this (unrated records are left out).
    min_agreement : float, optional
        Keep records whose reviewers agree at least this much (records with one reviewer stay).
    redact_pii : bool or list of str
        Replace PII with typed placeholders (a list restricts the PII types).
    dedupe : {"near", "exact", "none"}
        Which duplicates to leave out (one record of each group is kept).
    near_threshold : float or None
        Jaccard threshold of near duplicates (None: exact duplicates only).
    semantic_threshold : float or None
        Cosine threshold of semantic duplicates (paraphrased prompts): they share a group, so a split
        keeps them together; they are never left out. None: not grouped.

    Returns
    -------
    Selection
        The kept records (edited, redacted), ``left_out`` counts by reason, and per record the
        decision, rating, agreement and duplicate group.
    """
    if include not in INCLUDE:
        raise ExportError(f"include must be one of {', '.join(INCLUDE)}, got {include!r}")
    if dedupe not in DEDUPE:
        raise ExportError(f"dedupe must be one of {', '.join(DEDUPE)}, got {dedupe!r}")
    table = src.table
    ids = pd.Index(table.column("id").to_pylist())
    reason = np.full(len(ids), None, dtype=object)

    def drop(mask: np.ndarray, why: str) -> None:
        reason[(reason == None) & mask] = why  # noqa: E711 - elementwise on an object array

    decisions = consolidated_value(src, "decision", "decision")
    dec = decisions.reindex(ids).to_numpy()
    if include == "accepted":
        drop(dec == "reject", "rejected")
        drop(dec != "accept", "not_accepted")
    elif include == "unrejected":
        drop(dec == "reject", "rejected")
    ratings = record_ratings(src)
    agreement = record_agreement(src.per_reviewer, src.guidelines)
    if min_rating is not None:
        r = ratings.reindex(ids).to_numpy(dtype=float)
        drop(np.isnan(r), "unrated")
        drop(r < float(min_rating), "below_min_rating")
    if min_agreement is not None:
        a = agreement.reindex(ids).to_numpy(dtype=float)
        drop(~np.isnan(a) & (a < float(min_agreement)), "below_min_agreement")
    kinds = table.column("kind").to_numpy(zero_copy_only=False)
    holds = FORMAT_KINDS.get(format, {"sft"})
    drop((kinds == "prompt_only") & ("prompt_only" not in holds), "no_response")
    drop(~np.isin(kinds, list(holds)), "format_cannot_hold")
    drop(empty_turns(table), "empty_content")
    keep = reason == None  # noqa: E711
    # positions, not a filtered copy: the source is memory-mapped, and the copy was 0.66 GB of Arrow
    # memory at 1M Alpaca records
    rows = TableRows(table, np.flatnonzero(keep))
    redacted: dict[str, Any] = {}
    if redact_pii:
        from workbench.export.redact import redact_table

        types = None if redact_pii is True else list(redact_pii)
        redacted_table, redacted = redact_table(rows.to_table(), types)
        rows = TableRows(redacted_table)
    dup = duplicate_groups(rows, near_threshold, semantic_threshold)
    groups = dup.components()  # computed once here; export carries it through its filters
    if dedupe != "none" and len(rows):
        same = connected(len(rows), dup.exact, dup.near) if dedupe == "near" else dup.exact
        accepted = decisions.reindex(rows.column("id").to_pylist()).to_numpy() == "accept"
        rep = representatives(same, accepted)
        is_rep = np.zeros(len(same), dtype=bool)
        is_rep[rep] = True
        same_text = dup.exact == dup.exact[rep[np.searchsorted(same[rep], same)]]
        why = np.where(same_text, "exact_duplicate", "near_duplicate")
        reason[np.flatnonzero(keep)] = np.where(is_rep, None, why)
        rows, groups = rows.subset(np.flatnonzero(is_rep)), groups[is_rep]
    counts = Counter(r for r in reason if r is not None)
    quarantined = len(src.dataset.quarantine)
    left_out = {**({"quarantined": quarantined} if quarantined else {}), **dict(sorted(counts.items()))}
    return Selection(rows.base, rows.rows, left_out, decisions, ratings, agreement, groups, redacted)


def representatives(groups: np.ndarray, accepted: np.ndarray) -> np.ndarray:
    """Row index of the member kept per group (sorted by group): accepted first, then source order."""
    order = np.lexsort((np.arange(len(groups)), ~accepted, groups))
    first = np.r_[True, groups[order][1:] != groups[order][:-1]]
    return order[first]
