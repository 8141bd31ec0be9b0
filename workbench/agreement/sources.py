"""Where agreement data comes from: a project's events, a Label Studio multi-annotator export, or a
long table in CSV / JSONL (``record_id, annotator, field, value[, time, category, is_gold]``)."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd

LONG_KEYS = {"record_id", "annotator", "field", "value"}


def _read_long_file(path: Path) -> pd.DataFrame | None:
    """A long table file, or None when the file holds something else (e.g. a dataset)."""
    name = path.name.lower()
    try:
        if name.endswith(".csv"):
            df = pd.read_csv(path)
        elif name.endswith((".jsonl", ".json")):
            text = path.read_text(encoding="utf-8")
            first = text.lstrip()[:1]
            rows = json.loads(text) if first == "[" else [json.loads(x) for x in text.splitlines() if x.strip()]
            if not rows or not isinstance(rows[0], dict) or not LONG_KEYS <= set(rows[0]):
                return None
            df = pd.DataFrame(rows)
        else:
            return None
    except (ValueError, UnicodeDecodeError):
        return None
    return df if LONG_KEYS <= set(df.columns) else None


def long_table(source) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(annotations, gold) from a project (object or folder), a Label Studio export or a long table.

    ``gold`` has ``record_id, field, value`` (None when there are no gold answers).
    """
    from workbench.store import Project

    if isinstance(source, Project):
        long = source.annotations_long()
    else:
        path = Path(source)
        if path.is_dir() and (path / "project.json").exists():
            with Project.open(path) as project:
                long = project.annotations_long()
        else:
            long = _read_long_file(path) if path.is_file() else None
            if long is None:
                long = _from_dataset_events(path)
    if "is_gold" not in long.columns:
        long = long.assign(is_gold=False)
    is_gold = long["is_gold"].fillna(False).astype(bool)
    gold = long.loc[is_gold, ["record_id", "field", "value"]].reset_index(drop=True)
    return long.loc[~is_gold].reset_index(drop=True), (gold if len(gold) else None)


def _from_dataset_events(path: Path) -> pd.DataFrame:
    """A dataset whose rows carry annotations (Label Studio): fold them through a scratch project,
    so they are read exactly as the workbench's own reviews are."""
    from workbench.io import load
    from workbench.store import Project

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
