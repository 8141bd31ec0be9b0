"""Integrity of the event log against raw SQL rewrites and a full disk.

- ``INSERT OR REPLACE`` (and ``REPLACE INTO``) would delete and re-insert an event without firing the
  DELETE trigger; the log refuses it, for new logs and for logs written before the guard existed.
- A full disk during an append raises the store's own error naming the folder, and leaves nothing of
  the append behind.
"""
from __future__ import annotations

import sqlite3

import pytest

from workbench.model.events import Event
from workbench.store import Project, SqliteEventLog
from workbench.store.errors import StoreFull, StoreWriteError


def ev(i: int, **kw) -> Event:
    return Event(kw.pop("record_id", f"r{i}"), kw.pop("kind", "rating"), kw.pop("reviewer", "bob"),
                 kw.pop("target", "overall"), kw.pop("value", i % 5 + 1), **kw)


def _raw(path):
    return sqlite3.connect(path, isolation_level=None)


REWRITES = [
    "INSERT OR REPLACE INTO events (seq, id, time, reviewer, record_id, kind, target, value) "
    "VALUES (1, 'other-id', '2020-01-01T00:00:00+00:00', 'mallory', 'r1', 'rating', 'overall', '1')",
    "INSERT OR REPLACE INTO events (id, time, reviewer, record_id, kind, target, value) "
    "VALUES (:id, '2020-01-01T00:00:00+00:00', 'mallory', 'r1', 'rating', 'overall', '1')",
    "REPLACE INTO events (id, time, reviewer, record_id, kind, target, value) "
    "VALUES (:id, '2020-01-01T00:00:00+00:00', 'mallory', 'r1', 'rating', 'overall', '1')",
    "INSERT OR IGNORE INTO events (seq, id, time, reviewer, record_id, kind, target, value) "
    "VALUES (1, :id, '2020-01-01T00:00:00+00:00', 'mallory', 'r1', 'rating', 'overall', '1')",
]


@pytest.mark.parametrize("sql", REWRITES)
def test_raw_insert_or_replace_is_refused_and_the_event_is_unchanged(tmp_path, sql):
    log = SqliteEventLog(tmp_path / "events.sqlite")
    first = log.append(ev(1, value=4))
    log.append(ev(2))
    conn = _raw(tmp_path / "events.sqlite")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(sql, {"id": first.id})
    conn.close()
    frame = log.frame()
    assert frame["seq"].tolist() == [1, 2]
    assert log.get(first.id) == first  # same reviewer, value and time: not rewritten
    assert frame.loc[0, "reviewer"] == "bob" and frame.loc[0, "value"] == 4
    log.close()


def test_an_older_log_without_the_guard_gets_it_on_open(tmp_path):
    path = tmp_path / "events.sqlite"
    log = SqliteEventLog(path)
    first = log.append(ev(1, value=4))
    log.close()
    conn = _raw(path)  # a log written before the guard existed
    conn.execute("DROP TRIGGER events_no_replace")
    conn.execute(REWRITES[1], {"id": first.id})  # unguarded: the rewrite goes through
    assert conn.execute("SELECT reviewer FROM events").fetchall() == [("mallory",)]
    conn.close()

    log = SqliteEventLog(path)  # opening adds the missing triggers
    conn = _raw(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"events_no_replace", "events_no_update", "events_no_delete"} <= names
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(REWRITES[1], {"id": first.id})
    conn.close()
    assert log.frame()["reviewer"].tolist() == ["mallory"]
    log.close()


def test_ordinary_appends_and_idempotent_reappend_still_work(tmp_path):
    log = SqliteEventLog(tmp_path / "events.sqlite")
    events = log.append_many([ev(i) for i in range(50)])
    assert log.count() == 50 and log.frame()["seq"].tolist() == list(range(1, 51))
    assert log.append(events[3]) == events[3]  # the same event again: a retried commit, accepted
    with pytest.raises(ValueError, match="already in the log"):
        log.append(Event("r9", "rating", "eve", "overall", 1, id=events[3].id))
    assert log.count() == 50
    log.close()


