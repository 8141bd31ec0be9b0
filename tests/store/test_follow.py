"""Following a SQLite event log from another process: the session-refresh hook fires without polling
the whole log, and stops when asked."""
from __future__ import annotations

import multiprocessing as mp
import threading
import time

from workbench.model.events import Event
from workbench.store import SqliteEventLog
from workbench.store.follow import LogFollower


def _append(path: str, n: int) -> None:
    log = SqliteEventLog(path)
    for i in range(n):
        log.append(Event(f"r{i}", "rating", "bob", "overall", 4))


def test_follower_fires_on_another_process_appends(tmp_path):
    path = tmp_path / "events.sqlite"
    log = SqliteEventLog(path)
    log.append(Event("r0", "rating", "alice", "overall", 5))
    seen: list[int] = []
    done = threading.Event()

    def changed(seq: int) -> None:
        seen.append(seq)
        if seq >= 4:
            done.set()

    f = LogFollower(log, changed, wait_seconds=0.5, poll_seconds=0.1).start()
    assert f.seq == 1 and f.running
    p = mp.get_context("spawn").Process(target=_append, args=(str(path), 3))
    p.start()
    p.join(60)
    assert done.wait(20), seen
    assert seen == sorted(seen) and seen[-1] == 4  # increasing; the last call saw every append
    f.stop()
    time.sleep(1.2)
    assert not f.running
    log.append(Event("r9", "rating", "alice", "overall", 1))
    time.sleep(1.0)
    assert seen[-1] == 4  # stopped: no more calls


def test_wait_returns_at_the_timeout_when_nothing_changes(tmp_path):
    log = SqliteEventLog(tmp_path / "events.sqlite")
    t0 = time.monotonic()
    assert log.wait(0, timeout=0.3) == 0
    assert 0.25 <= time.monotonic() - t0 < 5
    log.append(Event("r0", "rating", "alice", "overall", 5))
    assert log.wait(0, timeout=10) == 1  # already there: no waiting
