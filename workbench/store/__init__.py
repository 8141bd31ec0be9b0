"""The only owner of state on disk: project folders and the append-only annotation event log.

- :class:`EventLog` / :class:`SqliteEventLog`: append-only storage of reviewer events.
- :func:`fold_events` -> :class:`FoldedState`: current values per reviewer and consolidated.
- :class:`Project`: the project folder, roles, validated actions, reads, assignment, edit effort.
"""
from workbench.store.base import EventLog
from workbench.store.errors import Conflict, PermissionDenied, ProjectError, StoreBusy
from workbench.store.fold import FoldedState, active_mask, fold_events
from workbench.store.log import SqliteEventLog
from workbench.store.project import Project

__all__ = ["EventLog", "SqliteEventLog", "Project", "ProjectError", "fold_events", "FoldedState",
           "PermissionDenied", "Conflict", "StoreBusy", "active_mask"]