def _fill_to_the_limit(log: SqliteEventLog) -> None:
    """Cap the writer connection's database at its current size: SQLite then reports SQLITE_FULL
    ("database or disk is full"), exactly what a full disk gives."""
    conn = log._conn()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def test_disk_full_raises_the_store_error_naming_the_folder_and_writes_nothing(tmp_path):
    folder = tmp_path / "my-project"
    folder.mkdir()
    log = SqliteEventLog(folder / "events.sqlite")
    log.append_many([ev(i) for i in range(5)])
    _fill_to_the_limit(log)
    big = [ev(100 + i, kind="comment", target="comment", value="x" * 20_000) for i in range(20)]
    with pytest.raises(StoreFull) as err:
        log.append_many(big)
    msg = str(err.value)
    assert "disk full" in msg and str(folder) in msg and "\n" not in msg
    assert isinstance(err.value, StoreWriteError) and isinstance(err.value, OSError)
    assert err.value.__cause__ is None and "sqlite3" not in type(err.value).__module__
    assert log.count() == 5  # all or nothing: none of the 20 events
    assert not any(log.get(e.id) for e in big)
    assert log.integrity_check() == "ok"
    log.close()
    reopened = SqliteEventLog(folder / "events.sqlite")  # the limit was the connection's: space "freed"
    reopened.append_many(big)
    assert reopened.count() == 25
    reopened.close()


class _FullAfterFirstRow:
    """A writer connection that stores the first row of a batch, then fails as a full disk does."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def executemany(self, sql, rows):
        rows = list(rows)
        self._conn.execute(sql, rows[0])
        raise sqlite3.OperationalError("database or disk is full")

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_disk_full_midway_through_a_project_append_rolls_back(tmp_path, monkeypatch):
    from store.store_helpers import make_dataset

    project = Project.create(tmp_path / "proj", make_dataset(), owner="olga")
    log = project.log
    before = log.count()
    real = log._conn()
    monkeypatch.setattr(log._local, "w", _FullAfterFirstRow(real))
    with pytest.raises(StoreFull, match="disk full") as err:
        log.append_many([ev(1), ev(2), ev(3)])
    assert str(tmp_path / "proj") in str(err.value)
    monkeypatch.undo()
    assert log.count() == before and not real.in_transaction
    project.close()


def test_other_write_failures_are_the_store_error_too(tmp_path, monkeypatch):
    log = SqliteEventLog(tmp_path / "events.sqlite")

    class _IOError(_FullAfterFirstRow):
        def executemany(self, sql, rows):
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(log._local, "w", _IOError(log._conn()))
    with pytest.raises(StoreWriteError, match="disk I/O error") as err:
        log.append(ev(1))
    assert not isinstance(err.value, StoreFull) and str(tmp_path) in str(err.value)
    monkeypatch.undo()
    assert log.count() == 0
    log.close()


def test_a_full_disk_while_opening_an_old_log_is_the_store_error(tmp_path):
    path = tmp_path / "events.sqlite"
    SqliteEventLog(path).close()
    conn = _raw(path)
    conn.execute("DROP TRIGGER events_no_replace")  # an older log: opening it adds the trigger
    conn.close()

    class NoSpace(_FullAfterFirstRow):
        def executescript(self, script):
            raise sqlite3.OperationalError("database or disk is full")

    class Full(SqliteEventLog):
        def _connect(self, reader):
            c = super()._connect(reader)
            return c if reader else NoSpace(c)

    with pytest.raises(StoreFull, match="disk full: could not open or prepare the event log in"):
        Full(path)
    log = SqliteEventLog(path)  # with space again, the open succeeds and adds the guard
    assert "events_no_replace" in {r[0] for r in _raw(path).execute("SELECT name FROM sqlite_master")}
    log.close()
