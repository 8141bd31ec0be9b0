"""Fold the event log into current state: per reviewer, and consolidated across reviewers.

Everything here is vectorised pandas/numpy over the log frame, so a million events fold in seconds:
undone events are dropped by resolving ``reverts`` chains with array passes (one pass per chain
level, not per event), and the current value per (record, reviewer, kind, target) is the last one in
commit order (``drop_duplicates(keep="last")``). Only text edits that carry a ``seen_hash`` or
involve an adjudicator go through a small per-edit loop (conflict detection is inherently ordered).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.store.edits import CONFLICT_COLUMNS, resolve_edits

STATE_KINDS = ("edit", "rating", "label", "tags", "preference", "comment", "decision", "gold")
REVIEW_KINDS = ("rating", "label", "tags", "preference", "decision", "edit")  # what makes a record "reviewed"
TURN_KINDS = ("add_turn", "delete_turn")
PROJECT_KINDS = ("role", "guidelines", "settings")  # project-level events, record_id "*"
PROJECT_RECORD = "*"
REVIEWER_ROLES = ("reviewer", "adjudicator", "owner")  # a person's role in a project
ROLES = REVIEWER_ROLES  # deprecated alias: model.schema.ROLES are message roles
PRIVILEGED = ("adjudicator", "owner")  # their values are final in consolidation
CONSOLIDATIONS = ("majority", "unanimous", "adjudicator_only")
CATEGORICAL_KINDS = ("label", "decision", "preference")
KEYS = ["record_id", "reviewer", "kind", "target"]
PER_REVIEWER_COLUMNS = ["record_id", "reviewer", "kind", "target", "value", "time", "event_id", "seq"]
CONSOLIDATED_COLUMNS = ["record_id", "kind", "target", "value", "source", "n_reviewers", "agreed"]
OPS_COLUMNS = ["seq", "event_id", "record_id", "reviewer", "kind", "target", "value", "applied"]


@dataclass
class FoldedState:
    """The current state of a project's annotations.

    Attributes
    ----------
    per_reviewer : DataFrame
        Each reviewer's current value per (record_id, kind, target): columns ``PER_REVIEWER_COLUMNS``.
        A reviewer's own view keeps their edits even when flagged as conflicts.
    consolidated : DataFrame
        One row per (record_id, kind, target) with ``value`` and ``source`` in {"adjudicator",
        "agreement", "single"}; ``value`` is None when the rule leaves a disagreement unresolved.
        ``agreed`` is False when the reviewers disagree (ratings: spread above the tolerance).
        Preference values are normalised to the winning candidate's name ("tie"), rankings to
        ``"best>...>worst"``.
    conflicts : DataFrame
        Edits not applied: ``reason`` "stale" (made from an outdated view) or "adjudicated".
    ops : DataFrame
        Effective edit / add_turn / delete_turn events in commit order with ``applied``.
    roles : dict
        Reviewer -> role as recorded by role events in the folded frame (empty for partial frames).
    """

    per_reviewer: pd.DataFrame
    consolidated: pd.DataFrame
    conflicts: pd.DataFrame
    ops: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OPS_COLUMNS))
    roles: dict[str, str] = field(default_factory=dict)

    def value(self, record_id: str, kind: str, target: str, reviewer: str | None = None) -> Any:
        """The consolidated (or ``reviewer``'s) current value, None when there is none."""
        df = self.consolidated if reviewer is None else \
            self.per_reviewer[self.per_reviewer["reviewer"] == reviewer]
        hit = df[(df["record_id"] == record_id) & (df["kind"] == kind) & (df["target"] == target)]
        return hit["value"].iloc[-1] if len(hit) else None


def active_mask(frame: pd.DataFrame) -> np.ndarray:
    """True for events in effect: not undone by an undo that is itself in effect.

    An undo of an undo re-applies the original, so chains alternate. Only events involved in undo
    chains are examined; the fixed-point pass converges in (chain depth + 1) iterations.
    """
    n = len(frame)
    active = np.ones(n, dtype=bool)
    is_undo = (frame["kind"] == "undo").to_numpy() & frame["reverts"].notna().to_numpy()
    if not is_undo.any():
        return active
    ids = frame["id"]
    targets = frame["reverts"][is_undo]
    sub = np.flatnonzero(is_undo | ids.isin(set(targets)).to_numpy())
    sub_undo = is_undo[sub]
    parent = np.full(len(sub), -1)
    parent[sub_undo] = pd.Index(ids.iloc[sub]).get_indexer(frame["reverts"].iloc[sub][sub_undo])
    act = np.ones(len(sub), dtype=bool)
    for _ in range(len(sub) + 1):
        new = np.ones(len(sub), dtype=bool)
        live = (parent >= 0) & act
        new[parent[live]] = False
        if np.array_equal(new, act):
            break
        act = new
    active[sub] = act
    return active


def roles_from_frame(frame: pd.DataFrame) -> dict[str, Any]:
    """Reviewer -> role from the (effective) role events of a log frame, last one wins."""
    r = frame[(frame["kind"] == "role") & (frame["record_id"] == PROJECT_RECORD)]
    return {t: v.get("role") for t, v in zip(r["target"], r["value"]) if isinstance(v, dict)}


def preference_key(value: Any) -> str | None:
    """A pairwise choice as the winning candidate's name ("tie"), a ranking as ``"a>b>c"``.

    Normalising through the displayed ``order`` makes choices comparable across reviewers who saw
    the candidates in different positions.
    """
    if not isinstance(value, dict):
        return None
    if "ranking" in value:
        return ">".join(str(x) for x in value["ranking"])
    choice, order = value.get("choice"), value.get("order") or []
    if choice in ("A", "B") and len(order) >= 2:
        return str(order[0 if choice == "A" else 1])
    return None if choice is None else str(choice)


def fold_events(frame: pd.DataFrame, consolidation: str = "majority", adjudicators=None,
                originals: Mapping[tuple[str, str], str] | None = None,
                rating_tolerance: float = 1) -> FoldedState:
    """Fold a log frame (``EventLog.frame()``) into :class:`FoldedState`.

    Parameters
    ----------
    frame : DataFrame
        Events with the log frame's columns, in any order (sorted by ``seq`` here).
    consolidation : {"majority", "unanimous", "adjudicator_only"}
        Rule for records without an adjudicator's value. majority: labels, decisions and preferences
        take the strict mode (a tie stays unresolved), ratings the median, tags those chosen by more
        than half; unanimous: a value only when all agree; adjudicator_only: a value only when a
        single reviewer annotated. Text edits always take the last edit applied.
    adjudicators : iterable of str, optional
        Reviewers whose values win; by default those with role adjudicator or owner in ``frame``.
    originals : mapping, optional
        ``(record_id, target) -> source text`` so a first edit from a wrong view is detected too.
    rating_tolerance : float
        Ratings whose spread is within this count as agreeing.
    """
    if consolidation not in CONSOLIDATIONS:
        raise ValueError(f"unknown consolidation {consolidation!r}; use one of {', '.join(CONSOLIDATIONS)}")
    if len(frame) and not frame["seq"].is_monotonic_increasing:
        frame = frame.sort_values("seq", kind="stable")
    mask = active_mask(frame)
    roles = roles_from_frame(frame[mask])
    adj = {n for n, r in roles.items() if r in PRIVILEGED} if adjudicators is None else set(adjudicators)
    eff = frame[mask & (frame["record_id"] != PROJECT_RECORD).to_numpy()]
    kind = eff["kind"]

    st = eff[kind.isin(STATE_KINDS)]
    last = st.drop_duplicates(KEYS, keep="last")
    per_reviewer = pd.DataFrame({c: last[c] for c in KEYS + ["value", "time"]})
    per_reviewer["event_id"] = last["id"]
    per_reviewer["seq"] = last["seq"]
    per_reviewer = per_reviewer.reset_index(drop=True)

    edits = eff[kind == "edit"]
    applied, edit_rows, conflicts = resolve_edits(edits, adj, originals)
    op_ev = eff[kind.isin(("edit",) + TURN_KINDS)]
    ops = pd.DataFrame({"seq": op_ev["seq"], "event_id": op_ev["id"], "record_id": op_ev["record_id"],
                        "reviewer": op_ev["reviewer"], "kind": op_ev["kind"], "target": op_ev["target"],
                        "value": op_ev["value"]})
    ops["applied"] = applied.reindex(ops.index, fill_value=True).astype(bool)

    parts = [_consolidate(per_reviewer, adj, consolidation, rating_tolerance)]
    if len(edit_rows):
        parts.append(edit_rows)
    consolidated = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=CONSOLIDATED_COLUMNS)
    return FoldedState(per_reviewer, consolidated[CONSOLIDATED_COLUMNS],
                       conflicts if len(conflicts) else pd.DataFrame(columns=CONFLICT_COLUMNS),
                       ops.reset_index(drop=True), roles)


