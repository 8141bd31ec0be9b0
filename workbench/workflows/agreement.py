"""Agreement from where annotations live: a project (object or folder), a Label Studio export with
annotations (folded through a scratch project), or a long table file.

The coefficients themselves are pure functions in :mod:`workbench.agreement`; this module only finds
the long table (``record_id, annotator, field, value[, time, category, is_gold]``) and writes reports.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from workbench.agreement.sources import read_long_file, split_gold
from workbench.store import Project
from workbench.workflows.projects import is_project_folder, open_project


def long_table(source) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(annotations, gold) from a project (object or folder), a Label Studio export or a long table.

    ``gold`` has ``record_id, field, value`` (None when there are no gold answers).
    """
    if isinstance(source, Project):
        long = source.annotations_long()
    else:
        path = Path(source)
        if is_project_folder(path):
            with open_project(path) as project:
                long = project.annotations_long()
        else:
            long = read_long_file(path) if path.is_file() else None
            if long is None:
                long = _from_dataset_events(path)
    return split_gold(long)


def _from_dataset_events(path: Path) -> pd.DataFrame:
    """A dataset whose rows carry annotations (Label Studio): fold them through a scratch project,
    so they are read exactly as the workbench's own reviews are."""
    from workbench.io import load

    ds = load(path)
    if not ds.extra_events:
        raise ValueError(f"{path} holds no annotations (expected a project, a Label Studio export with "
                         f"annotations, or a table with columns record_id, annotator, field, value)")
    with tempfile.TemporaryDirectory() as tmp:
        with Project.create(Path(tmp) / "p", ds) as project:  # imports ds.extra_events
            return project.annotations_long()


def run_agreement(source, out: str | Path) -> dict:
    """``workbench agreement``: write agreement.json and agreement_report.md into ``out``."""
    from workbench.agreement.report import write_agreement_report

    long, gold = long_table(source)
    if long.empty:
        raise ValueError("no annotations to compute agreement from")
    return write_agreement_report(long, out, gold=gold)
