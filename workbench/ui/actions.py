"""The session's actions: each appends one event through the project immediately.

Errors never escape as tracebacks into the reviewer's view: a refused action (bad value, missing
permission, stale edit) becomes the session's message and the method returns None. An edit carries
the hash of the text the reviewer was shown, so a concurrent change is reported as a conflict and
the other reviewer's text is never silently overwritten.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from workbench.model.events import value_hash
from workbench.store.actions import UNDOABLE
from workbench.store.errors import Conflict, PermissionDenied
from workbench.store.fold import REVIEW_KINDS, active_mask
from workbench.store.validate import tag_problem
from workbench.ui.blind import reveals_preference
from workbench.ui.bulk import BulkPlan, duplicate_extras, plan_bulk, run_bulk
from workbench.ui.modes import annotation_rows, score_gold
from workbench.ui.render import LETTERS
from workbench.ui.suggest_actions import SuggestionActions
from workbench.ui.wording import field_label, saved_message

UNDOABLE_KINDS = tuple(k for k in UNDOABLE if k != "undo")
ADVANCE_ON = ("accept", "reject", "needs_fix")  # decisions after which auto_advance opens the next record


class SessionActions(SuggestionActions):
    """Mixin of :class:`~workbench.ui.session.ReviewSession` holding the write side."""

    auto_advance = False  # the review widget turns it on (its "next record after a decision" setting)

    def _call(self, method: str, *args: Any, record_id: str | None = None, kind: str = "",
              target: str | None = None, adjudicable: bool = True, value: Any = None, **kw: Any):
        """Run one project action for the focused (or given) record, reporting the outcome.

        In adjudicate mode an action with a ``kind`` goes through ``Project.adjudicate`` (role
        checked, value final) with ``value`` (default: the first positional argument).
        """
        rid = record_id or self.current_id
        if rid is None:
            self._say("the queue is empty: nothing to act on", "error")
            return None
        try:
            if self.mode == "adjudicate" and adjudicable and kind:
                value = args[0] if value is None else value
                event = self.project.adjudicate(self.reviewer, rid, value, kind=kind, target=target, **kw)
            else:
                event = getattr(self.project, method)(self.reviewer, rid, *args, **kw)
        except Conflict as exc:
            self._states.pop(rid, None)
            self._say(f"conflict: {exc}; reload shows the current text", "conflict")
            return None
        except (ValueError, PermissionDenied) as exc:
            self._say(str(exc), "error")
            return None
        self._done(rid, event)
        return event

    def _done(self, rid: str, event, text: str | None = None) -> None:
        self.last_event = event
        self._states.pop(rid, None)
        if event.kind in REVIEW_KINDS and self._reviewed is not None:
            self._reviewed[0].add(rid)
            self._reviewed[1].add(rid)
        self._say(text or self._saved_text(rid, event), "info")
        self._notify("record")

    def _saved_text(self, rid: str, event) -> str:
        """"saved ..." naming fields as people do, a preference pick by its letter only (blind review)."""
        try:
            record = self.record_state(rid).record
            order, n = self.current_order(rid), len(record.messages)
        except (ValueError, KeyError, AttributeError):
            order, n = None, None
        return saved_message(event, rid, reveal=reveals_preference(self), order=order, n_messages=n)

    def _field(self, target: str, rid: str | None) -> str:
        """``target`` as people say it ("response", "turn 2", "Response A")."""
        try:
            record = self.record_state(rid).record
            return field_label(target, self.current_order(rid), len(record.messages))
        except (ValueError, KeyError, AttributeError):
            return field_label(target)

    # annotations ---------------------------------------------------------------------------------
    def rate(self, value: int, criterion: str = "overall", record_id: str | None = None, **kw: Any):
        """Rate on ``criterion`` ("overall" or a guideline criterion), on its scale."""
        return self._call("rate", value, criterion, record_id=record_id, kind="rating", target=criterion,
                          **kw)

    def label(self, category: str, record_id: str | None = None, **kw: Any):
        """Set the category (one of the guidelines' categories)."""
        return self._call("label", category, record_id=record_id, kind="label", target="category", **kw)

    def tag(self, tags: Sequence[str], record_id: str | None = None, **kw: Any):
        """Set the record's tags (the full set; [] clears them); free text, a refused tag says why."""
        for t in tags:
            problem = tag_problem(t)
            if problem:
                self._say(f"tag not saved: {problem}", "error")
                return None
        return self._call("tag", list(tags), record_id=record_id, kind="tags", target="tags", **kw)

    def comment(self, text: str, record_id: str | None = None):
        """Leave a comment (not counted as a review)."""
        return self._call("comment", text, record_id=record_id, adjudicable=False)

    def decide(self, decision: str, record_id: str | None = None, **kw: Any):
        """accept / reject / needs_fix / escalate (final when the session is in adjudicate mode).

        With ``auto_advance`` on (the review widget's default) accept, reject and needs fix on the
        record on screen open the next record, so a record costs "rate, decide".
        """
        rid = record_id or self.current_id
        event = self._call("decide", decision, record_id=record_id, kind="decision", target="decision", **kw)
        if event is not None and self.auto_advance and decision in ADVANCE_ON and rid == self.current_id:
            saved = self.message
            moved = self.next_record()
            self._say(f"{saved} · next: {self.current_id}" if moved else f"{saved} · end of the queue")
        return event

    def gold(self, field: str, value: Any, record_id: str | None = None):
        """Record the expert answer for ``field`` (owner or adjudicator)."""
        return self._call("gold", field, value, record_id=record_id, adjudicable=False)

    # preference ----------------------------------------------------------------------------------
    def prefer(self, choice: str, record_id: str | None = None, **kw: Any):
        """"A", "B" or "tie" between the candidates as displayed; the display order is recorded."""
        order = self.current_order(record_id)
        if self.mode == "adjudicate":
            return self._call("prefer", {"choice": choice, "order": order}, record_id=record_id,
                              kind="preference", target="preference", **kw)
        return self._call("prefer", choice, order, record_id=record_id, **kw)

    def rank(self, ranking: Sequence[Any] | str, record_id: str | None = None, **kw: Any):
        """Rank the displayed candidates best first: letters ("B>A>C", ["B", "A", "C"]) or names."""
        order = self.current_order(record_id)
        if isinstance(ranking, str):
            ranking = [p for p in re.split(r"[\s,>]+", ranking.strip()) if p]
        names = []
        for r in ranking:
            if isinstance(r, str) and len(r) == 1 and r.upper() in LETTERS[:len(order)]:
                names.append(order[LETTERS.index(r.upper())])
            else:
                names.append(r)
        if self.mode == "adjudicate":
            return self._call("rank", {"ranking": names, "order": order}, record_id=record_id,
                              kind="preference", target="preference", **kw)
        return self._call("rank", names, order, record_id=record_id, **kw)

    # text ----------------------------------------------------------------------------------------
    def edit(self, target: str, text: str, record_id: str | None = None):
        """Replace the text at ``target`` (e.g. "messages[1].content", "chosen[0].content").

        The hash of the text the reviewer was shown goes with the edit. If someone changed that
        text since, the edit is stored but not applied, and the message says so (a conflict).
        """
        rid = record_id or self.current_id
        if rid is None:
            self._say("the queue is empty: nothing to edit", "error")
            return None
        try:
            shown = self.record_state(rid).text(target)
        except ValueError as exc:
            self._say(str(exc), "error")
            return None
        if shown is not None and text == shown:
            self._say(f"{self._field(target, rid)} unchanged: nothing saved", "info")
            return None
        seen = value_hash(shown) if shown is not None else None
        self._states.pop(rid, None)
        now = self.record_state(rid).text(target)
        event = self._call("edit", target, text, record_id=rid, kind="edit", target=target, value=text,
                           seen_hash=seen)
        if event is not None and shown is not None and now != shown:
            self._states.pop(rid, None)
            self._say(f"conflict: {self._field(target, rid)} of {rid} was changed by someone else since it was shown; your "
                      "edit is kept in the log but NOT applied. The current text is shown now: redo your "
                      "edit on it.",
                      "conflict")
        return event

    def add_turn(self, index: int, role: str, content: str, field: str = "messages",
                 record_id: str | None = None, **kw: Any):
        """Insert a turn at ``index`` of ``field``."""
        return self._call("add_turn", index, role, content, field=field, record_id=record_id,
                          adjudicable=False, **kw)

    def delete_turn(self, index: int, field: str = "messages", record_id: str | None = None):
        """Delete the turn at ``index`` of ``field``."""
        return self._call("delete_turn", index, field=field, record_id=record_id, adjudicable=False)

    # undo ----------------------------------------------------------------------------------------
    def undo(self, anywhere: bool = False, record_id: str | None = None):
        """Undo the reviewer's last action still in effect on the record on screen (or ``record_id``);
        ``anywhere=True``: their last action on any record. Recorded as a new undo event."""
        return self._undo("undo", anywhere, record_id)

    def redo(self, anywhere: bool = False, record_id: str | None = None):
        """Re-apply the reviewer's most recent undo (on the record on screen unless ``anywhere``)."""
        return self._undo("redo", anywhere, record_id)

    def undo_target(self, which: str = "undo", anywhere: bool = False, record_id: str | None = None):
        """The event an undo (or redo) would revert, as a dict (``id``, ``record_id``, ``kind``,
        ``target``), or None: so a view can name the record before anything changes."""
        me, log = str(self.reviewer), self.project.log
        if anywhere:
            frame = pd.concat([log.frame(reviewer=me), log.frame(kind="undo")], ignore_index=True)
            frame = frame.drop_duplicates("id").sort_values("seq", kind="stable")
        else:
            rid = record_id or self.current_id
            frame = log.frame(record_id=rid) if rid is not None else None
        if frame is None or not len(frame):
            return None
        kinds = ("undo",) if which == "redo" else UNDOABLE_KINDS
        mine = (frame["reviewer"] == me) & frame["kind"].isin(kinds) & (frame["record_id"] != "*")
        hit = frame[active_mask(frame) & mine.to_numpy()]
        return None if hit.empty else hit.iloc[-1][["id", "record_id", "kind", "target"]].to_dict()

    def _undo(self, which: str, anywhere: bool = False, record_id: str | None = None):
        where = "" if anywhere else f" on {record_id or self.current_id}"
        try:
            found = self.undo_target(which, anywhere, record_id)
            if found is None:
                raise ValueError(f"{self.reviewer} has nothing to {which}{where}")
            event = self.project.undo(self.reviewer, found["id"])
        except (ValueError, PermissionDenied) as exc:
            self._say(str(exc), "error")
            return None
        self._reviewed = None  # an undone annotation may leave the record unreviewed again
        self._done(event.record_id, event, f"{which}: {self._field(event.target, event.record_id)} on "
                                           f"{event.record_id}")
        return event

    # bulk ----------------------------------------------------------------------------------------
    def select(self, ids: Sequence[str] | None = None) -> None:
        """Choose the records bulk actions apply to (None: the whole filtered queue)."""
        self.selection = None if ids is None else list(ids)
        self._notify("queue")

    def selected_ids(self) -> list[str]:
        """Ids a bulk action would apply to."""
        return list(self.selection) if self.selection is not None else self.index.ids[self.queue].tolist()

    def bulk(self, action: str, **params: Any) -> BulkPlan | None:
        """Plan a bulk action on the selection; nothing is written until :meth:`confirm_bulk`."""
        ids = self.selected_ids()
        positions = self._positions(ids)
        def duplicates(signal: str) -> list[str]:
            return duplicate_extras(self.index.signals, self.index.ids, positions, signal)

        try:
            plan = plan_bulk(action, ids, params, duplicates)
        except ValueError as exc:
            self.pending_bulk = None
            self._say(str(exc), "error")
            self._notify("bulk")
            return None
        self.pending_bulk = plan
        self._say(f"confirm to {plan.description}", "warning")
        self._notify("bulk")
        return plan

    def confirm_bulk(self) -> int:
        """Apply the pending bulk plan; returns the number of records changed."""
        plan, self.pending_bulk = self.pending_bulk, None
        if plan is None:
            self._say("no bulk action is waiting for confirmation", "error")
            return 0
        try:
            done, errors = run_bulk(plan, self.project, self.reviewer, self._my_tags)
        except (ValueError, PermissionDenied) as exc:
            self._say(str(exc), "error")
            return 0
        self._states.clear()
        self._reviewed = None
        refused = f", {len(errors)} refused: {errors[0]}" if errors else ""
        self._say(f"done: {plan.description} ({done:,} written{refused})", "error" if errors else "info")
        self._notify("record")
        return done

    def cancel_bulk(self) -> None:
        """Drop the pending bulk plan without writing anything."""
        self.pending_bulk = None
        self._say("bulk action cancelled")
        self._notify("bulk")

    def _my_tags(self, rid: str) -> list[str]:
        return list(self.record_state(rid).mine(self.reviewer).get(("tags", "tags")) or [])

    # adjudication and gold -----------------------------------------------------------------------
    def annotations(self, record_id: str | None = None):
        """Every annotator's current values on a record: ([(field, {reviewer: value})], reviewers)."""
        return annotation_rows(self.record_state(record_id).values)

    def gold_score(self) -> pd.DataFrame:
        """The reviewer's answers on gold items against the gold answers (record_id, field, correct)."""
        log = self.project.log
        frame = pd.concat([log.frame(kind="gold"), log.frame(kind="undo")], ignore_index=True)
        if len(frame):
            frame = frame.sort_values("seq", kind="stable")
            frame = frame[active_mask(frame) & (frame["kind"] == "gold").to_numpy()]
            frame = frame.drop_duplicates(["record_id", "target"], keep="last")
        mine = self.project.state(self.reviewer)
        criteria = [c.name for c in self.project.guidelines.criteria]
        return score_gold(frame if len(frame) else pd.DataFrame(columns=["record_id", "target", "value"]),
                          mine, criteria)

    def gold_accuracy(self) -> float | None:
        """Share of the reviewer's gold answers that match (None before any gold item is answered)."""
        s = self.gold_score()
        return float(s["correct"].mean()) if len(s) else None
