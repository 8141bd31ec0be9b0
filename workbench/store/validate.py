"""Validation of reviewer actions before anything is written.

Each validator returns the normalised ``(target, value)`` of the event or raises ValueError with a
one-line message naming what is wrong, so a malformed action never reaches the log.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.model.events import DECISIONS, EVENT_KINDS
from workbench.model.guidelines import Guidelines
from workbench.model.schema import ROLES as TURN_ROLES
from workbench.store.edits import TURN_FIELDS, parse_target, text_at

ASSIGNMENT_ROLES = ("calibration", "overlap", "single", "gold")
DEFAULT_TARGETS = {"rating": "overall", "label": "category", "tags": "tags", "preference": "preference",
                   "comment": "comment", "decision": "decision", "add_turn": "messages",
                   "delete_turn": "messages"}
GOLD_FIELDS = ("category", "tags", "decision", "preference")


def check_reviewer(name: Any) -> str:
    """A reviewer name: a non-empty string (surrounding spaces removed), at most 100 characters.

    A name that needs no change is returned as is, so an :class:`~workbench.store.identity.Identity`
    keeps how it was verified.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"reviewer must be a non-empty name, got {name!r}")
    stripped = name.strip()
    if len(stripped) > 100 or stripped == "*":
        raise ValueError(f"reviewer name {stripped!r} is not allowed")
    return name if stripped == name else stripped


def _text(value: Any, what: str, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise ValueError(f"{what} must not be empty")
    return value


def _index(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be a non-negative integer, got {value!r}")
    return value


def check_label(value: Any, g: Guidelines) -> str:
    """A category name, one of the guidelines' categories when they list any."""
    value = _text(value, "category", allow_empty=False)
    if g.categories and value not in g.categories:
        raise ValueError(f"unknown category {value!r}; the guidelines allow: {', '.join(g.categories)}")
    return value


TAG_MAX_CHARS = 40


def tag_problem(tag: Any) -> str | None:
    """Why a tag is refused (None when it is fine): not text, empty, too long, a comma or a line break."""
    if not isinstance(tag, str):
        return f"a tag must be text, got {type(tag).__name__}"
    text = tag.strip()
    if not text:
        return "a tag cannot be empty"
    if len(text) > TAG_MAX_CHARS:
        return f"tag {text[:20]!r}... is {len(text)} characters long; at most {TAG_MAX_CHARS}"
    if "," in text:
        return f"tag {text!r} contains a comma: add each tag separately"
    if any(c in text for c in "\n\r\t"):
        return f"tag {text!r} contains a line break or tab"
    return None


def check_tags(value: Any, g: Guidelines) -> list[str]:
    """A list of free-text tag names, trimmed, returned sorted and unique.

    The guidelines' tags are suggestions (offered first in the app), not a closed list: reviewers
    name what they find. A bad tag is refused with the reason (:func:`tag_problem`).
    """
    if isinstance(value, str) or not isinstance(value, (list, tuple, set)):
        raise ValueError(f"tags must be a list of names, got {type(value).__name__}")
    for t in value:
        problem = tag_problem(t)
        if problem:
            raise ValueError(problem)
    return sorted({t.strip() for t in value})


def check_decision(value: Any) -> str:
    """One of ``DECISIONS``."""
    if value not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}, got {value!r}")
    return value


def check_preference(value: Any, record: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"choice": "A"|"B"|"tie", "order": [a, b]}`` or ``{"ranking": [...], "order": [...]}``."""
    if not isinstance(value, dict):
        raise ValueError("preference must be {'choice', 'order'} or {'ranking', 'order'}")
    order = value.get("order")
    if not isinstance(order, (list, tuple)) or len(order) < 2 or \
            not all(isinstance(o, (str, int)) and not isinstance(o, bool) for o in order) or \
            len(set(order)) != len(order):
        raise ValueError(f"order must list the displayed candidates (2 or more distinct names), "
                         f"got {order!r}")
    order = list(order)
    if record is not None and record.get("kind") == "preference" and set(order) != {"chosen", "rejected"}:
        raise ValueError(f"a preference record's order must be ['chosen', 'rejected'] in display order, "
                         f"got {order!r}")
    if record is not None and record.get("kind") == "ranking":
        n = len(record.get("candidates") or [])
        if any(isinstance(o, int) and o >= n for o in order):
            raise ValueError(f"order names a candidate index beyond the record's {n} candidates")
    if "ranking" in value:
        ranking = value["ranking"]
        if not isinstance(ranking, (list, tuple)) or sorted(map(str, ranking)) != sorted(map(str, order)) \
                or len(ranking) != len(order):
            raise ValueError(f"ranking must be a permutation of order {order!r}, got {ranking!r}")
        return {"ranking": list(ranking), "order": order}
    choice = value.get("choice")
    if choice not in ("A", "B", "tie"):
        raise ValueError(f"choice must be 'A', 'B' or 'tie', got {choice!r}")
    if len(order) != 2:
        raise ValueError(f"a pairwise choice needs exactly 2 candidates in order, got {order!r}")
    return {"choice": choice, "order": order}


def validate_action(kind: str, target: Any, value: Any, g: Guidelines,
                    record: Callable[[], dict[str, Any]]) -> tuple[str, Any]:
    """Check an action and return the event's normalised ``(target, value)``.

    Parameters
    ----------
    kind : str
        One of ``EVENT_KINDS`` except undo (undo has its own path).
    target, value
        As given by the caller; ``target`` None takes the kind's default.
    g : Guidelines
        The project's guidelines (criteria and scales, categories, tags).
    record : callable
        Returns the current (edited) record row as a dict; called only when needed.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}; known: {', '.join(EVENT_KINDS)}")
    target = DEFAULT_TARGETS.get(kind) if target is None else target
    if kind == "rating":
        return target, g.criterion(target).check(value)
    if kind == "label":
        _fixed(kind, target)
        return target, check_label(value, g)
    if kind == "tags":
        _fixed(kind, target)
        return target, check_tags(value, g)
    if kind == "decision":
        _fixed(kind, target)
        return target, check_decision(value)
    if kind == "comment":
        _fixed(kind, target)
        return target, _text(value, "comment", allow_empty=False)
    if kind == "preference":
        _fixed(kind, target)
        return target, check_preference(value, record())
    if kind == "edit":
        parse_target(target)
        _text(value, "edited text")
        if text_at(record(), target) is None:
            raise ValueError(f"the record has no {target} (check the turn index against the current record)")
        return target, value
    if kind in ("add_turn", "delete_turn"):
        return target, _turn(kind, target, value, record())
    if kind == "gold":
        return _gold(target, value, g, record)
    if kind == "suggestion":
        if not isinstance(target, str) or not target:
            raise ValueError("a suggestion needs the field it suggests a value for as target")
        if not isinstance(value, dict) or "value" not in value:
            raise ValueError("a suggestion's value must be {'value': ..., 'score': ..., 'model': ...}")
        return target, value
    if kind == "assignment":
        check_reviewer(target)
        if not isinstance(value, dict) or value.get("role") not in ASSIGNMENT_ROLES:
            roles = ", ".join(ASSIGNMENT_ROLES)
            raise ValueError(f"an assignment's value must be {{'role': one of {roles}}}")
        return target, value
    raise ValueError("undo is recorded with Project.undo(reviewer, event_id)")


