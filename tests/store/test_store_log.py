"""SqliteEventLog: append, read back, append-only triggers, unique ids, busy retries, export."""
from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest

from workbench.model.events import Event
from workbench.store import EventLog, SqliteEventLog, StoreBusy
from workbench.store.log import COLUMNS


@pytest.fixture
def log(tmp_path):
    lg = SqliteEventLog(tmp_path / "events.sqlite")
    yield lg
    lg.close()


def ev(i: int = 0, **kw) -> Event:
    return Event(kw.pop("record_id", f"r{i}"), kw.pop("kind", "rating"), kw.pop("reviewer", "bob"),
                 kw.pop("target", "overall"), kw.pop("value", i % 5 + 1), **kw)


def test_is_an_eventlog(log):
    assert isinstance(log, EventLog)


def test_append_and_read_back(log):
    e1 = log.append(ev(1, value={"choice": "A", "order": ["chosen", "rejected"]}))
    e2 = log.append(ev(2, kind="tags", target="tags", value=["pii", "health"], seen_hash="abc"))
    assert log.count() == 2
    assert log.last_event_id() == e2.id
    df = log.frame()
    assert list(df.columns) == COLUMNS
    assert list(df["seq"]) == [1, 2]
    assert df["value"].tolist() == [{"choice": "A", "order": ["chosen", "rejected"]}, ["pii", "health"]]
    assert df["seen_hash"].tolist() == [None, "abc"]
    assert str(df["time"].dt.tz) == "UTC"
    back = log.events()
    assert back == [e1, e2]  # every field survives the round trip, time included
    assert log.get(e2.id) == e2 and log.get("nope") is None


def test_filters_and_after_seq(log):
    log.append_many([ev(1), ev(2, reviewer="cat"), ev(3, kind="label", target="category", value="billing")])
    assert [e.record_id for e in log.events(reviewer="cat")] == ["r2"]
    assert [e.kind for e in log.events(kind="label")] == ["label"]
    assert [e.record_id for e in log.events(record_id="r1")] == ["r1"]
    assert log.frame(after_seq=2)["record_id"].tolist() == ["r3"]


def test_empty_log(log):
    df = log.frame()
    assert list(df.columns) == COLUMNS and len(df) == 0
    assert log.count() == 0 and log.last_event_id() is None and log.events() == []


@pytest.mark.parametrize("sql", ["UPDATE events SET value = '5'", "DELETE FROM events",
                                 "UPDATE events SET reviewer = 'mallory' WHERE seq = 1"])
def test_raw_update_and_delete_are_refused_by_the_database(log, tmp_path, sql):
    log.append(ev(1))
    conn = sqlite3.connect(tmp_path / "events.sqlite")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(sql)
    conn.rollback()
    conn.close()
    assert log.count() == 1 and log.events()[0].value == 2


def test_duplicate_event_id_is_refused(log):
    e = log.append(ev(1))
    other = Event("r9", "rating", "eve", "overall", 1, id=e.id)
    with pytest.raises(ValueError, match="already in the log"):
        log.append(other)
    assert log.count() == 1


def test_reappending_the_same_event_is_idempotent(log):
    e = log.append(ev(1))
    assert log.append(e) == e
    assert log.count() == 1


def test_append_many_is_all_or_nothing(log):
    bad = ev(2, value=object())  # not JSON
    with pytest.raises(ValueError, match="JSON"):
        log.append_many([ev(1), bad])
    assert log.count() == 0
    e = log.append(ev(1))
    with pytest.raises(ValueError):
        log.append_many([ev(3), Event("r4", "rating", "bob", "overall", 1, id=e.id)])
    assert log.count() == 1  # ev(3) was rolled back with its duplicate


def test_schema_pragmas(log, tmp_path):
    log.append(ev(1))
    conn = sqlite3.connect(tmp_path / "events.sqlite")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert names == {"events_no_update", "events_no_delete", "events_no_replace"}
    conn.close()
    w = log._conn()
    assert w.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert w.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    assert log.integrity_check() == "ok"


def test_append_waits_for_a_held_write_lock(tmp_path):
    """A writer holding the lock longer than SQLite's own busy timeout: the retry loop absorbs it."""
    log = SqliteEventLog(tmp_path / "e.sqlite", busy_timeout=0.05, retry_seconds=10)
    other = sqlite3.connect(tmp_path / "e.sqlite", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.6, lambda: other.execute("COMMIT")).start()
    t = time.monotonic()
    log.append(ev(1))
    assert time.monotonic() - t >= 0.4
    assert log.count() == 1
    other.close()
    log.close()


def test_a_lock_held_past_the_retry_budget_raises_storebusy_not_locked(tmp_path):
    log = SqliteEventLog(tmp_path / "e.sqlite", busy_timeout=0.05, retry_seconds=0.3)
    other = sqlite3.connect(tmp_path / "e.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreBusy, match="stayed locked"):
        log.append(ev(1))
    other.execute("COMMIT")
    other.close()
    assert log.count() == 0
    log.close()


@pytest.mark.slow  # a wall-clock bound, load-sensitive on a shared machine
def test_readers_do_not_block_writers(log, tmp_path):
    log.append_many([ev(i) for i in range(50)])
    reader = sqlite3.connect(tmp_path / "events.sqlite", isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()  # an open read transaction
    t = time.monotonic()
    log.append(ev(99))
    assert time.monotonic() - t < 1.0
    assert reader.execute("SELECT count(*) FROM events").fetchone()[0] == 50  # its snapshot
    reader.execute("COMMIT")
    reader.close()


def test_export_jsonl(log, tmp_path):
    events = log.append_many([ev(1), ev(2, value=["x"])])
    n = log.export_jsonl(tmp_path / "log.jsonl")
    lines = (tmp_path / "log.jsonl").read_text().splitlines()
    assert n == 2 and [Event.from_dict(json.loads(x)) for x in lines] == events


def test_reopen_after_close(log):
    log.append(ev(1))
    log.close()
    assert log.count() == 1  # connections reopen lazily


def test_connections_reopen_after_fork(log):
    import os

    log.append(ev(1))  # the parent has open connections now
    pid = os.fork()
    if pid == 0:  # child: must not reuse the parent's connections
        code = 1
        try:
            log.append(ev(2, reviewer="child"))
            code = 0 if log.count() == 2 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert log.count() == 2
    log.append(ev(3))  # the parent's own connections still work
    assert [e.reviewer for e in log.events()] == ["bob", "child", "bob"]
