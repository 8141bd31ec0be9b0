"""Values of each annotation kind: parsing, kind inference and canonical (comparable) forms.

A preference becomes the candidate chosen (display order undone), tags a sorted tuple, a ranking a
tuple of (candidate, rank), ratings numbers (ranks when an ``order`` is declared).  Values stored as
JSON strings are parsed first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .tables import select_field

__all__ = [
    "VALUE_KINDS",
    "KINDS",
    "normalize_kind",
    "infer_kind",
    "preference_label",
    "ranking_ranks",
    "canonical_matrix",
]

VALUE_KINDS = ("rating", "category", "tags", "preference", "ranking", "text")  # kinds of annotation value
KINDS = VALUE_KINDS  # deprecated alias: model.schema.KINDS are record kinds (sft, preference, ...)
_ALIASES = {
    "ratings": "rating", "ordinal": "rating", "categories": "category", "nominal": "category",
    "label": "category", "labels": "category", "choices": "category", "tag": "tags", "multilabel": "tags",
    "preferences": "preference", "pairwise": "preference", "rankings": "ranking", "edit": "text",
    "edited_text": "text", "edits": "text",
}
TEXT_MIN_MEAN_LENGTH = 40


def normalize_kind(kind: str) -> str:
    """Canonical kind name (accepts plurals and a few aliases)."""
    k = _ALIASES.get(kind, kind)
    if k not in VALUE_KINDS:
        raise ValueError(f"unknown annotation kind {kind!r}; expected one of {VALUE_KINDS}")
    return k


def _parse(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return value is pd.NA or value is pd.NaT


def infer_kind(values: Sequence[Any]) -> str:
    """Guess the annotation kind from its values.

    numbers -> rating; lists -> tags; dicts with ``choice`` -> preference; dicts with ``ranking`` ->
    ranking; strings averaging at least ``TEXT_MIN_MEAN_LENGTH`` characters -> text; else category.
    """
    vals = [_parse(v) for v in values if not _is_missing(v)]
    if not vals:
        return "category"
    if all(isinstance(v, dict) and "choice" in v for v in vals):
        return "preference"
    if all(isinstance(v, dict) and "ranking" in v for v in vals):
        return "ranking"
    if all(isinstance(v, (list, tuple, set, frozenset)) for v in vals):
        return "tags"
    if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
           for v in vals):
        return "rating"
    if all(isinstance(v, str) for v in vals) and np.mean([len(v) for v in vals]) >= TEXT_MIN_MEAN_LENGTH:
        return "text"
    return "category"


def preference_label(value: Any) -> Any:
    """The underlying candidate a preference points at, undoing the display order.

    ``{"choice": "A", "order": ["r2", "r1"]}`` -> ``"r2"`` (A is the first candidate shown);
    ``"B"`` -> ``"r1"``; ``"tie"`` stays ``"tie"``.  An integer choice indexes ``order``; a choice
    that already is a candidate id is kept; without ``order`` the choice is returned as is.
    """
    value = _parse(value)
    if _is_missing(value):
        return None
    if not isinstance(value, dict):
        return value
    choice = value.get("choice")
    order = value.get("order") or value.get("display_order")
    if _is_missing(choice) or not order:
        return choice
    order = list(order)
    if isinstance(choice, str) and choice.lower() in ("tie", "equal", "same", "both", "neither"):
        return "tie"
    if choice in order:
        return choice
    if isinstance(choice, (int, np.integer)) and not isinstance(choice, bool) and 0 <= choice < len(order):
        return order[int(choice)]
    if isinstance(choice, str) and len(choice) == 1 and choice.isalpha():
        pos = ord(choice.upper()) - ord("A")
        if pos < len(order):
            return order[pos]
    raise ValueError(f"preference choice {choice!r} does not match the display order {order!r}")


def ranking_ranks(value: Any) -> dict[Any, float]:
    """Candidate -> rank (1 = best; tied candidates get their mean rank).

    Accepts ``{"ranking": [...]}`` / a plain list (best first, a nested list is a tie group) or
    ``{"ranking": {candidate: rank}}``.
    """
    value = _parse(value)
    if isinstance(value, dict) and "ranking" in value:
        value = value["ranking"]
    if isinstance(value, dict):
        return {k: float(v) for k, v in value.items()}
    ranks: dict[Any, float] = {}
    pos = 1
    for group in value:
        members = list(group) if isinstance(group, (list, tuple, set, frozenset)) else [group]
        for member in members:
            ranks[member] = pos + (len(members) - 1) / 2.0
        pos += len(members)
    return ranks


def _canonical(value: Any, kind: str) -> Any:
    value = _parse(value)
    if _is_missing(value):
        return None
    if kind == "preference":
        return preference_label(value)
    if kind == "tags":
        if isinstance(value, str):
            value = [value]
        return tuple(sorted({str(t) for t in value}))
    if kind == "ranking":
        ranks = ranking_ranks(value)
        return tuple(sorted(ranks.items(), key=lambda kv: (kv[1], str(kv[0]))))
    return value


def canonical_matrix(
    long: pd.DataFrame, field: str | None = None, kind: str | None = None, order: Sequence[Any] | None = None
) -> pd.DataFrame:
    """Annotators x items matrix of comparable values for a field.

    Ratings become floats (ranks with ``order``), preferences the chosen candidate, tags a sorted
    tuple, rankings a tuple of (candidate, rank); missing cells are None / NaN.
    """
    df = select_field(long, field)
    kind = normalize_kind(kind) if kind else infer_kind(df["value"].tolist())
    df = df.assign(value=[_canonical(v, kind) for v in df["value"]])
    wide = df.set_index(["annotator", "record_id"])["value"].unstack("record_id")
    arr = wide.to_numpy(dtype=object)
    if kind == "rating":
        if order is not None:
            ranks = {v: float(i) for i, v in enumerate(order)}
            bad = [v for v in arr.ravel() if not _is_missing(v) and v not in ranks]
            if bad:
                raise ValueError(f"value {bad[0]!r} is not in the declared order {list(order)!r}")
            arr = np.array([[np.nan if _is_missing(v) else ranks[v] for v in row] for row in arr],
                           dtype=float)
        else:
            arr = np.array([[np.nan if _is_missing(v) else float(v) for v in row] for row in arr],
                           dtype=float)
            arr = arr.reshape(wide.shape)
    else:
        arr = np.where(pd.isna(arr), None, arr) if arr.size else arr
    return pd.DataFrame(arr.reshape(wide.shape), index=wide.index, columns=wide.columns)
