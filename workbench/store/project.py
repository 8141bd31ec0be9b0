"""A curation project: a folder with the frozen source, its guidelines, its reviewers and its event log.

::

    project/
      project.json      fingerprint (SHA-256 of source.parquet), source path and format, created, owner,
                        reviewers and roles (a copy; the log's role events are the record, with the
                        salted hashes of reviewer keys), settings
      source.parquet    the canonical table, frozen: never rewritten
      guidelines.yaml   the one guidelines file (criteria, categories, tags, rules, examples)
      events.sqlite     the append-only event log
      quarantine.jsonl  rows the reader refused, with reasons
      cache/            signal results keyed by fingerprint (written by workbench.workflows.signals), the
                        source's uncompressed Arrow copy (source-<fingerprint>.arrow, store.source_copy)
                        and each cached report's combined frame (frame-<key>.arrow, quality.frame_copy),
                        both memory-mapped by readers; the folder can be deleted, it is rebuilt
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from workbench.model.dataset import Dataset
from workbench.model.events import Event
from workbench.model.guidelines import Guidelines
from workbench.model.memory import release_freed
from workbench.store import assign as _assign
from workbench.store import effort as _effort
from workbench.store.actions import ActionsMixin
from workbench.store.build import build_folder, check_ids, open_log
from workbench.store.errors import ProjectError, disk_full
from workbench.store.fold import PROJECT_RECORD, FoldedState, fold_events
from workbench.store.folder import (
    CACHE,
    DEFAULT_SETTINGS,
    EVENTS,
    GUIDELINES,
    META,
    QUARANTINE,
    SOURCE,
    as_guidelines,
    read_quarantine,
    replay_log,
    sha256_file,
    write_atomic,
)
from workbench.store.identity import Identity, os_user
from workbench.store.log import EventLog
from workbench.store.roles import RolesMixin
from workbench.store.source_copy import mapped_table, read_copy
from workbench.store.validate import check_reviewer
from workbench.store.views import ViewsMixin


class Project(RolesMixin, ActionsMixin, ViewsMixin):
    """Open with :meth:`open`, make with :meth:`create`; see the module docstring for the folder.

    ``served`` (see :meth:`open`) says who names the actors: False (a notebook, the CLI) takes the names
    code passes as given and acts by default as the OS user; True (the served app) treats a plain name
    as a typed claim that acts as a reviewer at most (see :mod:`workbench.store.identity`).
    """

    def __init__(self, path: Path, meta: dict[str, Any], log: EventLog, served: bool = False):
        self.path = Path(path)
        self._meta, self._meta_mtime = meta, self._mtime(META)
        self.log = log
        self.served = bool(served)
        self.principal = None if self.served else Identity(os_user(), "os-user")
        self.session = uuid.uuid4().hex[:12]  # one per open project (notebook kernel / app tab)
        self._dataset: Dataset | None = None
        self._guidelines: Guidelines | None = None
        self._guidelines_mtime: int | None = None
        self._role_frame = None
        self._registry = None
        self._fold_cache: tuple[tuple, FoldedState] | None = None
        self._status_cache: tuple[FoldedState, Any] | None = None  # status_frame() of that fold
        self._frame_cache = None

    # create / open ----------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, dataset: Dataset | Callable[[Path], Any],
               guidelines: Guidelines | str | Path | None = None, owner: str | None = None,
               settings: dict[str, Any] | None = None, closed: bool = False,
               store: str | None = None) -> Project:
        """Make a project folder from a loaded dataset (refuses an existing non-empty folder).

        The project is built in a hidden folder beside ``path`` and renamed into place, so a failure
        (a full disk, an interrupt) leaves nothing behind and a re-run starts clean.

        Parameters
        ----------
        path : str or Path
            The folder to create.
        dataset : Dataset, or a function of the path of ``source.parquet``
            Records in the canonical schema; its table is frozen to ``source.parquet``. A function loads
            them inside the hidden folder and writes ``source.parquet`` itself or returns a Dataset
            (``init_project`` passes :func:`workbench.io.freeze.freeze` of a file: a large JSONL file
            goes to Parquet piece by piece, in bounded memory); see ``store.build.build_folder``.
        guidelines : Guidelines, path to a YAML file, dict or None
            None takes the bundled default guidelines.
        owner : str, optional
            The first reviewer, with role owner; default the OS user running this (``getpass``).
        settings : dict, optional
            Overrides of ``DEFAULT_SETTINGS`` (e.g. ``{"open_enrolment": False}``).
        closed : bool
            Refuse names the owner has not registered (sets ``open_enrolment`` False).
        store : str, optional
            ``postgresql://USER@HOST/DB`` (no password: PGPASSWORD or ~/.pgpass) to keep the event log in
            PostgreSQL, shared by reviewers on several servers; the frozen source and cache stay in the folder
            (put it on a shared volume). Default: ``events.sqlite`` in the folder.
        """
        path = new_project_folder(path)
        if isinstance(dataset, Dataset):
            check_ids(dataset.table.column("id"))  # (before anything is written; a file's ids once loaded)
        elif not callable(dataset):
            raise ValueError(f"dataset must be a workbench Dataset, got {type(dataset).__name__}")
        g = as_guidelines(guidelines)
        owner = check_reviewer(os_user() if owner is None else owner)
        unknown = set(settings or {}) - set(DEFAULT_SETTINGS)
        if unknown:
            raise ValueError(f"unknown project settings: {', '.join(sorted(unknown))}")
        settings = {**DEFAULT_SETTINGS, **(settings or {}), **({"open_enrolment": False} if closed else {})}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name}.init-{uuid.uuid4().hex[:8]}.tmp"
        try:
            meta, loaded = build_folder(tmp, dataset, g, owner, settings, store)
            if path.exists():
                path.rmdir()  # the empty folder the caller made; the finished project takes its place
            os.replace(tmp, path)
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if disk_full(exc):
                raise ProjectError(f"cannot create the project {path}: disk full ({exc})".splitlines()[0]) \
                    from None
            raise
        project = cls(path, meta, open_log(path, meta))
        if loaded is not None:  # (a file streamed to Parquet is read from there when needed)
            project._dataset = Dataset(loaded.table, loaded.format, loaded.source, list(loaded.quarantine))
        return project

    @classmethod
    def open(cls, path: str | Path, served: bool = False) -> Project:
        """Open a project, refusing it when the frozen source no longer matches its fingerprint.

        ``served=True`` for the web app: plain names are typed claims (see the class docstring).
        """
        path = Path(path)
        if not (path / META).is_file():
            raise ProjectError(f"{path} is not a workbench project (no {META})")
        try:
            meta = json.loads((path / META).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ProjectError(f"{path / META} cannot be read: {exc}".splitlines()[0]) from None
        for name in (SOURCE, GUIDELINES) + (() if meta.get("store") else (EVENTS,)):
            if not (path / name).is_file():
                raise ProjectError(f"{path} is not a complete project: {name} is missing")
        found = sha256_file(path / SOURCE)
        if found != meta.get("fingerprint"):
            raise ProjectError(f"{path / SOURCE} does not match the project's fingerprint "
                               f"({str(meta.get('fingerprint'))[:12]}..., found {found[:12]}...): the frozen "
                               "source was changed, so record ids cannot be trusted; restore it or create "
                               "a new project")
        return cls(path, meta, open_log(path, meta), served=served)

    def close(self) -> None:
        """Close the log's connections (they reopen if the project is used again)."""
        self.log.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        rows = self._meta["source"]["rows"]
        return f"Project({str(self.path)!r}, records={rows}, events={self.log.count()})"

    # properties -------------------------------------------------------------------------------
    def _mtime(self, name: str) -> int | None:
        try:
            return (self.path / name).stat().st_mtime_ns
        except OSError:
            return None

    @property
    def meta(self) -> dict[str, Any]:
        """project.json, re-read when another process changed it."""
        if self._mtime(META) != self._meta_mtime:
            self._meta = json.loads((self.path / META).read_text(encoding="utf-8"))
            self._meta_mtime = self._mtime(META)
        return self._meta

    @property
    def fingerprint(self) -> str:
        """SHA-256 of source.parquet, checked on every open."""
        return self._meta["fingerprint"]

    @property
    def cache_dir(self) -> Path:
        """The folder of derived results (signals by fingerprint): ``<project>/cache``."""
        return self.path / CACHE

    @property
    def settings(self) -> dict[str, Any]:
        """Project settings (``open_enrolment``, ``rating_tolerance``) over their defaults."""
        return {**DEFAULT_SETTINGS, **self.meta.get("settings", {})}

    @property
    def consolidation(self) -> str:
        """The agreement rule, from the guidelines' ``agreement.consolidation`` (default majority)."""
        return self.guidelines.agreement.get("consolidation", "majority")

    @property
    def dataset(self) -> Dataset:
        """The frozen records, read lazily from the source's uncompressed Arrow copy in the cache,
        memory-mapped (written from source.parquet on first read; see :mod:`workbench.store.source_copy`)."""
        if self._dataset is None:
            src = self._meta.get("source", {})
            # the Arrow copy: its columns are the shared file cache, not this process's memory
            table = read_copy(self.cache_dir, self.fingerprint)
            if table is None:  # first read: decoded into the canonical layout, then copied and mapped
                decoded = Dataset(pq.read_table(self.path / SOURCE, memory_map=True)).table
                table = mapped_table(decoded, self.cache_dir, self.fingerprint)
                del decoded
                release_freed()  # the decoded pages back to the OS
            self._dataset = Dataset(table, src.get("format", "canonical"), src.get("path"),
                                    read_quarantine(self.path / QUARANTINE))
        return self._dataset

    @property
    def guidelines(self) -> Guidelines:
        """The guidelines file, re-read when it changed (another process may have set new ones)."""
        mtime = self._mtime(GUIDELINES)
        if self._guidelines is None or mtime != self._guidelines_mtime:
            self._guidelines = Guidelines.load(self.path / GUIDELINES)
            self._guidelines_mtime = mtime
        return self._guidelines

    def _write_meta(self, **changes: Any) -> None:
        meta = {**self.meta, **changes}
        write_atomic(self.path / META, json.dumps(meta, indent=2, ensure_ascii=False))
        self._meta, self._meta_mtime = meta, self._mtime(META)

    # administration (owner only, logged with record_id "*"; reviewers in roles.py) ----------------
    def set_guidelines(self, guidelines: Guidelines | str | Path | dict, by: str | None = None) -> Event:
        """Replace the guidelines file; only an owner may. The new guidelines are logged in full."""
        by = self._require_role(by, ("owner",), "change the guidelines")
        g = as_guidelines(guidelines)
        ev = self.log.append(Event(PROJECT_RECORD, "guidelines", by, GUIDELINES, g.to_dict(),
                                   session=self.session))
        tmp = self.path / f".{GUIDELINES}.{os.getpid()}.tmp"
        g.save(tmp)
        os.replace(tmp, self.path / GUIDELINES)
        return ev

    def set_setting(self, name: str, value: Any, by: str | None = None) -> Event:
        """Change a project setting (e.g. ``open_enrolment``); only an owner may."""
        by = self._require_role(by, ("owner",), "change settings")
        if name not in DEFAULT_SETTINGS:
            raise ValueError(f"unknown setting {name!r}; known: {', '.join(DEFAULT_SETTINGS)}")
        ev = self.log.append(Event(PROJECT_RECORD, "settings", by, name, value, session=self.session))
        self._write_meta(settings={**self.settings, name: value})
        return ev

    # fold ---------------------------------------------------------------------------------------
    def frame(self):
        """The whole log as a DataFrame, read incrementally (rows never change once written)."""
        if self._frame_cache is None:
            self._frame_cache = self.log.frame()
        else:
            last = int(self._frame_cache["seq"].max()) if len(self._frame_cache) else 0
            new = self.log.frame(after_seq=last)
            if len(new):
                self._frame_cache = pd.concat([self._frame_cache, new], ignore_index=True)
        return self._frame_cache

    def fold(self) -> FoldedState:
        """The folded state of the whole log (recomputed only when events were added)."""
        frame = self.frame()
        adj = tuple(sorted(self.adjudicators()))
        key = (len(frame), self.consolidation, adj, self.settings["rating_tolerance"])
        if self._fold_cache is None or self._fold_cache[0] != key:
            state = fold_events(frame, key[1], set(adj), self._originals(frame), key[3])
            self._fold_cache = (key, state)
        return self._fold_cache[1]

    # log export / replay ------------------------------------------------------------------------
    def export_log(self, path: str | Path) -> int:
        """Write every event as JSONL (commit order); return the number written."""
        return self.log.export_jsonl(path)

    @staticmethod
    def replay(log_path: str | Path, into: Project | str | Path) -> int:
        """Append the events of an exported log into a (fresh) project; return how many were added.

        Events already present (same id) are skipped, so an interrupted replay can be rerun. Every line
        is checked first: a malformed line or an unknown record id writes nothing.
        """
        project = into if isinstance(into, Project) else Project.open(into)
        return replay_log(project, log_path)

    # assignment and edit effort (implemented in their own modules) ------------------------------
    def assign(self, reviewers, records=None, overlap: float = 0.15, calibration: int = 30, gold=None,
               gold_rate: float = 0.05, seed: int = 0, by: str | None = None, per_item: int = 2):
        """Assign records to reviewers; see :func:`workbench.store.assign.assign`."""
        return _assign.assign(self, reviewers, records, overlap, calibration, gold, gold_rate, seed, by,
                              per_item)

    def queue(self, reviewer: str, pending: bool = False) -> list[str]:
        """The reviewer's own queue in order (calibration first); gold items are not marked."""
        return _assign.queue(self, reviewer, pending)

    def gold_items(self, by: str | None = None) -> list[str]:
        """Record ids used as gold items (owner only)."""
        return _assign.gold_items(self, by)

    def assignments(self, by: str | None = None):
        """Every active assignment with its role (owner only: it reveals gold items)."""
        return _assign.assignments(self, by)

    def edit_effort(self, cosmetic: float = 0.1, poor_rating: int = 2):
        """Per edit: edit distance ratios to the original text, with the rating and decision."""
        return _effort.edit_effort(self, cosmetic, poor_rating)

    def edit_effort_report(self, cosmetic: float = 0.1, poor_rating: int = 2):
        """Per reviewer: edits, mean ratios and cosmetic edits on poor records."""
        return _effort.edit_effort_report(self, cosmetic, poor_rating)


def new_project_folder(path: str | Path) -> Path:
    """``path`` when a project may be made there (absent or an empty folder); ProjectError otherwise."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ProjectError(f"{path} already exists and is not an empty folder; choose a new path")
    return path

