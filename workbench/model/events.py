"""Reviewer actions as immutable events (the store appends them; the current state is their fold)."""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

EVENT_KINDS = (
    "edit",  # target: "messages[i].content", "chosen[i].content", ... value: new text (str)
    "add_turn",  # target: "messages", value: {"index": i, "role": r, "content": c}
    "delete_turn",  # target: "messages", value: {"index": i}
    "rating",  # target: "overall" or a criterion name, value: int on the guideline scale
    "label",  # target: "category", value: str
    "tags",  # target: "tags", value: list[str]
    "preference",  # target: "preference", value: {"choice": "A"|"B"|"tie", "order": [...]} or {"ranking": [...], "order": [...]}
    "comment",  # target: "comment", value: str
    "decision",  # target: "decision", value: one of DECISIONS
    "gold",  # target: a field name, value: the expert answer
    "undo",  # reverts: the event id undone
    "assignment",  # target: reviewer name, value: {"role": "calibration"|"overlap"|"single"|"gold"}
    "suggestion",  # machine output, never a human annotation; value: {"value":..., "score":..., "model":...}
)
DECISIONS = ("accept", "reject", "needs_fix", "escalate")


def value_hash(value: Any) -> str:
    """Short hash of a value as the reviewer saw it (conflict detection)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Event:
    """One reviewer action. Never changed after it is written; undo is a new event."""

    record_id: str
    kind: str
    reviewer: str
    target: str | None = None
    value: Any = None
    seen_hash: str | None = None
    reverts: str | None = None
    session: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    time: str = field(default_factory=_now)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        keys = cls.__dataclass_fields__.keys()
        return cls(**{k: d[k] for k in keys if k in d})
