"""Follow an event log as it grows: other reviewers' work reaches an open session without a reload.

:class:`LogFollower` runs one daemon thread that blocks in :meth:`EventLog.wait` (a cheap ``max_seq``
poll on SQLite, LISTEN/NOTIFY on PostgreSQL) and calls ``on_change(seq)`` after each growth. The callback
runs on that thread: it should only mark state stale or schedule a refresh.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from workbench.store.base import EventLog

log = logging.getLogger(__name__)


class LogFollower:
    """Call ``on_change(seq)`` whenever ``event_log`` gets new events (see the module docstring).

    Parameters
    ----------
    event_log : EventLog
    on_change : callable
        Called with the new highest seq; an exception is logged and the following goes on.
    wait_seconds : float
        Longest single wait: how soon :meth:`stop` takes effect.
    poll_seconds : float
        For a store that polls (SQLite): seconds between two ``max_seq`` queries.
    """

    def __init__(self, event_log: EventLog, on_change: Callable[[int], None], wait_seconds: float = 2.0,
                 poll_seconds: float = 1.0):
        self.log = event_log
        self.on_change = on_change
        self.wait_seconds = wait_seconds
        self.poll_seconds = poll_seconds  # stores without a push (SQLite): one max_seq query this often
        self.seq = event_log.max_seq()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> LogFollower:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="workbench-log-follower", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                latest = self.log.wait(self.seq, self.wait_seconds, self.poll_seconds)
            except Exception:  # noqa: BLE001 - a store hiccup must not kill the follower
                log.exception("following the event log failed; retrying")
                self._stop.wait(self.wait_seconds)
                continue
            if latest > self.seq and not self._stop.is_set():
                self.seq = latest
                try:
                    self.on_change(latest)
                except Exception:  # noqa: BLE001
                    log.exception("log follower callback failed")

    def __repr__(self) -> str:
        return f"LogFollower({self.log!r}, seq={self.seq}, running={self.running})"
