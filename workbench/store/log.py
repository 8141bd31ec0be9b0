"""The embedded default event log: one SQLite file, safe for several processes on one machine."""
from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from workbench.model.events import Event
from workbench.store.base import COLUMNS, EventLog, encode_value, event_from_row, rows_to_frame
from workbench.store.errors import StoreBusy, StoreFull, StoreWriteError, disk_full

__all__ = ["COLUMNS", "EventLog", "SqliteEventLog", "encode_value", "rows_to_frame"]

_FIELDS = COLUMNS[1:]  # everything but seq, in the INSERT order

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,  -- rowid: writers are serialised, so seq follows commit order
    id TEXT NOT NULL UNIQUE,
    time TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    session TEXT,
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT,
    value TEXT,               -- JSON
    seen_hash TEXT,
    reverts TEXT
);
CREATE INDEX IF NOT EXISTS events_record ON events(record_id);
CREATE INDEX IF NOT EXISTS events_reviewer ON events(reviewer);
CREATE INDEX IF NOT EXISTS events_kind ON events(kind);
PRAGMA user_version = 1;
"""

# The append-only guarantee, also for raw SQL. UPDATE and DELETE are refused outright. An insert that
# reuses an id or a seq is refused too: ``INSERT OR REPLACE`` resolves such a conflict by deleting the
# old row without firing DELETE triggers (recursive_triggers is off), which would rewrite an event.
# One trigger with one OR query (SQLite answers it with a probe of each index the table has anyway:
# ``id`` UNIQUE, ``seq`` the rowid) costs the least per row; a new row's seq is -1 in a BEFORE INSERT
# trigger when SQLite assigns it, so ordinary appends never match.
_TRIGGERS = {
    "events_no_update": "BEFORE UPDATE ON events "
                        "BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END",
    "events_no_delete": "BEFORE DELETE ON events "
                        "BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END",
    "events_no_replace": "BEFORE INSERT ON events "
                         "WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id OR seq = NEW.seq) "
                         "BEGIN SELECT RAISE(ABORT, 'events are append-only: an event with this id or seq "
                         "is already stored'); END",
}

# Connections inherited through fork() must not be used or closed by the child (SQLite forbids it);
# they are parked here so garbage collection never finalises them in the child either.
_INHERITED: list[sqlite3.Connection] = []


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


class SqliteEventLog(EventLog):
    """The embedded default: one SQLite file in WAL mode, safe for several processes on one machine.

    - one ``BEGIN IMMEDIATE`` transaction per append, ``synchronous=FULL`` (an acknowledged append
      survives a crash), a busy timeout plus a retry loop so "database is locked" never reaches a user;
    - triggers refuse UPDATE, DELETE and an insert reusing an id or seq (``INSERT OR REPLACE``), so
      append-only holds even for raw SQL;
    - connections are per process and thread, opened lazily and reopened after fork; readers use
      their own connection (WAL readers never block the writer).

    Parameters
    ----------
    path : str or Path
        The database file (created with its schema if missing).
    busy_timeout : float
        Seconds SQLite itself waits for a lock before reporting busy.
    retry_seconds : float
        Total time the retry loop keeps trying before raising :class:`StoreBusy`.
    """

    def __init__(self, path: str | Path, busy_timeout: float = 30.0, retry_seconds: float = 120.0):
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.retry_seconds = retry_seconds
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        try:
            self._retry(self._ensure_schema)
        except sqlite3.OperationalError as exc:
            raise self._write_error(exc, "open or prepare") from None

    # connections ------------------------------------------------------------------------------
    def _connect(self, reader: bool) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if reader:
            conn.execute("PRAGMA query_only = ON")
        with self._lock:
            self._all.append(conn)
        return conn

    def _conn(self, reader: bool = False) -> sqlite3.Connection:
        if self._pid != os.getpid():
            # after fork: never use or close the parent's connections (SQLite forbids it); open our own
            _INHERITED.extend(self._all)
            self._all, self._local, self._lock = [], threading.local(), threading.Lock()
            self._pid = os.getpid()
        name = "r" if reader else "w"
        conn = getattr(self._local, name, None)
        if conn is None:
            conn = self._connect(reader)
            setattr(self._local, name, conn)
        return conn

    def _retry(self, fn):
        """Run ``fn`` retrying on SQLITE_BUSY/LOCKED with jittered backoff, up to ``retry_seconds``."""
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.002
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StoreBusy(f"event store {self.path} stayed locked for {self.retry_seconds:.0f}s; "
                                    "another process is holding it") from None
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 0.25)

    def _ensure_schema(self) -> None:
        """Create the table, indexes and triggers; on an existing log add any trigger it lacks (logs
        written by older versions), so every open log refuses rewrites."""
        conn = self._conn()
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
        missing = [name for name in _TRIGGERS if name not in have]
        if "events" in have and not missing:
            return
        script = "" if "events" in have else _SCHEMA
        script += "".join(f"CREATE TRIGGER IF NOT EXISTS {name} {_TRIGGERS[name]};\n" for name in missing)
        try:
            conn.executescript("BEGIN IMMEDIATE;" + script + "COMMIT;")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if "events" in have and "readonly" in str(exc).lower():
                return  # a log on read-only media cannot be rewritten anyway
            raise

    # writes -----------------------------------------------------------------------------------
    def append_many(self, events: Iterable[Event]) -> list[Event]:
        events = list(events)
        for e in events:
            if not isinstance(e, Event):
                raise ValueError(f"expected an Event, got {type(e).__name__}")
        rows = [(e.id, e.time, e.reviewer, e.session, e.record_id, e.kind, e.target,
                 encode_value(e.value), e.seen_hash, e.reverts) for e in events]
        if not rows:
            return []
        sql = f"INSERT INTO events ({', '.join(_FIELDS)}) VALUES ({', '.join('?' * len(_FIELDS))})"

        def write() -> None:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(sql, rows)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

        try:
            self._retry(write)
        except sqlite3.OperationalError as exc:
            n = len(rows)
            raise self._write_error(exc, f"append {n} event{'s' if n != 1 else ''} to") from None
        except sqlite3.IntegrityError:
            if self._already_stored(rows):  # a retried commit that had in fact landed
                return events
            dup = self._existing_ids([r[0] for r in rows])
            raise ValueError(f"event id {sorted(dup)[0]} is already in the log") from None
        return events

    def _write_error(self, exc: sqlite3.OperationalError, action: str) -> StoreWriteError:
        """The store's own error for a failed write: the folder, the cause, and that nothing was stored
        (the transaction was rolled back). ``action`` says what failed ("append 3 events to")."""
        msg = str(exc).strip()
        if disk_full(exc):
            return StoreFull(f"disk full: could not {action} the event log in {self.path.parent} ({msg}); "
                             "nothing was written - free some space and retry")
        return StoreWriteError(f"could not {action} the event log in {self.path.parent} ({msg}); "
                               "nothing was written")

    def _existing_ids(self, ids: list[str]) -> set[str]:
        conn = self._conn(reader=True)
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = f"SELECT id FROM events WHERE id IN ({', '.join('?' * len(chunk))})"
            found.update(r[0] for r in self._retry(lambda q=q, chunk=chunk: conn.execute(q, chunk).fetchall()))
        return found

    def _already_stored(self, rows: list[tuple]) -> bool:
        conn = self._conn(reader=True)
        q = f"SELECT {', '.join(_FIELDS)} FROM events WHERE id = ?"
        return all(self._retry(lambda r=r: conn.execute(q, (r[0],)).fetchone()) == r for r in rows)

    # reads ------------------------------------------------------------------------------------
    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = self._conn(reader=True)
        return self._retry(lambda: conn.execute(sql, params).fetchall())

    def frame(self, record_id: str | None = None, reviewer: str | None = None, kind: str | None = None,
              after_seq: int = 0) -> pd.DataFrame:
        where: list[str] = ["seq > ?"]
        params: list[object] = [int(after_seq)]
        for col, val in (("record_id", record_id), ("reviewer", reviewer), ("kind", kind)):
            if val is not None:
                where.append(f"{col} = ?")
                params.append(val)
        rows = self._query(f"SELECT {', '.join(COLUMNS)} FROM events WHERE {' AND '.join(where)} "
                           "ORDER BY seq", tuple(params))
        return rows_to_frame(rows)

    def get(self, event_id: str) -> Event | None:
        rows = self._query(f"SELECT {', '.join(COLUMNS)} FROM events WHERE id = ?", (event_id,))
        if not rows:
            return None
        return event_from_row(rows_to_frame(rows).drop(columns="seq").to_dict("records")[0])

    def count(self) -> int:
        return self._query("SELECT count(*) FROM events")[0][0]

    def max_seq(self) -> int:
        """Highest sequence number (0 when empty): identifies the log's state, as rows never change."""
        return self._query("SELECT coalesce(max(seq), 0) FROM events")[0][0]

    def last_event_id(self) -> str | None:
        row = self._query("SELECT id FROM events ORDER BY seq DESC LIMIT 1")
        return row[0][0] if row else None

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``: "ok" for a sound database file."""
        return self._query("PRAGMA integrity_check")[0][0]

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        if self._pid == os.getpid():
            for c in conns:
                c.close()
        else:
            _INHERITED.extend(conns)
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"SqliteEventLog({str(self.path)!r})"
