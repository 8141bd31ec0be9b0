"""Edit effort: how much each edit changed the original text, read together with rating and decision.

The known failure of edit-based annotation is a reviewer who accepts a poor response with a few
cosmetic edits. A small normalised edit distance on a record the same reviewer rated low (or that
was later rejected) exposes it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from workbench.store.edits import text_at

EFFORT_COLUMNS = ["event_id", "record_id", "reviewer", "target", "char_ratio", "word_ratio", "chars_before",
                  "chars_after", "rating", "decision", "final_decision", "applied", "cosmetic_on_poor"]
REPORT_COLUMNS = ["reviewer", "edits", "mean_char_ratio", "mean_word_ratio", "cosmetic_edits",
                  "cosmetic_on_poor", "cosmetic_on_poor_share"]


def edit_ratios(original: str, edited: str) -> tuple[float, float]:
    """Normalised Levenshtein distance on characters and on whitespace-separated words (0 = same)."""
    return (Levenshtein.normalized_distance(original, edited),
            Levenshtein.normalized_distance(original.split(), edited.split()))


def edit_effort(project, cosmetic: float = 0.1, poor_rating: int = 2) -> pd.DataFrame:
    """One row per edit in effect: ratios to the ORIGINAL source text, the rating and decisions.

    Parameters
    ----------
    project : Project
    cosmetic : float
        Character ratio below which an edit counts as cosmetic.
    poor_rating : int
        Ratings at or below this count as poor.

    Returns
    -------
    DataFrame
        ``EFFORT_COLUMNS``. ``rating`` is the editing reviewer's own overall rating (else the
        consolidated one), ``decision`` their own decision, ``final_decision`` the consolidated one;
        ``cosmetic_on_poor`` marks cosmetic edits on records rated poor or rejected.
    """
    fold = project.fold()
    ed = fold.ops[fold.ops["kind"] == "edit"]
    if ed.empty:
        return pd.DataFrame(columns=EFFORT_COLUMNS)
    rows = project._source_rows(ed["record_id"])
    originals = [text_at(rows[r], t) or "" for r, t in zip(ed["record_id"], ed["target"])]
    ratios = [edit_ratios(o, v if isinstance(v, str) else "") for o, v in zip(originals, ed["value"])]
    pr, c = fold.per_reviewer, fold.consolidated

    def own(kind: str, target: str) -> pd.Series:
        sub = pr[(pr["kind"] == kind) & (pr["target"] == target)]
        d = dict(zip(zip(sub["record_id"], sub["reviewer"]), sub["value"]))
        return pd.Series([d.get(k) for k in zip(ed["record_id"], ed["reviewer"])], dtype=object)

    def final(kind: str, target: str) -> pd.Series:
        sub = c[(c["kind"] == kind) & (c["target"] == target)]
        d = dict(zip(sub["record_id"], sub["value"]))
        return pd.Series([d.get(r) for r in ed["record_id"]], dtype=object)

    rating = pd.to_numeric(own("rating", "overall"), errors="coerce").fillna(
        pd.to_numeric(final("rating", "overall"), errors="coerce"))
    decision = own("decision", "decision")
    final_decision = final("decision", "decision")
    char_ratio = np.array([r[0] for r in ratios], dtype=float)
    poor = (rating <= poor_rating).to_numpy() | (decision == "reject").to_numpy() \
        | (final_decision == "reject").to_numpy()
    return pd.DataFrame({
        "event_id": ed["event_id"].to_numpy(), "record_id": ed["record_id"].to_numpy(),
        "reviewer": ed["reviewer"].to_numpy(), "target": ed["target"].to_numpy(),
        "char_ratio": char_ratio, "word_ratio": np.array([r[1] for r in ratios], dtype=float),
        "chars_before": [len(o) for o in originals],
        "chars_after": [len(v) if isinstance(v, str) else 0 for v in ed["value"]],
        "rating": rating.to_numpy(), "decision": decision.astype(object).to_numpy(),
        "final_decision": final_decision.astype(object).to_numpy(), "applied": ed["applied"].to_numpy(),
        "cosmetic_on_poor": (char_ratio < cosmetic) & poor,
    })[EFFORT_COLUMNS]


def edit_effort_report(project, cosmetic: float = 0.1, poor_rating: int = 2) -> pd.DataFrame:
    """Per reviewer: number of edits, mean ratios, cosmetic edits and cosmetic edits on poor records."""
    eff = edit_effort(project, cosmetic, poor_rating)
    if eff.empty:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    g = eff.assign(cosmetic=eff["char_ratio"] < cosmetic).groupby("reviewer", sort=True)
    rep = pd.DataFrame({
        "edits": g.size(), "mean_char_ratio": g["char_ratio"].mean(),
        "mean_word_ratio": g["word_ratio"].mean(),
        "cosmetic_edits": g["cosmetic"].sum(), "cosmetic_on_poor": g["cosmetic_on_poor"].sum(),
    }).reset_index()
    rep["cosmetic_on_poor_share"] = rep["cosmetic_on_poor"] / rep["edits"]
    return rep[REPORT_COLUMNS]
