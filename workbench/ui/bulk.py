"""Bulk actions on the filtered selection: planned first, applied only after confirmation.

A plan names the action, its parameters and the exact record ids it will touch, so the reviewer
confirms what will happen (and how many records) before any event is written. Each record still
gets its own event, as if the reviewer had acted on it by hand.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.model.events import DECISIONS

BULK_ACTIONS = ("reject_duplicates", "decide", "tag", "label", "assign")
CLUSTER_SUFFIXES = ("cluster", "group", "cluster_id", "group_id")
CLUSTER_COLUMNS = {"exact_duplicates": "record_dup_group", "near_duplicates": "near_dup_cluster"}


@dataclass
class BulkPlan:
    """A bulk action waiting for confirmation."""

    action: str
    record_ids: list[str]
    params: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def __len__(self) -> int:
        return len(self.record_ids)


def duplicate_extras(signals: pd.DataFrame, ids: pd.Index, positions: np.ndarray,
                     signal: str = "exact_duplicates") -> list[str]:
    """Ids in ``positions`` that duplicate another record and are not their cluster's representative.

    Parameters
    ----------
    signals : DataFrame
        Signal columns aligned to table positions. The cluster column (``record_dup_group`` for
        exact duplicates, ``near_dup_cluster`` for near duplicates, or ``<signal>_cluster`` /
        ``_group``) holds each member's representative id; without one, the signal's own flag
        ``is_<signal>_issue`` (which marks the rows to drop) is used.
    ids : Index
        Record ids by table position.
    positions : array of int
        The selection (table positions). A representative is kept even when it is not selected.
    signal : str
        The duplicate signal's name.
    """
    names = [CLUSTER_COLUMNS.get(signal, "")] + [f"{signal}_{s}" for s in CLUSTER_SUFFIXES]
    cluster_col = next((c for c in names if c and c in signals.columns), None)
    flag_col = f"is_{signal}_issue"
    if cluster_col is not None:
        cluster = signals[cluster_col].astype(object).to_numpy()
        present = pd.notna(cluster)
        if present.any() and pd.Index(cluster[present]).isin(ids).all():
            extra = present & (cluster != ids.to_numpy(dtype=object))
        else:  # cluster labels that are not ids: the first member in dataset order represents it
            labels = pd.Series(cluster)
            extra = present & labels.duplicated(keep="first").to_numpy()
    elif flag_col in signals.columns:
        extra = signals[flag_col].fillna(False).to_numpy(dtype=bool)
    else:
        raise ValueError(f"no {signal} clusters are available (compute the quality signals first)")
    sel = np.sort(np.asarray(positions, dtype=np.int64))
    return ids.to_numpy(dtype=object)[sel[extra[sel]]].tolist()


def plan_bulk(action: str, ids: Sequence[str], params: dict[str, Any],
              duplicates: Callable[[str], list[str]]) -> BulkPlan:
    """Check a bulk action's parameters and describe what it will do (nothing is written)."""
    if action not in BULK_ACTIONS:
        raise ValueError(f"unknown bulk action {action!r}; known: {', '.join(BULK_ACTIONS)}")
    ids = list(ids)
    if action == "reject_duplicates":
        ids = duplicates(params.get("signal") or "exact_duplicates")
        desc = f"reject {len(ids):,} duplicate records (each cluster's representative is kept)"
    elif action == "decide":
        if params.get("decision") not in DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(DECISIONS)}, "
                             f"got {params.get('decision')!r}")
        desc = f"decide {params['decision']!r} on {len(ids):,} records"
    elif action == "tag":
        tags = params.get("tags")
        tags = [tags] if isinstance(tags, str) else list(tags or [])
        if not tags:
            raise ValueError("name at least one tag to add")
        params = {**params, "tags": tags}
        desc = f"add tags {', '.join(tags)} to {len(ids):,} records"
    elif action == "label":
        if not params.get("category"):
            raise ValueError("name the category to set")
        desc = f"set category {params['category']!r} on {len(ids):,} records"
    else:
        if not params.get("reviewer"):
            raise ValueError("name the reviewer to assign the records to")
        desc = f"assign {len(ids):,} records to {params['reviewer']}"
    if not ids:
        raise ValueError("the selection is empty: nothing to do")
    return BulkPlan(action, ids, dict(params), desc)


def run_bulk(plan: BulkPlan, project, reviewer: str,
             current_tags: Callable[[str], list[str]]) -> tuple[int, list[str]]:
    """Apply a confirmed plan; returns (events written, error messages). Stops at a permission error."""
    if plan.action == "assign":
        project.assign([plan.params["reviewer"]], records=plan.record_ids, overlap=0.0, calibration=0,
                       gold=[], by=reviewer)
        return len(plan.record_ids), []
    project.require_verified(reviewer, "make bulk changes")  # a typed name in the served app may not
    done, errors = 0, []
    for rid in plan.record_ids:
        try:
            if plan.action in ("reject_duplicates", "decide"):
                project.decide(reviewer, rid, plan.params.get("decision", "reject"))
            elif plan.action == "label":
                project.label(reviewer, rid, plan.params["category"])
            else:
                project.tag(reviewer, rid, sorted(set(current_tags(rid)) | set(plan.params["tags"])))
            done += 1
        except PermissionError:
            raise
        except ValueError as exc:
            errors.append(f"{rid}: {exc}")
    return done, errors
