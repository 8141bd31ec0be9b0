"""Creating a project from a data file (``workbench init``) and opening one given as a folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.model.guidelines import Guidelines
from workbench.store.folder import is_project_folder
from workbench.store.project import Project, new_project_folder

__all__ = ["init_project", "is_project_folder", "open_project"]


def init_project(path: str | Path, dataset_path: str | Path,
                 guidelines: Guidelines | str | Path | None = None,
                 owner: str | None = None, closed: bool = False, store: str | None = None) -> Project:
    """``workbench init PATH DATASET``: load a file with :func:`workbench.io.load`, create a project.

    A large JSONL file goes to the project's ``source.parquet`` piece by piece
    (:func:`workbench.io.freeze.freeze`: the records ``load`` gives, in bounded memory).

    The owner is ``owner``, else the OS user running this; ``closed`` refuses unregistered names;
    ``store`` a ``postgresql://`` URL for a team event log (see :meth:`Project.create`).
    """
    from functools import partial

    from workbench.io.freeze import freeze

    path = new_project_folder(path)  # checked before a long load, and again by create
    if store:
        from workbench.store.pg_log import check_store_url

        check_store_url(store)  # before a long load
    return Project.create(path, partial(freeze, dataset_path), guidelines, owner=owner, closed=closed,
                          store=store)


def open_project(project_or_path: Any, served: bool = False) -> Project:
    """A project as given, or opened from its folder (``Project.open``)."""
    if isinstance(project_or_path, (str, Path)):
        return Project.open(project_or_path, served=served)
    return project_or_path
