"""The team event log: one PostgreSQL table, for reviewers on several servers.

The same :class:`~workbench.store.base.EventLog` interface and guarantees as the SQLite log:

- append-only in the database itself: triggers refuse UPDATE, DELETE and TRUNCATE, and the primary key
  on ``id`` refuses a second event with the same id (``ON CONFLICT DO UPDATE`` would be an UPDATE, which
  the trigger refuses), so no client, raw SQL included, rewrites history;
- an acknowledged append is durable (one transaction per ``append_many``, committed with PostgreSQL's
  default ``synchronous_commit = on``);
- ``seq`` follows commit order, as the fold and every reader polling ``frame(after_seq=...)`` assume: a
  ``bigserial`` alone is assigned at insert time, so two concurrent writers could commit seq 8 before seq
  7 and a reader that had seen 8 would never see 7. Each append therefore takes one transaction-scoped
  advisory lock before inserting (writers queue for milliseconds; readers never wait);
- every committed append sends ``NOTIFY workbench_events`` with the new highest seq, so sessions on other
  servers can refresh when something changed instead of polling (:meth:`PostgresEventLog.wait`).

Connection settings come from the URL (``postgresql://USER@HOST:PORT/DB``) and libpq's environment
(``PGPASSWORD``, ``PGHOST``...) or ``~/.pgpass``; a URL carrying a password is refused, because the URL is
written into the project folder.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

import pandas as pd

from workbench.model.events import Event
from workbench.store.base import COLUMNS, EventLog, encode_value, event_from_row, rows_to_frame
from workbench.store.errors import StoreWriteError

CHANNEL = "workbench_events"
_FIELDS = COLUMNS[1:]
_LOCK_KEY = 0x776F726B62656E63  # "workbenc": the advisory lock every appender takes (one per database)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {{table}} (
    seq BIGSERIAL UNIQUE NOT NULL,
    id TEXT PRIMARY KEY,
    time TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    session TEXT,
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT,
    value TEXT,
    seen_hash TEXT,
    reverts TEXT
);
CREATE INDEX IF NOT EXISTS {{table}}_record ON {{table}}(record_id);
CREATE INDEX IF NOT EXISTS {{table}}_reviewer ON {{table}}(reviewer);
CREATE INDEX IF NOT EXISTS {{table}}_kind ON {{table}}(kind);
CREATE OR REPLACE FUNCTION {{table}}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % refused', TG_OP;
END $$;
CREATE OR REPLACE FUNCTION {{table}}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', (SELECT coalesce(max(seq), 0)::text FROM {{table}}));
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {{table}}_no_update ON {{table}};
CREATE TRIGGER {{table}}_no_update BEFORE UPDATE OR DELETE ON {{table}}
    FOR EACH ROW EXECUTE FUNCTION {{table}}_refuse();
DROP TRIGGER IF EXISTS {{table}}_no_truncate ON {{table}};
CREATE TRIGGER {{table}}_no_truncate BEFORE TRUNCATE ON {{table}}
    FOR EACH STATEMENT EXECUTE FUNCTION {{table}}_refuse();
DROP TRIGGER IF EXISTS {{table}}_notify ON {{table}};
CREATE TRIGGER {{table}}_notify AFTER INSERT ON {{table}}
    FOR EACH STATEMENT EXECUTE FUNCTION {{table}}_notify();
"""


