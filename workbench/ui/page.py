"""What a page is made of: page items, progress figures, signal badges, and the signal frame source."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.store.record_fold import RecordState

REASON_SUFFIXES = ("reason", "reasons", "types", "type", "kinds", "categories", "detail", "matches", "rules")


@dataclass
class PageItem:
    """One record on the current page, as the views need it."""

    index: int  # position in the queue
    position: int  # row in the dataset's table
    state: RecordState
    order: list[Any] = field(default_factory=list)  # candidates' display order
    badges: list[tuple[str, str]] = field(default_factory=list)
    focused: bool = False

    @property
    def record_id(self) -> str:
        """The record's id."""
        return self.state.source["id"]


@dataclass
class Progress:
    """Reviewed / total in the reviewer's queue (mine) and in the whole project (team)."""

    mine: int
    total: int
    team: int
    team_total: int
    queue: int
    index: int

    @property
    def fraction(self) -> float:
        """Share of the reviewer's queue they have reviewed."""
        return self.mine / self.total if self.total else 0.0


def signal_badges(signals: pd.DataFrame, position: int) -> list[tuple[str, str]]:
    """(signal, reason) for every ``is_<name>_issue`` flag set at table ``position``."""
    flags = [c for c in signals.columns if c.startswith("is_") and c.endswith("_issue")]
    if not flags:
        return []
    row = signals.iloc[position]
    out = []
    for col in flags:
        if _is(row[col]):
            name = col[3:-6]
            out.append((name, _reason(row, name)))
    return out


def _true_flags(row: pd.Series, prefix: str) -> str:
    """Names (without ``prefix``) of the boolean columns starting with ``prefix`` that are set."""
    return ", ".join(k[len(prefix):].replace("_", " ") for k, v in row.items()
                     if isinstance(k, str) and k.startswith(prefix) and _is(v))


def _pct(v: Any) -> str:
    return f"{float(v):.0%}" if isinstance(v, (int, float, np.number)) and v == v else "?"


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _duplicate(r: pd.Series) -> str:
    return f"duplicate of {r['record_dup_group']}" if _present(r.get("record_dup_group")) else ""


def _near_duplicate(r: pd.Series) -> str:
    if not _present(r.get("near_dup_cluster")):
        return ""
    return f"near duplicate of {r['near_dup_cluster']} (Jaccard {float(r['near_dup_jaccard']):.2f})"


def _text_stats(r: pd.Series) -> str:
    empty = f"{int(r['empty_turns'])} empty turns" if r.get("empty_turns") else ""
    return _join("length outlier" if _is(r.get("is_length_outlier")) else "", empty)


def _language(r: pd.Series) -> str:
    lang = f"language {r['language']}" if _present(r.get("language")) else ""
    return _join(lang, _true_flags(r, "is_mixed_"), _true_flags(r, "is_unexpected_"))


def _coverage(r: pd.Series) -> str:
    if not _present(r.get("category_target")):
        return ""
    return f"category share {_pct(r.get('category_share'))} vs target {_pct(r.get('category_target'))}"


# How the quality package's signals explain themselves (from their extra columns).
KNOWN_REASONS = {
    "exact_duplicates": _duplicate, "near_duplicates": _near_duplicate, "text_stats": _text_stats,
    "language": _language, "rules": lambda r: str(r.get("rules_failed") or ""),
    "multiturn": lambda r: _true_flags(r, "mt_"), "preference": lambda r: _true_flags(r, "pref_"),
    "coverage": _coverage,
}


def _is(v: Any) -> bool:
    return isinstance(v, (bool, np.bool_)) and bool(v)


def _present(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and str(v) not in ("", "[]", "None", "nan")


def _reason(row: pd.Series, name: str) -> str:
    """Why a signal fired on a record, from its extra columns (the score when nothing better)."""
    known = KNOWN_REASONS.get(name)
    if known is not None:
        try:
            text = known(row)
        except (KeyError, TypeError, ValueError):
            text = ""
        if text:
            return text
    for suffix in REASON_SUFFIXES:
        v = row.get(f"{name}_{suffix}")
        if _present(v):
            return ", ".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else str(v)
    score = row.get(f"{name}_score")
    ok = isinstance(score, (int, float, np.number)) and score == score
    return f"score {float(score):.2f}" if ok else ""