def _consolidate(pr: pd.DataFrame, adj: set[str], rule: str, tol: float) -> pd.DataFrame:
    """Consolidated rows for ratings, labels, decisions, preferences and tags."""
    gk = ["record_id", "kind", "target"]
    pr = pr[pr["kind"].isin(("rating", "tags") + CATEGORICAL_KINDS)]
    is_adj = pr["reviewer"].isin(adj)
    out = []
    rest = pr[~is_adj]
    cat = rest[rest["kind"].isin(CATEGORICAL_KINDS)]
    if len(cat):
        out.append(_categorical(cat.assign(vkey=_vkeys(cat)), gk, rule))
    rat = rest[rest["kind"] == "rating"]
    if len(rat):
        v = pd.to_numeric(rat["value"], errors="coerce")
        g = rat.assign(v=v).groupby(gk, sort=False)["v"].agg(["size", "median", "min", "max"]).reset_index()
        agreed = (g["max"] - g["min"]) <= tol
        keep = _keep(rule, g["size"], agreed if rule == "unanimous" else pd.Series(True, index=g.index))
        value = g["median"].astype(object).where(keep, None)
        out.append(pd.DataFrame({**{k: g[k] for k in gk}, "value": value, "n_reviewers": g["size"],
                                 "agreed": agreed}))
    tags = rest[rest["kind"] == "tags"]
    if len(tags):
        out.append(_tags(tags, gk, rule))
    res = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=CONSOLIDATED_COLUMNS)
    if len(res):
        res["source"] = np.where(res["n_reviewers"] > 1, "agreement", "single")
    a = pr[is_adj].drop_duplicates(gk, keep="last")
    if len(a):
        adj_rows = pd.DataFrame({**{k: a[k] for k in gk}, "value": _vkeys(a), "source": "adjudicator",
                                 "n_reviewers": np.nan, "agreed": None})
        both = pd.concat([res, adj_rows], ignore_index=True) if len(res) else adj_rows
        gid = both.groupby(gk, sort=False).ngroup().to_numpy()
        # the adjudicator's row (last in its group) wins; the reviewers' stats (first) carry over
        stats = both[["n_reviewers", "agreed"]].astype(object).groupby(gid).transform("first")
        both["n_reviewers"] = pd.to_numeric(stats["n_reviewers"]).fillna(0).astype("int64")
        both["agreed"] = stats["agreed"].where(stats["agreed"].notna(), True).astype(bool)
        res = both[~pd.Index(gid).duplicated(keep="last")]
    return res.reindex(columns=CONSOLIDATED_COLUMNS)