def check_store_url(url: str) -> str:
    """The URL unchanged when it names a PostgreSQL database without a password; ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"a team store is a postgresql:// URL, got {url!r}")
    if parts.password:
        raise ValueError("the store URL must not carry a password (it is written into the project folder): "
                         "give it through PGPASSWORD or ~/.pgpass")
    return url


def _psycopg():
    try:
        import psycopg
    except ImportError:
        raise StoreWriteError("a PostgreSQL store needs psycopg: pip install 'workbench[postgres]'") from None
    return psycopg


class PostgresEventLog(EventLog):
    """An event log in a PostgreSQL database (see the module docstring).

    Parameters
    ----------
    url : str
        ``postgresql://USER@HOST[:PORT]/DB`` (a socket folder as ``?host=/path`` works too); no password.
    table : str
        Table name, so several projects can share a database (letters, digits and ``_`` only).
    """

    def __init__(self, url: str, table: str = "events"):
        if not table.replace("_", "").isalnum():
            raise ValueError(f"table name must be letters, digits and _, got {table!r}")
        self.url = check_store_url(url)
        self.table = table
        self._local = threading.local()
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._all: list = []
        psycopg = _psycopg()
        try:
            with self._conn().transaction():
                self._conn().execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                self._conn().execute(_SCHEMA.format(table=table))
        except psycopg.Error as exc:
            raise StoreWriteError(f"could not open the event store {self._where()}: "
                                  f"{str(exc).strip().splitlines()[0]}") from None

    def _where(self) -> str:
        p = urlsplit(self.url)
        return f"{p.hostname or 'localhost'}{p.path} (table {self.table})"

    def _conn(self):
        if self._pid != os.getpid():  # after fork: the parent's connections are not ours to use
            self._local, self._all, self._pid = threading.local(), [], os.getpid()
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = _psycopg().connect(self.url, autocommit=True)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    # writes -----------------------------------------------------------------------------------
    def append_many(self, events: Iterable[Event]) -> list[Event]:
        events = list(events)
        for e in events:
            if not isinstance(e, Event):
                raise ValueError(f"expected an Event, got {type(e).__name__}")
        if not events:
            return []
        rows = [(e.id, e.time, e.reviewer, e.session, e.record_id, e.kind, e.target, encode_value(e.value),
                 e.seen_hash, e.reverts) for e in events]
        psycopg = _psycopg()
        sql = (f"INSERT INTO {self.table} ({', '.join(_FIELDS)}) "
               f"VALUES ({', '.join(['%s'] * len(_FIELDS))})")
        conn = self._conn()
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))  # seq follows commit order
                with conn.cursor() as cur:
                    cur.executemany(sql, rows)
        except psycopg.errors.UniqueViolation:
            dup = self._existing_ids([r[0] for r in rows])
            raise ValueError(f"event id {sorted(dup)[0] if dup else '?'} is already in the log") from None
        except psycopg.Error as exc:
            n = len(rows)
            raise StoreWriteError(f"could not append {n} event{'s' if n != 1 else ''} to {self._where()} "
                                  f"({str(exc).strip().splitlines()[0]}); nothing was written") from None
        return events

    def _existing_ids(self, ids: list[str]) -> set[str]:
        rows = self._conn().execute(f"SELECT id FROM {self.table} WHERE id = ANY(%s)", (ids,)).fetchall()
        return {r[0] for r in rows}

    # reads ------------------------------------------------------------------------------------
    def frame(self, record_id: str | None = None, reviewer: str | None = None, kind: str | None = None,
              after_seq: int = 0) -> pd.DataFrame:
        where: list[str] = ["seq > %s"]
        params: list[int | str] = [int(after_seq)]
        for col, val in (("record_id", record_id), ("reviewer", reviewer), ("kind", kind)):
            if val is not None:
                where.append(f"{col} = %s")
                params.append(val)
        rows = self._conn().execute(f"SELECT {', '.join(COLUMNS)} FROM {self.table} WHERE {' AND '.join(where)} "
                                    "ORDER BY seq", params).fetchall()
        return rows_to_frame(rows)

    def get(self, event_id: str) -> Event | None:
        rows = self._conn().execute(f"SELECT {', '.join(COLUMNS)} FROM {self.table} WHERE id = %s",
                                    (event_id,)).fetchall()
        if not rows:
            return None
        return event_from_row(rows_to_frame(rows).drop(columns="seq").to_dict("records")[0])

    def count(self) -> int:
        return self._conn().execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]

    def max_seq(self) -> int:
        return self._conn().execute(f"SELECT coalesce(max(seq), 0) FROM {self.table}").fetchone()[0]

    def last_event_id(self) -> str | None:
        row = self._conn().execute(f"SELECT id FROM {self.table} ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def wait(self, after_seq: int, timeout: float, interval: float = 0.25) -> int:
        """Block until an event with seq > ``after_seq`` is committed (by any client), or ``timeout``
        seconds pass; return the highest seq then known. Driven by LISTEN/NOTIFY: no polling."""
        conn = _psycopg().connect(self.url, autocommit=True)
        try:
            conn.execute(f"LISTEN {CHANNEL}")
            latest = self.max_seq()  # listening first, then reading: nothing committed in between is lost
            if latest > after_seq:
                return latest
            for note in conn.notifies(timeout=timeout):
                latest = max(latest, int(note.payload or 0))
                if latest > after_seq:
                    break
            return latest
        finally:
            conn.close()

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        if self._pid == os.getpid():
            for c in conns:
                c.close()
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"PostgresEventLog({self.url!r}, table={self.table!r})"
