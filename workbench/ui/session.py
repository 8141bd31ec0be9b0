"""The review session: queue, position, filters and actions of one reviewer, with no widgets in sight.

Views observe a session (``session.observe(callback)``) and call its methods; tests drive it
directly with a real or a fake project. Every action appends its event through the project at
once; the session then re-reads only the affected record.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.model.query import QueryError
from workbench.store.errors import PermissionDenied
from workbench.store.fold import PRIVILEGED
from workbench.store.record_fold import RecordEvents, RecordState, fold_record
from workbench.store.validate import check_reviewer
from workbench.ui import render
from workbench.ui.actions import SessionActions
from workbench.ui.filters import ASSIST_COLUMNS, STATUS_COLUMNS, Filters, QueueIndex
from workbench.ui.modes import MODES, adjudication_ids, calibration_ids, display_order, has_assignments
from workbench.ui.navigation import Navigation, check_page_size
from workbench.ui.page import PageItem, Progress, signal_badges
from workbench.ui.persist import default_path, load_state, save_state
from workbench.workflows.review import review_signal_frame

log = logging.getLogger("workbench.ui")


class ReviewSession(Navigation, SessionActions):
    """State and actions of one reviewer working through a project.

    Parameters
    ----------
    project : Project
        The project (or any object with the same API: ``dataset``, ``guidelines``, ``log`` and the
        actions). Injected so tests can pass fakes.
    reviewer : str
        Who is reviewing; every event carries this name.
    mode : {"review", "gold", "calibration", "adjudicate"}
        See :mod:`workbench.ui.modes`. Adjudicate needs the adjudicator or owner role.
    page_size : int
        Records per page (1 = focus view).
    state_path : path, optional
        Where the position and filters are kept; default ``<project>/ui/<reviewer>.json``.
    signals : DataFrame, SignalReport, "auto" or None
        Per-record quality signals (``id`` plus ``is_<name>_issue`` / ``<name>_score`` columns);
        "auto" computes them through the project's signal cache
        (:func:`workbench.workflows.review.review_signal_frame`).
    seed : int
        Seed of the candidates' display order.
    restore : bool
        Restore the saved filters and position.
    """

    def __init__(self, project, reviewer: str, mode: str = "review", page_size: int = 1,
                 state_path: str | Path | None = None, signals: Any = "auto", seed: int = 0,
                 restore: bool = True):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.project, self.reviewer, self.mode, self.seed = project, check_reviewer(reviewer), mode, seed
        if mode == "adjudicate" and project.role_of(self.reviewer) not in PRIVILEGED:
            raise PermissionDenied(f"{self.reviewer} may not adjudicate; it needs the adjudicator or owner "
                                   "role")
        self.dataset = project.dataset
        self.index = QueueIndex(self.dataset.table, review_signal_frame(project, signals), self.dataset.ids)
        self.state_path = Path(state_path) if state_path else (
            default_path(project.path, self.reviewer) if getattr(project, "path", None) else None)
        self.filters, self.page_size, self.position = Filters(), check_page_size(page_size), 0
        self.queue = np.empty(0, dtype=np.int64)
        self.selection: list[str] | None = None
        self.message, self.level = "", "info"
        self.pending_bulk = None
        self.last_event = None
        self._observers: list[Callable[[str], None]] = []
        self._states: dict[str, RecordState] = {}
        self._events = RecordEvents(project)
        self._status: tuple[int, pd.DataFrame] | None = None
        self._assist: tuple[Any, pd.DataFrame] | None = None  # queue scores from suggestions, by log seq
        self._assist_given: pd.DataFrame | None = None
        self._reviewed: tuple[set[str], set[str]] | None = None
        self._base: np.ndarray | None = None
        self._mine_count: tuple[tuple, int] | None = None
        self._serial = 0
        saved = load_state(self.state_path, mode) if restore else {}
        if saved:
            self.filters = Filters.from_dict(saved.get("filters"))
            self.page_size = check_page_size(saved.get("page_size", page_size))
            self._drop_bad_saved_query()
        try:
            self._rebuild(saved.get("record_id"), saved.get("index", 0))
        except ValueError as exc:  # a saved filter that no longer applies (e.g. signals gone)
            self.filters = Filters()
            self._rebuild(saved.get("record_id"), saved.get("index", 0))
            self._say(f"saved filters were dropped: {exc}", "warning")

    def _drop_bad_saved_query(self) -> None:
        """A saved query that does not compile is dropped with a message (never run); the rest stays."""
        query = self.filters.query
        if not query:
            return
        try:
            self.index.check_query(query)  # compiles only; non-text is refused too
        except QueryError as exc:
            self.filters.query = ""
            self._say(f"the saved query was ignored: {exc}".splitlines()[0], "warning")

    # observers and messages ----------------------------------------------------------------------
    def observe(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback(change)`` on every change; returns a function that stops it.

        ``change`` is "queue" (filters or queue rebuilt), "page" (moved), "record" (an action was
        recorded), "message" (the message line changed) or "bulk" (a bulk plan changed).
        """
        self._observers.append(callback)
        return lambda: self._observers.remove(callback) if callback in self._observers else None

    def _notify(self, change: str) -> None:
        for cb in list(self._observers):
            cb(change)

    def _say(self, text: str, level: str = "info") -> None:
        self.message, self.level = text, level
        self._notify("message")

    def guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` wrapped so that any exception becomes the session's error message, never a traceback.

        Views wrap every widget callback with it; the traceback goes to the ``workbench.ui`` logger.
        """

        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # a reviewer sees one line, a developer finds the log
                log.exception("review action failed")
                self._say(f"{type(exc).__name__}: {exc}".splitlines()[0], "error")
                return None

        return guarded

    # status (the project's fold; cached until the log grows) -------------------------------------
    def status(self) -> pd.DataFrame:
        """The project's status frame (per record: n_reviews, reviewers, decision, disputed, ...)."""
        log = self.project.log
        seq = log.max_seq()
        if self._status is None or self._status[0] != seq:
            self._status = (seq, self.project.status_frame())
        return self._status[1]

    def _needs_status(self, f: Filters) -> bool:
        text = f"{f.query} {f.sort or ''}"
        return bool(f.status or f.annotator or any(c in text for c in STATUS_COLUMNS))

    def queue_scores(self) -> pd.DataFrame:
        """Active-learning columns by table position: ``uncertainty``, ``disagreement``, ``judge_mean``.

        The scores given to :meth:`set_queue_scores`, else read from the machine suggestions in the log
        (``workbench.assist.active.queue_scores``; re-read when the log grows). Sort by them with
        ``set_filters(sort="uncertainty")`` (most uncertain first) or use them in a query.
        """
        frame = self._assist_given
        if frame is None:
            log = self.project.log
            seq = log.max_seq()
            if self._assist is None or self._assist[0] != seq:
                from workbench.assist.active import queue_scores  # the assist layer sits below the UI

                self._assist = (seq, queue_scores(self.project))
            frame = self._assist[1]
        frame = frame.set_index("record_id").reindex(self.index.ids)
        return frame[list(ASSIST_COLUMNS)].reset_index(drop=True)

    def set_queue_scores(self, scores: pd.DataFrame | None) -> None:
        """Sort and query by these scores (``record_id`` + ``ASSIST_COLUMNS``); None: the log's again."""
        self._assist_given = None if scores is None else \
            scores.reindex(columns=["record_id", *ASSIST_COLUMNS])
        self._rebuild(self.current_id, self.position)

    # queue ---------------------------------------------------------------------------------------
    def _positions(self, ids) -> np.ndarray:
        pos = self.dataset.ids.get_indexer(list(ids))
        return pos[pos >= 0].astype(np.int64)

    def _base_positions(self) -> np.ndarray:
        if self.mode == "adjudicate":
            return self._positions(adjudication_ids(self.status()))
        log = self.project.log
        mine = self.project.queue(self.reviewer) if has_assignments(log) else []
        own = self._positions(mine) if mine else np.arange(self.index.n, dtype=np.int64)
        if self.mode != "calibration":
            return own
        cal = self._positions(calibration_ids(log))
        if not len(cal):
            self._say("no calibration set is assigned: showing your queue", "warning")
        return np.concatenate([cal, own[~np.isin(own, cal)]])

    def _rebuild(self, keep_id: str | None = None, fallback: int = 0) -> None:
        base = self._base = self._base_positions()
        self._serial += 1  # the progress count is cached per (base, reviewed sets)
        f = self.filters
        status = self.status() if self._needs_status(f) else None
        needs_assist = any(c in f"{f.query} {f.sort or ''}" for c in ASSIST_COLUMNS)
        self.index.assist = self.queue_scores() if needs_assist else None
        queue = base[self.index.mask(f, self.reviewer, status)[base]] if f.active() else base
        if f.sort:
            queue = self.index.order(queue, f.sort, f.descending, status)
        self.queue = queue
        ids = self.index.ids
        hit = np.flatnonzero(ids[queue] == keep_id) if keep_id is not None and len(queue) else []
        self.position = int(hit[0]) if len(hit) else max(0, min(int(fallback), len(queue) - 1))
        self._states.clear()
        self._save()
        self._notify("queue")

    def set_filters(self, filters: Filters | dict | None = None, **changes: Any) -> bool:
        """Apply new filters (a :class:`Filters`, a dict, or keyword changes to the current ones).

        Returns False (and leaves the queue as it was) when a filter is invalid; the reason is the
        session's message.
        """
        base = filters if isinstance(filters, Filters) else Filters.from_dict(
            {**self.filters.to_dict(), **(filters or {})})
        new = Filters.from_dict({**base.to_dict(), **changes})
        old, current = self.filters, self.current_id
        self.filters = new
        try:
            self._rebuild(current)
        except ValueError as exc:
            self.filters = old
            self._say(str(exc), "error")
            return False
        n = len(self.queue)
        noun = "record matches" if n == 1 else "records match"
        self._say(f"{n:,} {noun}" if new.active() else f"{n:,} records")
        return True

    def clear_filters(self) -> bool:
        """Show the whole queue again."""
        return self.set_filters(Filters())

    def refresh(self) -> None:
        """Re-read the project (other reviewers' work, new assignments) keeping the current record."""
        self._status, self._reviewed = None, None
        self._rebuild(self.current_id, self.position)

    # page ----------------------------------------------------------------------------------------
    def record_state(self, record_id: str | None = None, position: int | None = None) -> RecordState:
        """The folded state of a record (cached until the page changes or the record is acted on);
        ``position``, its table position, when the caller knows it."""
        rid = record_id or self.current_id
        if rid is None:
            raise ValueError("the queue is empty")
        if rid not in self._states:
            if position is None:
                position = int(self.queue[self.position]) if rid == self.current_id else \
                    self.dataset.position(rid)
            pos = position
            if pos < 0:
                raise ValueError(f"unknown record id {rid!r}")
            row = self.index.table.slice(pos, 1).to_pylist()[0]
            frame = self._events.frame(rid)
            edited = frame is not None and bool((frame["kind"] == "edit").any())
            self._states[rid] = fold_record(row, frame, self.project.adjudicators() if edited else set())
        return self._states[rid]

    def page(self) -> list[PageItem]:
        """The records of the current page (only these rows are read from the table)."""
        start = self.page_start
        positions = self.queue[start:start + self.page_size]
        items = []
        for i, pos in enumerate(positions):
            rid = self.index.ids[pos]
            state = self.record_state(rid, int(pos))
            order = display_order(state.record, self.reviewer, self.seed)
            items.append(PageItem(start + i, int(pos), state, order, self.badges(int(pos)),
                                  start + i == self.position))
        return items

    def render_page(self) -> str:
        """HTML of the current page (escaped; see :mod:`workbench.ui.render`)."""
        n = len(self.queue)
        parts = [render.record_html(it.state.record, it.order, it.badges, it.index, n) for it in self.page()]
        return render.page_html(parts) if parts else render.message_html("No records match.", "warning")

    def badges(self, position: int) -> list[tuple[str, str]]:
        """(signal, reason) for every signal flagged on the record at table ``position``."""
        return signal_badges(self.index.signals, position)

    def current_order(self, record_id: str | None = None) -> list[Any]:
        """The display order of the focused record's candidates (recorded in preference events)."""
        return display_order(self.record_state(record_id).record, self.reviewer, self.seed)

    # progress and persistence --------------------------------------------------------------------
    def _reviewed_sets(self) -> tuple[set[str], set[str]]:
        if self._reviewed is None:
            st = self.status()
            done = st[st["n_reviews"] > 0]
            mine = {r for r, who in zip(done["record_id"], done["reviewers"]) if self.reviewer in (who or ())}
            self._reviewed = (mine, set(done["record_id"]))
            self._serial += 1
        return self._reviewed

    def progress(self) -> Progress:
        """Reviewed / total for the reviewer's queue and for the team (updated as the reviewer works)."""
        mine, team = self._reviewed_sets()
        base = self._base if self._base is not None else self.queue
        key = (self._serial, len(mine))
        if self._mine_count is None or self._mine_count[0] != key:
            # the whole dataset as the base (no assignment) needs no lookup: O(1) per page at any size
            whole = len(base) == self.index.n
            n = len(mine) if whole else (int(self.index.ids[base].isin(mine).sum()) if mine else 0)
            self._mine_count = (key, n)
        return Progress(self._mine_count[1], len(base), len(team), self.index.n, len(self.queue),
                        self.position)

    def _save(self) -> None:
        save_state(self.state_path, self.mode, {"filters": self.filters.to_dict(), "index": self.position,
                                                "record_id": self.current_id, "page_size": self.page_size})