def _vkeys(df: pd.DataFrame) -> pd.Series:
    """Values as comparable keys: preferences normalised, everything else unchanged."""
    vkey = df["value"].astype(object).copy()
    pref = (df["kind"] == "preference").to_numpy()
    if pref.any():
        vkey[pref] = df["value"][pref].map(preference_key)
    return vkey


def _keep(rule: str, n: pd.Series, ok: pd.Series) -> pd.Series:
    """Whether the rule yields a value for each group (``ok``: the rule's own condition held)."""
    if rule == "adjudicator_only":
        return n == 1
    return ok | (n == 1)


def _categorical(df: pd.DataFrame, gk: list[str], rule: str) -> pd.DataFrame:
    counts = df.groupby(gk + ["vkey"], sort=False, dropna=False).size().rename("c").reset_index()
    g = counts.groupby(gk, sort=False)["c"]
    counts["n"] = g.transform("sum")
    counts["top"] = g.transform("max")
    counts["n_values"] = g.transform("size")
    at_top = counts["c"] == counts["top"]
    counts["n_top"] = at_top.groupby([counts[k] for k in gk], sort=False).transform("sum")
    best = counts[counts["c"] == counts["top"]].drop_duplicates(gk, keep="first")
    agreed = best["n_values"] == 1
    ok = agreed if rule == "unanimous" else best["n_top"] == 1
    keep = _keep(rule, best["n"], ok)
    return pd.DataFrame({**{k: best[k] for k in gk}, "value": best["vkey"].astype(object).where(keep, None),
                         "n_reviewers": best["n"], "agreed": agreed})


def _tags(df: pd.DataFrame, gk: list[str], rule: str) -> pd.DataFrame:
    """Per-tag vote: a tag is kept when more than half (unanimous: all) of the reviewers chose it."""
    df = df[gk + ["value"]].reset_index(drop=True)
    gid = df.groupby(gk, sort=False).ngroup().to_numpy()
    n = np.bincount(gid)
    ex = df["value"].map(lambda v: sorted(set(v or ()))).explode().dropna()
    pairs = pd.DataFrame({"g": gid[ex.index.to_numpy()], "tag": ex.to_numpy()})
    cnt = pairs.groupby(["g", "tag"], sort=True).size().reset_index(name="c")
    g_of, c = cnt["g"].to_numpy(), cnt["c"].to_numpy()
    # sets are all equal exactly when every tag that appears was chosen by every reviewer
    agreed = np.ones(len(n), dtype=bool)
    agreed[g_of[c < n[g_of]]] = False
    need = n[g_of] if rule == "unanimous" else n[g_of] // 2 + 1
    kept = cnt[c >= need]
    bounds = np.searchsorted(kept["g"].to_numpy(), np.arange(len(n) + 1))
    tags = kept["tag"].to_numpy()
    value: list[list[Any] | None] = [list(tags[bounds[i]:bounds[i + 1]]) for i in range(len(n))]
    if rule == "adjudicator_only":
        value = [v if k == 1 else None for v, k in zip(value, n)]
    first = df.drop_duplicates(gk)
    return pd.DataFrame({**{k: first[k].to_numpy() for k in gk}, "value": value, "n_reviewers": n,
                         "agreed": agreed})


__all__ = ["FoldedState", "fold_events", "active_mask", "roles_from_frame", "preference_key",
           "STATE_KINDS", "TURN_KINDS", "PROJECT_KINDS", "PROJECT_RECORD", "REVIEWER_ROLES", "ROLES", "PRIVILEGED",
           "CONFLICT_COLUMNS"]
