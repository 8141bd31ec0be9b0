"""Active learning: which records a human should see first.

Two orderings, both "most informative first":

- ``uncertainty``: the model is least sure (1 - margin between its two most probable classes, or the
  normalised entropy of its probabilities);
- ``disagreement``: the model contradicts the team (1 - the probability it gives the team's value),
  which surfaces label errors and guideline gaps.

:func:`queue_scores` gives both as columns the review queue can sort and filter on
(``ReviewSession.set_filters(sort="uncertainty")``); without a model it reads the latest suggestion
events, so the review widget needs nothing but the project.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.assist.common import human_values, suggestions_frame

SCORE_COLUMNS = ["record_id", "uncertainty", "disagreement", "judge_mean"]
METHODS = ("margin", "entropy")


def margin(p: np.ndarray) -> np.ndarray:
    """Difference between the two largest probabilities of each row (1 for a single class)."""
    p = np.atleast_2d(np.asarray(p, dtype=float))
    if p.shape[1] < 2:
        return np.ones(len(p))
    top = np.sort(p, axis=1)
    return top[:, -1] - top[:, -2]


def entropy(p: np.ndarray) -> np.ndarray:
    """Entropy of each row divided by its maximum (log of the number of classes): 0 sure, 1 uniform."""
    p = np.atleast_2d(np.asarray(p, dtype=float))
    if p.shape[1] < 2:
        return np.zeros(len(p))
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.nansum(np.where(p > 0, p * np.log(p), 0.0), axis=1)
    return h / np.log(p.shape[1])


def uncertainty(p: np.ndarray, method: str = "margin") -> np.ndarray:
    """Per row: ``1 - margin`` ("margin") or the normalised entropy ("entropy"); higher = less sure."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    return 1.0 - margin(p) if method == "margin" else entropy(p)


def _team(project, label: str) -> pd.Series:
    hv = human_values(project)
    if label not in hv:
        return pd.Series(dtype=object)
    return hv[label].dropna()


def _from_model(project, model, label: str, method: str) -> pd.DataFrame:
    probs = model.probabilities(project, label, out_of_fold=True)
    out = pd.DataFrame({"record_id": probs.index, "uncertainty": uncertainty(probs.to_numpy(), method)})
    team = _team(project, label).reindex(probs.index)
    cols = {str(c): i for i, c in enumerate(probs.columns)}
    p = probs.to_numpy()
    dis = [np.nan if t is None or (isinstance(t, float) and np.isnan(t)) else
           1.0 - (p[i, cols[str(t)]] if str(t) in cols else 0.0) for i, t in enumerate(team.to_numpy())]
    out["disagreement"] = dis
    return out


def _from_log(project, label: str, method: str) -> pd.DataFrame:
    sug = suggestions_frame(project, target=label).sort_values("seq")
    sug = sug.drop_duplicates("record_id", keep="last")
    unc = []
    for payload, score in zip(sug["payload"], sug["score"]):
        probs = payload.get("probs") if isinstance(payload, dict) else None
        if isinstance(probs, dict) and len(probs) > 1 and label != "tags":
            unc.append(float(uncertainty(np.array([list(probs.values())], dtype=float), method)[0]))
        else:
            unc.append(1.0 - score if score == score else np.nan)
    out = pd.DataFrame({"record_id": sug["record_id"].to_numpy(), "uncertainty": unc})
    team = _team(project, label)
    dis = []
    for rid, value, payload, score in zip(sug["record_id"], sug["value"], sug["payload"], sug["score"]):
        t = team.get(rid)
        probs = payload.get("probs") if isinstance(payload, dict) else None
        if t is None:
            dis.append(np.nan)
        elif isinstance(probs, dict) and str(t) in probs and label != "tags":
            dis.append(1.0 - float(probs[str(t)]))
        else:
            s = score if score == score else 1.0
            dis.append(1.0 - s if _equal(value, t) else s)
    out["disagreement"] = dis
    return out


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return sorted(a) == sorted(b)
    return str(a) == str(b)


def judge_means(project) -> pd.Series:
    """Mean of the latest LLM-judge criterion scores per record (index ``record_id``)."""
    sug = suggestions_frame(project, source="judge")
    sug = sug[sug["target"] != "preference"]
    if sug.empty:
        return pd.Series(dtype=float)
    vals = pd.to_numeric(sug["value"], errors="coerce")
    return vals.groupby(sug["record_id"]).mean()


def queue_scores(project, model=None, label: str = "category", method: str = "margin") -> pd.DataFrame:
    """Per record: ``uncertainty``, ``disagreement`` with the team, and the judge's mean score.

    Parameters
    ----------
    project : Project
    model : TextClassifier, optional
        Use its probabilities (out-of-fold for records it learnt from). Without it, the latest
        suggestion events for ``label`` are read (their ``probs``, else their score).
    label : str
        The suggested field ("category", "low_quality", "tags", a criterion).
    method : {"margin", "entropy"}
        The uncertainty measure.

    Returns
    -------
    DataFrame
        One row per record of the dataset, columns :data:`SCORE_COLUMNS`; NaN where unknown
        (no suggestion; no team value for ``disagreement``).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    ids = project.dataset.ids
    part = _from_log(project, label, method) if model is None else _from_model(project, model, label, method)
    out = part.set_index("record_id").reindex(ids)
    out["judge_mean"] = judge_means(project).reindex(ids)
    out.index.name = "record_id"
    return out.reset_index()[SCORE_COLUMNS]


def order(project, by: str = "uncertainty", records: list[str] | None = None, model=None,
          label: str = "category", method: str = "margin") -> list[str]:
    """Record ids, most informative first (``by`` "uncertainty" or "disagreement"; unknown ones last).

    ``records`` limits the ordering to those ids (e.g. a reviewer's queue), keeping their relative
    order among ties.
    """
    if by not in ("uncertainty", "disagreement"):
        raise ValueError(f"by must be 'uncertainty' or 'disagreement', got {by!r}")
    scores = queue_scores(project, model, label, method).set_index("record_id")[by]
    ids = list(records) if records is not None else list(project.dataset.ids)
    s = scores.reindex(ids)
    return list(s.sort_values(ascending=False, kind="stable", na_position="last").index)
