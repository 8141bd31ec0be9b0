"""The event log interface, small on purpose so a server database (PostgreSQL) can implement it later.

Everything above it (fold, project, views) uses only these calls. Values travel as JSON text; the
frame every implementation returns has the columns ``COLUMNS`` with values JSON-decoded.
"""
from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.model.events import Event

COLUMNS = ["seq", "id", "time", "reviewer", "session", "record_id", "kind", "target", "value",
           "seen_hash", "reverts"]


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (set, frozenset, tuple)):
        return sorted(obj) if isinstance(obj, (set, frozenset)) else list(obj)
    raise TypeError(f"value of type {type(obj).__name__} is not JSON-serialisable")


def encode_value(value: Any) -> str:
    """JSON text for an event value; ValueError (not TypeError) so callers report it uniformly."""
    try:
        return json.dumps(value, ensure_ascii=False, default=_json_default, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"event value cannot be stored as JSON: {exc}") from None


class EventLog(ABC):
    """Append-only store of :class:`~workbench.model.events.Event` objects."""

    @abstractmethod
    def append_many(self, events: Iterable[Event]) -> list[Event]:
        """Append all events in one transaction (all or none) and return them."""

    def append(self, event: Event) -> Event:
        """Append one event; when this returns the event is durable."""
        return self.append_many([event])[0]

    @abstractmethod
    def frame(self, record_id: str | None = None, reviewer: str | None = None, kind: str | None = None,
              after_seq: int = 0) -> pd.DataFrame:
        """Events as a DataFrame in commit order; columns ``COLUMNS``, ``value`` JSON-decoded."""

    def events(self, record_id: str | None = None, reviewer: str | None = None,
               kind: str | None = None) -> list[Event]:
        """Events (optionally filtered) in commit order."""
        df = self.frame(record_id=record_id, reviewer=reviewer, kind=kind)
        return [event_from_row(r) for r in df.drop(columns="seq").to_dict("records")]

    def get(self, event_id: str) -> Event | None:
        """The event with this id, or None."""
        return next((e for e in self.events() if e.id == event_id), None)

    @abstractmethod
    def count(self) -> int:
        """Number of events."""

    @abstractmethod
    def max_seq(self) -> int:
        """Highest sequence number (0 when empty): it names the log's state, as events never change, so
        a reader polls it to learn whether anything was appended."""

    def wait(self, after_seq: int, timeout: float, interval: float = 0.25) -> int:
        """Block until an event with seq > ``after_seq`` is stored (by any process) or ``timeout`` seconds
        pass; return the highest seq then known. This default polls :meth:`max_seq` every ``interval``
        seconds (one indexed query: cheap on SQLite); a server store may be told instead
        (PostgreSQL's LISTEN/NOTIFY)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            latest = self.max_seq()
            if latest > after_seq or time.monotonic() >= deadline:
                return latest
            time.sleep(min(interval, max(0.0, deadline - time.monotonic())))

    @abstractmethod
    def last_event_id(self) -> str | None:
        """Id of the most recently committed event (None when empty)."""

    def export_jsonl(self, path: str | Path) -> int:
        """Write every event as one JSON object per line (commit order); return the count."""
        events = self.events()
        tmp = Path(str(path) + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            for e in events:
                fh.write(json.dumps(e.to_dict(), ensure_ascii=False, default=_json_default) + "\n")
        os.replace(tmp, path)
        return len(events)

    def close(self) -> None:  # noqa: B027 - optional hook, not abstract
        """Release connections (the log reopens lazily if used again); a no-op by default."""


def event_from_row(row: dict[str, Any]) -> Event:
    """An Event from one row of a log frame (Timestamp back to ISO text, NaN back to None)."""
    row = dict(row)
    t = row["time"]
    row["time"] = t.isoformat(timespec="microseconds") if isinstance(t, pd.Timestamp) else t
    for k in ("session", "target", "seen_hash", "reverts"):
        if isinstance(row[k], float):  # NaN from a pandas string column
            row[k] = None
    return Event.from_dict(row)


def rows_to_frame(rows: list[tuple]) -> pd.DataFrame:
    """Build the log frame from ``(seq, id, time, ..., value JSON, ...)`` tuples."""
    if not rows:
        return _EMPTY.copy()  # the common answer to "anything new?": built once
    cols = list(zip(*rows))
    loads = json.loads
    data = {c: list(v) for c, v in zip(COLUMNS, cols)}
    data["value"] = [None if v is None else loads(v) for v in data["value"]]
    df = pd.DataFrame({c: pd.Series(data[c], dtype="object") for c in COLUMNS})
    df["seq"] = df["seq"].astype("int64")
    df["time"] = pd.to_datetime(df["time"], utc=True, format="ISO8601")
    return df


_EMPTY = pd.DataFrame({c: pd.Series([], dtype="object") for c in COLUMNS})
_EMPTY["seq"] = _EMPTY["seq"].astype("int64")
_EMPTY["time"] = pd.to_datetime(_EMPTY["time"], utc=True)
