"""Reviewer actions on a project. Each validates, then appends exactly one event and returns it.

Malformed input raises ValueError (a role that does not allow the action raises PermissionDenied)
before anything is written. A reviewer the project has not seen is enrolled with role reviewer in
the same transaction as their first action, unless the project's ``open_enrolment`` is off.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.model.events import Event, value_hash
from workbench.store.edits import text_at
from workbench.store.errors import Conflict, PermissionDenied
from workbench.store.fold import (
    PRIVILEGED,
    PROJECT_KINDS,
    PROJECT_RECORD,
    STATE_KINDS,
    TURN_KINDS,
    active_mask,
)
from workbench.store.validate import check_reviewer, validate_action

UNDOABLE = STATE_KINDS + TURN_KINDS + ("suggestion", "undo")


class ActionsMixin:
    """The write side of :class:`~workbench.store.project.Project`."""

    if TYPE_CHECKING:  # what this mixin uses from Project and the other mixins (for mypy only)
        log: Any
        session: str
        _registry: Any

        @property
        def dataset(self) -> Any: ...
        @property
        def guidelines(self) -> Any: ...
        def acting(self, who: Any) -> tuple[str, str]: ...
        def current_row(self, record_id: str) -> dict[str, Any]: ...
        def _require_role(self, who: Any, roles: tuple[str, ...], what: str) -> str: ...

    # helpers --------------------------------------------------------------------------------------
    def _require_record(self, record_id: Any) -> str:
        if not isinstance(record_id, str) or record_id not in self.dataset.ids:
            raise ValueError(f"unknown record id {record_id!r}")
        return record_id

    def _enrolment(self, reviewer) -> tuple[str, list[Event]]:
        """The role the reviewer acts with (see ``acting``), and the role event to write first when new.

        A closed project, a removed reviewer, or (in the served app) a typed name that belongs to a
        privileged or keyed reviewer raises PermissionDenied here.
        """
        name, role = self.acting(reviewer)
        if name in self._registry:  # the registry ``acting`` just brought up to date
            return role, []
        return "reviewer", [Event(PROJECT_RECORD, "role", name, name, {"role": "reviewer"},
                                  session=self.session)]

    def _append(self, event: Event, before: list[Event]) -> Event:
        self.log.append_many([*before, event])
        return event

    # the generic action -------------------------------------------------------------------------
    def act(self, reviewer: str, record_id: str, kind: str, target: str | None = None, value: Any = None,
            seen_hash: str | None = None, session: str | None = None, on_conflict: str = "flag") -> Event:
        """Validate and record one action; every specific action goes through here.

        Parameters
        ----------
        reviewer, record_id, kind, target, value
            The event's fields (``target`` None takes the kind's default, e.g. "overall" for a rating).
        seen_hash : str, optional
            ``value_hash`` of the text the reviewer saw (edits): an edit from a stale view is stored,
            not applied, and listed in ``fold().conflicts``.
        on_conflict : {"flag", "raise"}
            "raise" refuses a stale edit with :class:`Conflict` instead (nothing written).
        """
        who, reviewer = reviewer, str(check_reviewer(reviewer))  # ``who`` keeps how the name was verified
        if kind == "undo":
            return self.undo(who, event_id=value if value is not None else target)
        if kind in PROJECT_KINDS:
            raise ValueError(f"{kind} events are written by add_reviewer / set_guidelines / set_setting")
        if on_conflict not in ("flag", "raise"):
            raise ValueError(f"on_conflict must be 'flag' or 'raise', got {on_conflict!r}")
        if seen_hash is not None and not isinstance(seen_hash, str):
            raise ValueError(f"seen_hash must be a value_hash string, got {seen_hash!r}")
        self._require_record(record_id)
        # a model's suggestion is not a reviewer's work: the agent is named on the event, never enrolled
        role, before = ("machine", []) if kind == "suggestion" else self._enrolment(who)
        if kind == "gold" and role not in PRIVILEGED:
            raise PermissionDenied(f"{reviewer} ({role}) may not give gold answers; "
                                   "it needs owner or adjudicator")
        if kind == "assignment" and role != "owner":
            raise PermissionDenied(f"{reviewer} ({role}) may not assign work; it needs owner")
        row: dict[str, Any] = {}

        def current():
            if not row:
                row.update(self.current_row(record_id))
            return row

        target, value = validate_action(kind, target, value, self.guidelines, current)
        event = Event(record_id, kind, reviewer, target, value, seen_hash, None, session or self.session)
        if kind == "edit" and seen_hash is not None and role not in PRIVILEGED:
            conflict = self._stale(record_id, target, seen_hash, current())
            if conflict is not None and on_conflict == "raise":
                raise conflict
        return self._append(event, before)

    def _stale(self, record_id: str, target: str, seen_hash: str, row: dict) -> Conflict | None:
        current = text_at(row, target)
        h = value_hash(current)
        return None if h == seen_hash else Conflict(record_id, target, seen_hash, h, current)

    def check_conflict(self, record_id: str, target: str, seen_hash: str) -> Conflict | None:
        """A :class:`Conflict` when ``seen_hash`` is not the hash of the text now in effect, else None."""
        self._require_record(record_id)
        return self._stale(record_id, target, seen_hash, self.current_row(record_id))

    # specific actions ---------------------------------------------------------------------------
    def rate(self, reviewer: str, record_id: str, value: int, criterion: str = "overall", **kw) -> Event:
        """Rate a record on a criterion of the guidelines ("overall" always exists), on its scale."""
        return self.act(reviewer, record_id, "rating", criterion, value, **kw)

    def edit(self, reviewer: str, record_id: str, target: str, text: str, seen_hash: str | None = None,
             **kw) -> Event:
        """Replace the text at ``target`` (e.g. "messages[2].content") of the current record."""
        return self.act(reviewer, record_id, "edit", target, text, seen_hash=seen_hash, **kw)

    def add_turn(self, reviewer: str, record_id: str, index: int, role: str, content: str,
                 target: str = "messages", field: str | None = None, **kw) -> Event:
        """Insert a turn at ``index`` of ``target`` (0..number of turns); ``field`` is a deprecated alias."""
        return self.act(reviewer, record_id, "add_turn", field or target,
                        {"index": index, "role": role, "content": content}, **kw)

    def delete_turn(self, reviewer: str, record_id: str, index: int, target: str = "messages",
                    field: str | None = None, **kw) -> Event:
        """Delete the turn at ``index`` of ``target``; ``field`` is a deprecated alias."""
        return self.act(reviewer, record_id, "delete_turn", field or target, {"index": index}, **kw)

    def label(self, reviewer: str, record_id: str, category: str, **kw) -> Event:
        """Set the record's category (one of the guidelines' categories when they list any)."""
        return self.act(reviewer, record_id, "label", "category", category, **kw)

    def tag(self, reviewer: str, record_id: str, tags: list[str], **kw) -> Event:
        """Set the record's tags (the full set; an empty list clears them)."""
        return self.act(reviewer, record_id, "tags", "tags", tags, **kw)

    def prefer(self, reviewer: str, record_id: str, choice: str, order: list[str], **kw) -> Event:
        """Choose "A", "B" or "tie" between the two candidates shown in ``order``.

        ``order`` is what the reviewer saw, e.g. ``["rejected", "chosen"]``: "A" is its first item.
        """
        return self.act(reviewer, record_id, "preference", "preference", {"choice": choice, "order": order},
                        **kw)

    def rank(self, reviewer: str, record_id: str, ranking: list, order: list, **kw) -> Event:
        """Rank candidates best first; ``ranking`` is a permutation of the displayed ``order``."""
        return self.act(reviewer, record_id, "preference", "preference", {"ranking": ranking, "order": order},
                        **kw)

    def comment(self, reviewer: str, record_id: str, text: str, **kw) -> Event:
        """Leave a comment on a record."""
        return self.act(reviewer, record_id, "comment", "comment", text, **kw)

    def decide(self, reviewer: str, record_id: str, decision: str, **kw) -> Event:
        """accept / reject / needs_fix / escalate; an adjudicator's decision is final in the fold."""
        return self.act(reviewer, record_id, "decision", "decision", decision, **kw)

    def adjudicate(self, reviewer: str, record_id: str, value: Any, kind: str = "decision",
                   target: str | None = None, **kw) -> Event:
        """Settle a disagreement: an adjudicator's (or owner's) value that wins over the reviewers'."""
        self._require_role(reviewer, PRIVILEGED, "adjudicate")
        return self.act(reviewer, record_id, kind, target, value, **kw)  # ``reviewer`` keeps its verification

    def gold(self, reviewer: str, record_id: str, target: str | None = None, value: Any = None,
             field: str | None = None, **kw) -> Event:
        """Record the expert answer for ``target`` (owner or adjudicator only); ``field`` is a deprecated
        alias of ``target``."""
        target = field if field is not None else target
        if target is None:
            raise TypeError("gold() needs the target the answer is for (e.g. 'overall' or 'category')")
        return self.act(reviewer, record_id, "gold", target, value, **kw)

    def suggest(self, model: str, record_id: str, target: str, value: Any, score: float | None = None,
                **kw) -> Event:
        """Machine output, kept apart from human annotations (provenance)."""
        value = {"value": value, "score": score, "model": model}
        return self.act(model, record_id, "suggestion", target, value, **kw)

    # undo / redo --------------------------------------------------------------------------------
    def _effective(self, reviewer: str):
        """The reviewer's events plus every undo, with whether each is in effect."""
        import pandas as pd

        mine, undos = self.log.frame(reviewer=reviewer), self.log.frame(kind="undo")
        df = pd.concat([mine, undos], ignore_index=True).drop_duplicates("id").sort_values("seq")
        return df.assign(active=active_mask(df))

    def undo(self, reviewer: str, event_id: str | None = None) -> Event:
        """Revert ``event_id``, or the reviewer's last action still in effect; returns the undo event.

        Undoing an undo re-applies what it reverted (that is :meth:`redo`). A reviewer undoes their
        own actions; an adjudicator or owner may undo anyone's.
        """
        who, reviewer = reviewer, str(check_reviewer(reviewer))
        role, before = self._enrolment(who)
        if event_id is None:
            df = self._effective(reviewer)
            df = df[(df["reviewer"] == reviewer) & df["active"] & df["kind"].isin(UNDOABLE[:-1])
                    & (df["record_id"] != PROJECT_RECORD)]
            if df.empty:
                raise ValueError(f"{reviewer} has nothing to undo")
            target = df.iloc[-1]
        else:
            found = self.log.get(event_id) if isinstance(event_id, str) else None
            if found is None:
                raise ValueError(f"unknown event id {event_id!r}")
            target = found.to_dict()
            if target["kind"] not in UNDOABLE + ("assignment",) or target["record_id"] == PROJECT_RECORD:
                raise ValueError(f"{target['kind']} events cannot be undone")
            if target["kind"] == "assignment" and role != "owner":
                raise PermissionDenied(f"{reviewer} may not change assignments; it needs owner")
            if target["reviewer"] != reviewer and role not in PRIVILEGED:
                raise PermissionDenied(f"{reviewer} may undo only their own actions")
            if not self._effective(target["reviewer"]).set_index("id").at[event_id, "active"]:
                raise ValueError(f"event {event_id} is already undone")
        event = Event(target["record_id"], "undo", reviewer, target["kind"], None, None, target["id"],
                      self.session)
        return self._append(event, before)

    def redo(self, reviewer: str) -> Event:
        """Re-apply the reviewer's most recent undo still in effect (an undo of that undo)."""
        df = self._effective(reviewer)
        df = df[(df["reviewer"] == reviewer) & df["active"] & (df["kind"] == "undo")]
        if df.empty:
            raise ValueError(f"{reviewer} has nothing to redo")
        return self.undo(reviewer, df.iloc[-1]["id"])
