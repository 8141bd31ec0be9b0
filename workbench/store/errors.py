"""Errors the store raises. Each carries a one-line message a reviewer or a notebook user can act on."""
from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass


class ProjectError(Exception):
    """The folder is not a usable project (missing files, or the frozen source no longer matches)."""


class PermissionDenied(PermissionError):
    """The reviewer's role does not allow the action (e.g. a reviewer adjudicating)."""


class StoreBusy(RuntimeError):
    """The database stayed locked for longer than the retry budget (another process holds it)."""


class StoreWriteError(OSError):
    """An append could not be written (disk full, I/O error, read-only folder); nothing of it was stored.

    The message names the folder of the event log and what went wrong, in one line.
    """


class StoreFull(StoreWriteError):
    """The disk (or the database's size limit) is full: the append was rolled back, nothing half-written."""


def disk_full(exc: BaseException) -> bool:
    """Whether an exception means the disk (or quota, or the database's size limit) is full.

    Parameters
    ----------
    exc : BaseException
        An error from the OS (``ENOSPC``, ``EDQUOT``) or from SQLite ("database or disk is full").

    Returns
    -------
    bool
    """
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return isinstance(exc, (OSError, sqlite3.Error)) and ("disk is full" in text or "disk full" in text)


@dataclass
class Conflict(Exception):
    """An edit made from a stale view: the value the reviewer saw is no longer the current one.

    Raised only when asked (``on_conflict="raise"``); by default the edit is stored, flagged and
    listed in ``FoldedState.conflicts`` so nobody's work is lost and nothing is silently overwritten.
    """

    record_id: str
    target: str
    seen_hash: str
    current_hash: str
    current_value: object = None
    event_id: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return (f"conflict on {self.record_id} {self.target}: edited from a stale view "
                f"(seen {self.seen_hash}, current {self.current_hash})")
