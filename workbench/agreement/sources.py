"""Long annotation tables in files (CSV / JSONL with ``record_id, annotator, field, value[, time,
category, is_gold]``), and the split of gold answers from reviewers' values.

Opening projects and folding a Label Studio export through a scratch project happen one layer up, in
:mod:`workbench.workflows.agreement` (``workbench agreement``).
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

LONG_KEYS = {"record_id", "annotator", "field", "value"}


def read_long_file(path: Path) -> pd.DataFrame | None:
    """A long table file, or None when the file holds something else (e.g. a dataset)."""
    path = Path(path)
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


def split_gold(long: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(reviewers' values, gold answers) of a long table; gold is None when there is none.

    Rows with a true ``is_gold`` are gold answers (``record_id, field, value``).
    """
    if "is_gold" not in long.columns:
        long = long.assign(is_gold=False)
    is_gold = long["is_gold"].fillna(False).astype(bool)
    gold = long.loc[is_gold, ["record_id", "field", "value"]].reset_index(drop=True)
    return long.loc[~is_gold].reset_index(drop=True), (gold if len(gold) else None)
