"""Move a project's event log between its SQLite file and a PostgreSQL team store (either way).

Every event is copied in commit order with its id and time unchanged (the fold and the audit trail read
them), in chunks of one transaction each; then both logs are read back and compared - the number of
events and a SHA-256 over every event's fields in order - before ``project.json`` points at the new log.
The old log is kept: ``events.sqlite`` is renamed ``events.sqlite.before-migration`` (a PostgreSQL table
is left as it was), so nothing is lost if the project must go back. Stop serving the project first: an
event written to the old log during the copy would be refused by the check, not lost.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.model.events import Event
from workbench.store.base import EventLog
from workbench.store.build import open_log
from workbench.store.errors import ProjectError
from workbench.store.folder import EVENTS, META, is_project_folder, write_atomic

CHUNK = 5_000
KEPT = EVENTS + ".before-migration"


@dataclass(frozen=True)
class Migration:
    """What a migration did: events copied, the digest both logs share, and where the log is now."""

    events: int
    digest: str
    source: str
    target: str

    def __str__(self) -> str:
        return f"moved {self.events:,} events from {self.source} to {self.target} (sha256 {self.digest[:16]}... on both)"


def log_digest(log: EventLog) -> tuple[int, str]:
    """(number of events, SHA-256 of every event's fields in commit order) of ``log``."""
    h = hashlib.sha256()
    n = 0
    for event in log.events():
        h.update(json.dumps(event.to_dict(), sort_keys=True, ensure_ascii=False, default=str).encode())
        h.update(b"\n")
        n += 1
    return n, h.hexdigest()


def _describe(meta: dict[str, Any]) -> str:
    store = meta.get("store")
    return f"{store['url']} (table {store['table']})" if store else EVENTS


def migrate(folder: str | Path, to: str) -> Migration:
    """Move the event log of the project in ``folder`` to ``to``: a ``postgresql://`` URL (no password), or
    ``sqlite`` for ``events.sqlite`` in the folder. Returns the :class:`Migration`; raises ProjectError
    with a one-line reason when the project or the target is not usable, leaving the project as it was."""
    folder = Path(folder)
    if not is_project_folder(folder):
        raise ProjectError(f"{folder} is not a workbench project")
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    new_meta = dict(meta)
    if to == "sqlite":
        if not meta.get("store"):
            raise ProjectError(f"{folder} already keeps its events in {EVENTS}")
        if (folder / EVENTS).exists():
            raise ProjectError(f"{folder / EVENTS} exists: move it away first (it is not this project's log)")
        new_meta.pop("store")
    elif to.startswith(("postgresql://", "postgres://")):
        from workbench.store.pg_log import check_store_url

        new_meta["store"] = {"kind": "postgresql", "url": check_store_url(to),
                             "table": f"events_{uuid.uuid4().hex[:12]}"}
    else:
        raise ProjectError(f"--to must be a postgresql:// URL or 'sqlite', got {to!r}")
    source = open_log(folder, meta)
    target = open_log(folder, new_meta)
    try:
        if target.count():
            raise ProjectError(f"the target log {_describe(new_meta)} is not empty")
        copied = 0
        chunk: list[Event] = []
        for event in source.events():
            chunk.append(event)
            if len(chunk) >= CHUNK:
                copied += len(target.append_many(chunk))
                chunk = []
        if chunk:
            copied += len(target.append_many(chunk))
        n_source, d_source = log_digest(source)
        n_target, d_target = log_digest(target)
        if (n_source, d_source) != (n_target, d_target) or copied != n_source:
            raise ProjectError(f"the copy does not match ({n_source} events in {_describe(meta)}, {n_target} "
                               f"in {_describe(new_meta)}): the project still uses {_describe(meta)}")
    except BaseException:
        target.close()
        source.close()
        if to == "sqlite":
            (folder / EVENTS).unlink(missing_ok=True)  # the half-made file; the PostgreSQL log is untouched
        raise
    target.close()
    source.close()
    if not meta.get("store"):
        (folder / EVENTS).rename(folder / KEPT)
    write_atomic(folder / META, json.dumps(new_meta, indent=2, ensure_ascii=False))
    return Migration(n_source, d_source, _describe(meta), _describe(new_meta))
