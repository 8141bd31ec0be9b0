"""What differs between the review modes: queues, display order, gold scoring, adjudication rows.

- review: the reviewer's assigned queue (every record when nothing is assigned to them);
- gold: the same queue, gold items unmarked; the reviewer's answers are scored against the gold ones;
- calibration: the shared calibration set first, then the rest of the queue;
- adjudicate: disputed and escalated records, every reviewer's values side by side.
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import Any

import pandas as pd

from workbench.model.records import Record
from workbench.store.fold import active_mask, preference_key

MODES = ("review", "gold", "calibration", "adjudicate")
FIELD_KINDS = {"rating": None, "label": "category", "tags": "tags", "preference": "preference",
               "decision": "decision"}


def display_order(record: Record, reviewer: str, seed: int = 0) -> list[str | int]:
    """The order a reviewer sees the candidates of a preference or ranking record in.

    Seeded by (seed, record id, reviewer), so it is stable across pages and kernel restarts but
    differs between reviewers, which removes position bias from the comparison. The order is
    recorded in each preference event.
    """
    if record.kind == "ranking":
        names: list[str | int] = list(range(len(record.candidates or [])))
    elif record.kind == "preference":
        names = ["chosen", "rejected"]
    else:
        return []
    digest = hashlib.sha256(f"{seed}|{record.id}|{reviewer}".encode()).digest()
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(names)
    return names


def _active_assignments(log) -> pd.DataFrame:
    df = pd.concat([log.frame(kind="assignment"), log.frame(kind="undo")], ignore_index=True)
    if df.empty:
        return df
    df = df.sort_values("seq", kind="stable")
    return df[active_mask(df) & (df["kind"] == "assignment").to_numpy()]


def calibration_ids(log) -> list[str]:
    """Record ids assigned with role "calibration" (shared by every reviewer), in queue order."""
    df = _active_assignments(log)
    if df.empty:
        return []
    cal = df[df["value"].map(lambda v: isinstance(v, dict) and v.get("role") == "calibration")]
    pos = cal["value"].map(lambda v: v.get("position", 0))
    return list(dict.fromkeys(cal.assign(_p=pos).sort_values(["_p", "seq"], kind="stable")["record_id"]))


def has_assignments(log) -> bool:
    """Whether any assignment is in effect in the project."""
    return not _active_assignments(log).empty


def adjudication_ids(status: pd.DataFrame) -> list[str]:
    """Records waiting for an adjudicator: disputed or escalated, with no adjudicator decision yet."""
    if status is None or status.empty:
        return []
    need = status["disputed"].astype(bool) | (status["decision"].astype(object) == "escalate")
    if "decision_source" in status.columns:
        need &= status["decision_source"].astype(object) != "adjudicator"
    return status.loc[need, "record_id"].tolist()


def field_name(kind: str, target: str) -> str:
    """How a (kind, target) reads in tables: ratings by criterion, edits by target path."""
    if kind == "rating":
        return f"rating: {target}"
    if kind == "edit":
        return f"edit: {target}"
    return FIELD_KINDS.get(kind) or kind


def annotation_rows(values: dict[str, dict[tuple[str, str], Any]]
                    ) -> tuple[list[tuple[str, dict]], list[str]]:
    """Side-by-side rows for the adjudication table: [(field, {reviewer: value})], reviewers."""
    reviewers = sorted(values)
    fields: dict[str, dict[str, Any]] = {}
    for reviewer in reviewers:
        for (kind, target), value in values[reviewer].items():
            fields.setdefault(field_name(kind, target), {})[reviewer] = value
    order = sorted(fields, key=lambda f: (not f.startswith("decision"), f.startswith("edit"), f))
    return [(f, fields[f]) for f in order], reviewers


def _matches(kind_field: str, mine: Any, gold: Any, tolerance: float) -> bool:
    if kind_field == "preference":
        return preference_key(mine) == preference_key(gold)
    if kind_field == "tags":
        return sorted(mine or []) == sorted(gold or [])
    if isinstance(mine, (int, float)) and isinstance(gold, (int, float)) and not isinstance(mine, bool):
        return abs(mine - gold) <= tolerance
    return mine == gold


def gold_key(field_: str, criteria: Sequence[str]) -> tuple[str, str] | None:
    """The (kind, target) of a reviewer value that a gold answer for ``field_`` is compared with."""
    if field_ in ("category",):
        return ("label", "category")
    if field_ in ("tags", "decision", "preference"):
        return (field_, field_)
    if field_ == "overall" or field_ in criteria:
        return ("rating", field_)
    if "[" in field_:
        return ("edit", field_)
    return None


def score_gold(gold: pd.DataFrame, mine: pd.DataFrame, criteria: Sequence[str],
               tolerance: float = 0) -> pd.DataFrame:
    """Each of the reviewer's answers on a gold item against the gold answer.

    Parameters
    ----------
    gold : DataFrame
        Gold answers in effect: ``record_id``, ``target`` (field), ``value``.
    mine : DataFrame
        The reviewer's current values: ``record_id``, ``kind``, ``target``, ``value``.
    criteria : sequence of str
        Criterion names of the guidelines (ratings are matched by criterion).
    tolerance : float
        Ratings within this distance of the gold rating count as correct.

    Returns
    -------
    DataFrame with record_id, field, answer, gold, correct (only fields the reviewer answered).
    """
    lookup = {(r, k, t): v
              for r, k, t, v in zip(mine["record_id"], mine["kind"], mine["target"], mine["value"])}
    rows = []
    for rid, fld, gval in zip(gold["record_id"], gold["target"], gold["value"]):
        key = gold_key(fld, criteria)
        if key is None or (rid, *key) not in lookup:
            continue
        ans = lookup[(rid, *key)]
        rows.append({"record_id": rid, "field": fld, "answer": ans, "gold": gval,
                     "correct": _matches(key[0] if key[0] != "label" else "label", ans, gval, tolerance)})
    return pd.DataFrame(rows, columns=["record_id", "field", "answer", "gold", "correct"])