def _fixed(kind: str, target: Any) -> None:
    if target != DEFAULT_TARGETS[kind]:
        raise ValueError(f"{kind} events target {DEFAULT_TARGETS[kind]!r}, got {target!r}")


def _turn(kind: str, target: Any, value: Any, row: dict[str, Any]) -> dict[str, Any]:
    if target not in TURN_FIELDS:
        raise ValueError(f"turns live in {', '.join(TURN_FIELDS)}, got target {target!r}")
    if not isinstance(value, dict):
        raise ValueError(f"{kind} value must be a dict with an index")
    n = len(row.get(target) or [])
    i = _index(value.get("index"), "turn index")
    if kind == "delete_turn":
        if i >= n:
            raise ValueError(f"cannot delete turn {i}: the record's {target} has {n} turns")
        return {"index": i}
    if i > n:
        raise ValueError(f"cannot add a turn at {i}: the record's {target} has {n} turns")
    if value.get("role") not in TURN_ROLES:
        raise ValueError(f"turn role must be one of {', '.join(TURN_ROLES)}, got {value.get('role')!r}")
    return {"index": i, "role": value["role"], "content": _text(value.get("content"), "turn content")}


def _gold(field: Any, value: Any, g: Guidelines, record: Callable[[], dict[str, Any]]) -> tuple[str, Any]:
    """A gold answer is checked like the annotation it is the answer for."""
    if field == "category":
        return field, check_label(value, g)
    if field == "tags":
        return field, check_tags(value, g)
    if field == "decision":
        return field, check_decision(value)
    if field == "preference":
        return field, check_preference(value, record())
    if isinstance(field, str) and (field == "overall" or any(c.name == field for c in g.criteria)):
        return field, g.criterion(field).check(value)
    if isinstance(field, str) and field in ("response", "edit"):
        return field, _text(value, "gold response")
    try:
        parse_target(field)
    except ValueError:
        names = ["overall", *(c.name for c in g.criteria), *GOLD_FIELDS, "response", "<edit target>"]
        raise ValueError(f"unknown gold field {field!r}; use one of: {', '.join(names)}") from None
    return field, _text(value, "gold text")
