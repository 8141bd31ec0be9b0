"""One record's annotations, folded in plain Python from that record's few events.

The project's fold (:mod:`workbench.store.fold`) is vectorised for millions of events; a review page
shows one to a few records with a handful of events each, where a small loop is far cheaper than a
DataFrame pipeline (a page reads a record in well under a millisecond this way, the vectorised fold of
the same events takes several). Both implement the same rules, and a property test
(``tests/store/test_record_fold.py``) checks them against each other over random histories of every
event kind: undo chains alternate, the last value per (reviewer, kind, target) wins, an edit made from
a stale view or a non-adjudicator's edit after an adjudicator's is kept but not applied.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbench.model.events import value_hash
from workbench.model.records import Record
from workbench.store.edits import apply_ops, text_at
from workbench.store.fold import STATE_KINDS, TURN_KINDS

_SERIALS = itertools.count()
# a reviewer's own values; an expert's gold answers are kept per target (``RecordState.gold``)
REVIEWER_KINDS = tuple(k for k in STATE_KINDS if k != "gold")
OP_KINDS = ("edit",) + TURN_KINDS


@dataclass
class RecordState:
    """What is known about one record now.

    Attributes
    ----------
    source : dict
        The frozen source row.
    row : dict
        The current row: every applied edit and turn change in commit order.
    values : dict
        reviewer -> {(kind, target): value}, each reviewer's current values.
    gold : dict
        target -> the expert's (gold) answer.
    suggestions : dict
        target -> the latest machine suggestion ``{"value", "score", "model"}``.
    conflicts : list of dict
        Edits kept but not applied: reviewer, target, value, reason ("stale" or "adjudicated"),
        resolved (its author redid the edit on the fresh text, or an adjudicator ruled).
    n_events : int
        Number of events on the record (including undone ones).
    serial : int
        Unique per folded state, so views know when to re-sync (``id()`` of freed objects is reused).
    """

    source: dict[str, Any]
    row: dict[str, Any]
    values: dict[str, dict[tuple[str, str], Any]] = field(default_factory=dict)
    gold: dict[str, Any] = field(default_factory=dict)
    suggestions: dict[str, Any] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    n_events: int = 0
    serial: int = field(default_factory=lambda: next(_SERIALS))  # tells views a state was re-read

    @property
    def record(self) -> Record:
        """The current record (edits applied)."""
        return Record.from_dict(self.row)

    @property
    def original(self) -> Record:
        """The source record as frozen in the project."""
        return Record.from_dict(self.source)

    def mine(self, reviewer: str) -> dict[tuple[str, str], Any]:
        """``reviewer``'s current values ({(kind, target): value})."""
        return self.values.get(reviewer, {})

    def text(self, target: str) -> str | None:
        """The current text at an edit target (what the reviewer is shown)."""
        return text_at(self.row, target)

    def original_text(self, target: str) -> str | None:
        """The source text at an edit target (None when the source has no such turn)."""
        return text_at(self.source, target)

    def reviewers(self) -> list[str]:
        """Reviewers with an annotation other than a comment."""
        return sorted(r for r, v in self.values.items() if any(k[0] != "comment" for k in v))

    def __repr__(self) -> str:
        return (f"RecordState(id={self.source.get('id')!r}, events={self.n_events}, "
                f"reviewers={self.reviewers()}, conflicts={len(self.conflicts)})")


def active(events: list[dict[str, Any]]) -> list[bool]:
    """In effect or not, per event (commit order): an event is undone by a later undo that is itself in
    effect (the per-record twin of :func:`workbench.store.fold.active_mask`)."""
    undone: set[str] = set()
    out = [True] * len(events)
    for i in range(len(events) - 1, -1, -1):
        e = events[i]
        out[i] = e["id"] not in undone
        if out[i] and e["kind"] == "undo" and e.get("reverts"):
            undone.add(e["reverts"])
    return out


class RecordEvents:
    """Which records have any event, kept in step with the append-only log by sequence number.

    Building a DataFrame for a record's (usually empty) history costs milliseconds; a set lookup
    costs nothing. So a page queries the log only for records that have events, and one cheap
    ``max_seq`` query per read tells whether other reviewers have written since.
    """

    def __init__(self, project):
        self.project = project
        self._ids: set[str] | None = None
        self._seq = 0

    def sync(self) -> None:
        """Catch up with events appended since the last look (one cheap query when none)."""
        log = self.project.log
        if self._ids is None:
            frame = self.project.frame()
            self._ids = set(frame["record_id"])
            self._seq = int(frame["seq"].max()) if len(frame) else 0
        elif log.max_seq() != self._seq:
            new = log.frame(after_seq=self._seq)
            if len(new):
                self._ids.update(new["record_id"])
                self._seq = int(new["seq"].max())

    def frame(self, record_id: str) -> pd.DataFrame | None:
        """The record's events in commit order, or None when it has none."""
        self.sync()
        assert self._ids is not None  # sync() read them
        return self.project.log.frame(record_id=record_id) if record_id in self._ids else None


def fold_record(source_row: dict[str, Any], frame: pd.DataFrame | None,
                adjudicators: set[str]) -> RecordState:
    """Fold one record's events (``EventLog.frame(record_id=...)``, commit order) onto its source row."""
    cols = ["id", "reviewer", "kind", "target", "value", "seen_hash", "reverts"]
    events = [dict(zip(cols, vals)) for vals in zip(*(frame[c].tolist() for c in cols))] \
        if frame is not None and len(frame) else []
    state = RecordState(source=source_row, row=source_row, n_events=len(events))
    ops: list[tuple[str, str, Any]] = []
    current: dict[str, str | None] = {}
    adjudicated: set[str] = set()
    for e, on in zip(events, active(events)):
        kind, target, value, who = e["kind"], e["target"], e["value"], e["reviewer"]
        if not on or kind == "undo":
            continue
        if kind in REVIEWER_KINDS:
            state.values.setdefault(who, {})[(kind, target)] = value
        elif kind == "gold":
            state.gold[target] = value
        elif kind == "suggestion":
            state.suggestions[target] = value
        if kind not in OP_KINDS:
            continue
        if kind == "edit":
            if target not in current:
                text = text_at(source_row, target)
                current[target] = None if text is None else value_hash(text)
            is_adj = who in adjudicators
            seen = e["seen_hash"]
            reason = None
            if target in adjudicated and not is_adj:
                reason = "adjudicated"
            elif not is_adj and isinstance(seen, str) and current[target] not in (None, seen):
                reason = "stale"
            if reason:
                state.conflicts.append({"reviewer": who, "target": target, "value": value, "reason": reason,
                                        "event_id": e["id"], "resolved": False})
                continue
            current[target] = value_hash(value)
            for c in state.conflicts:  # settled once its author redoes the edit, or an adjudicator rules
                if c["target"] == target and (is_adj or c["reviewer"] == who):
                    c["resolved"] = True
            if is_adj:
                adjudicated.add(target)
        ops.append((kind, target, value))
    if ops:
        state.row = apply_ops(source_row, ops)
    return state
