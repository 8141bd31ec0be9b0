"""Row-level views of canonical records (for the UI, tests and small data; bulk work uses columns)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from workbench.model.schema import MESSAGE_FIELDS


@dataclass(frozen=True)
class Message:
    role: str
    content: str
    name: str | None = None
    tool_calls: str | None = None
    weight: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in MESSAGE_FIELDS}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Message:
        fields: dict[str, Any] = {k: d.get(k) for k in MESSAGE_FIELDS}
        return cls(**fields)


def _msgs(value) -> list[Message] | None:
    if value is None:
        return None
    return [Message.from_dict(m) for m in value]


@dataclass
class Record:
    """One canonical record. ``metadata`` holds every source field the canonical columns do not."""

    id: str
    kind: str
    messages: list[Message] = field(default_factory=list)
    chosen: list[Message] | None = None
    rejected: list[Message] | None = None
    candidates: list[str] | None = None
    completion: list[Message] | None = None
    label: bool | None = None
    category: str | None = None
    source_file: str | None = None
    source_line: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict in the canonical table's row shape (metadata as JSON text)."""

        def ml(v):
            return None if v is None else [m.to_dict() for m in v]

        return {
            "id": self.id,
            "kind": self.kind,
            "messages": ml(self.messages),
            "chosen": ml(self.chosen),
            "rejected": ml(self.rejected),
            "candidates": self.candidates,
            "completion": ml(self.completion),
            "label": self.label,
            "category": self.category,
            "source_file": self.source_file,
            "source_line": self.source_line,
            "metadata": json.dumps(self.metadata, sort_keys=True, ensure_ascii=False) if self.metadata else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        meta = d.get("metadata")
        if isinstance(meta, str):
            meta = json.loads(meta)
        return cls(
            id=d["id"],
            kind=d["kind"],
            messages=_msgs(d.get("messages")) or [],
            chosen=_msgs(d.get("chosen")),
            rejected=_msgs(d.get("rejected")),
            candidates=list(d["candidates"]) if d.get("candidates") is not None else None,
            completion=_msgs(d.get("completion")),
            label=d.get("label"),
            category=d.get("category"),
            source_file=d.get("source_file"),
            source_line=d.get("source_line"),
            metadata=meta or {},
        )

    # Convenience views -------------------------------------------------------------------------
    @property
    def prompt(self) -> str:
        """Text of the last user turn (the question being answered)."""
        for m in reversed(self.messages):
            if m.role == "user":
                return m.content or ""
        return ""

    @property
    def response(self) -> str:
        """The response under review: last assistant turn, or the chosen / KTO completion."""
        src = self.messages if self.kind == "sft" else (self.chosen or self.completion or [])
        for m in reversed(src):
            if m.role == "assistant":
                return m.content or ""
        return ""


def content_id(payload: Any) -> str:
    """A stable id from content: the first 16 hex digits of SHA-256 over canonical JSON.

    Used when the source has no id of its own. It never depends on the row position, so the same
    example keeps its id when a file is re-ordered or re-exported.
    """
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
