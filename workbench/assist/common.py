"""Shared pieces of assisted annotation: settings, texts, the team's labels and suggestion events.

Machine output is only ever written as ``suggestion`` events whose reviewer is the agent's name
(``model:...``); the store's fold ignores them, so they never count as a human annotation. They are
appended in bulk through the project's event log (one transaction per chunk) and the agent is not
enrolled as a reviewer: a model is not a member of the team.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from workbench.model.events import Event, value_hash
from workbench.model.text import prompt_text, response_text
from workbench.store.fold import active_mask, preference_key
from workbench.store.folder import CACHE

DEFAULTS: dict[str, Any] = {"retrain_every": 50, "min_examples": 10, "cv_folds": 5, "calibrate_min": 10}
SUGGESTION_COLUMNS = ["record_id", "target", "agent", "value", "score", "version", "source", "payload",
                      "event_id", "seq"]
CHUNK = 5000


def assist_settings(project, **overrides: Any) -> dict[str, Any]:
    """Assist settings: ``overrides`` over the project's ``assist`` setting over :data:`DEFAULTS`."""
    own = getattr(project, "settings", {}).get("assist") or {}
    return {**DEFAULTS, **own, **{k: v for k, v in overrides.items() if v is not None}}


def cache_dir(project, *parts: str) -> Path:
    """A folder under the project's ``cache/`` (created)."""
    path = Path(project.path, CACHE, *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def short_hash(payload: Any) -> str:
    """12 hex digits of SHA-256 over canonical JSON (model versions, cache keys)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def record_texts(table) -> np.ndarray:
    """Prompt and response of every record joined (the text models read), as an object array."""
    joined = pc.binary_join_element_wise(prompt_text(table), response_text(table), "\n\n")
    return np.asarray(pc.fill_null(joined, "").to_pylist(), dtype=object)


# the team's labels ------------------------------------------------------------------------------
def human_values(project, gold: bool = True) -> pd.DataFrame:
    """The team's consolidated values, one row per record that has any (index ``record_id``).

    Columns: ``category``, ``tags`` (sorted tuple), ``decision``, ``preference`` (the winning
    candidate's name or "tie"), one per rated criterion ("overall", ...), and ``low_quality``
    (True when the overall rating is 2 or less or the record is rejected; False when it is rated 3 or
    more or accepted; None otherwise). Gold answers override the consensus when ``gold``. Only
    human events are read: suggestions never reach the fold.
    """
    fold = project.fold()
    c = fold.consolidated
    c = c[np.array([v is not None and not (isinstance(v, float) and np.isnan(v)) for v in c["value"]],
                   dtype=bool)]
    name = np.where(c["kind"] == "rating", c["target"],
                    c["kind"].map({"label": "category", "tags": "tags", "decision": "decision",
                                   "preference": "preference"}).fillna(""))
    long = pd.DataFrame({"record_id": c["record_id"].to_numpy(), "field": name,
                         "value": c["value"].to_numpy()})
    if gold:
        pr = fold.per_reviewer
        g = pr[pr["kind"] == "gold"]
        gv = [preference_key(v) if t == "preference" else v for t, v in zip(g["target"], g["value"])]
        long = pd.concat([long, pd.DataFrame({"record_id": g["record_id"].to_numpy(),
                                              "field": g["target"].to_numpy(), "value": gv})])
    long = long[long["field"] != ""].drop_duplicates(["record_id", "field"], keep="last")
    wide = long.pivot(index="record_id", columns="field", values="value") if len(long) else \
        pd.DataFrame(index=pd.Index([], name="record_id"))
    wide = wide.astype(object).where(wide.notna(), None)
    if "tags" in wide:
        wide["tags"] = wide["tags"].map(lambda v: None if v is None else tuple(sorted(v)))
    wide["low_quality"] = _low_quality(wide, [c.name for c in project.guidelines.criteria])
    return wide


def _low_quality(wide: pd.DataFrame, criteria: list[str]) -> pd.Series:
    cols = [c for c in ["overall"] if c in wide] or [c for c in criteria if c in wide]
    rating = wide[cols].apply(pd.to_numeric, errors="coerce").mean(axis=1) if cols else \
        pd.Series(np.nan, index=wide.index)
    decision = wide["decision"] if "decision" in wide else pd.Series(None, index=wide.index, dtype=object)
    low = (rating <= 2) | (decision == "reject")
    known = rating.notna() | decision.isin(["accept", "reject"])
    return pd.Series(np.where(known, low, None), index=wide.index, dtype=object)


# suggestion events ------------------------------------------------------------------------------
def suggestion_payload(value: Any, score: float | None, agent: str, **extra: Any) -> dict[str, Any]:
    """The value of a suggestion event: ``{"value", "score", "model", ...extra}`` (JSON-safe)."""
    score = None if score is None or not np.isfinite(score) else round(float(score), 4)
    return {"value": value, "score": score, "model": agent, **extra}


def write_suggestions(project, agent: str, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> list[Event]:
    """Append suggestion events ``(record_id, target, payload)`` by ``agent``; return those written.

    The rows are checked as ``Project.suggest`` checks one (known record, a target, a payload with a
    ``value``) and appended in one transaction per :data:`CHUNK` events. A row whose payload equals the
    agent's latest suggestion on that record and target is skipped, so rerunning a model writes
    nothing new.
    """
    have = suggestions_frame(project, agent=agent)
    seen = {(r, t): value_hash(p) for r, t, p in zip(have["record_id"], have["target"], have["payload"])}
    ids = project.dataset.ids
    events = []
    for record_id, target, payload in rows:
        if record_id not in ids:
            raise ValueError(f"unknown record id {record_id!r}")
        if not isinstance(target, str) or not target:
            raise ValueError("a suggestion needs the field it suggests a value for as target")
        if not isinstance(payload, dict) or "value" not in payload:
            raise ValueError("a suggestion's payload must be a dict with a 'value'")
        if seen.get((record_id, target)) == value_hash(payload):
            continue
        events.append(Event(record_id, "suggestion", agent, target, payload, session=project.session))
    for i in range(0, len(events), CHUNK):
        project.log.append_many(events[i:i + CHUNK])
    return events


def suggestions_frame(project, agent: str | None = None, target: str | None = None,
                      source: str | None = None, latest: bool = True) -> pd.DataFrame:
    """Suggestion events in effect (not undone), optionally of one agent, target or source.

    Parameters
    ----------
    project : Project
    agent : str, optional
        The agent's name (the events' reviewer), e.g. "model:tfidf-logreg".
    target : str, optional
        The field suggested for ("category", "tags", "low_quality", a criterion, "preference", an edit
        target such as "messages[1].content").
    source : str, optional
        What made it: "classifier", "labeling", "draft" or "judge" (the payload's ``source``).
    latest : bool
        Keep only the latest suggestion per (record_id, target, agent).

    Returns
    -------
    DataFrame
        Columns :data:`SUGGESTION_COLUMNS`; ``value`` is the suggested value, ``payload`` the whole
        event value (with extras such as ``probs``, ``rationale``), in commit order.
    """
    frame = project.frame()
    if not len(frame):
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    keep = (frame["kind"] == "suggestion").to_numpy()
    if (frame["kind"] == "undo").any():
        keep = keep & active_mask(frame)  # not in place: pandas hands out read-only arrays
    sug = frame[keep]
    if agent is not None:
        sug = sug[sug["reviewer"] == agent]
    if target is not None:
        sug = sug[sug["target"] == target]
    payload = sug["value"].map(lambda v: v if isinstance(v, dict) else {"value": v})
    out = pd.DataFrame({
        "record_id": sug["record_id"].to_numpy(), "target": sug["target"].to_numpy(),
        "agent": sug["reviewer"].to_numpy(), "value": [p.get("value") for p in payload],
        "score": pd.to_numeric(pd.Series([p.get("score") for p in payload], dtype=object), errors="coerce"),
        "version": [p.get("version") for p in payload], "source": [p.get("source") for p in payload],
        "payload": payload.to_numpy(), "event_id": sug["id"].to_numpy(), "seq": sug["seq"].to_numpy()})
    if source is not None:
        out = out[out["source"] == source]
    if latest:
        out = out.drop_duplicates(["record_id", "target", "agent"], keep="last")
    return out.reset_index(drop=True)[SUGGESTION_COLUMNS]


def suggestion_summary(project) -> pd.DataFrame:
    """Per agent and target: suggestions in effect, records, mean score, and how many reviewers accepted.

    ``accepted`` counts reviewer events that reference a suggestion (their ``seen_hash`` is the
    suggestion's value hash, as :meth:`ReviewSession.accept_suggestion` writes); ``agree_with_team``
    is the share of suggestions whose value equals the team's consolidated value, where there is one.
    """
    sug = suggestions_frame(project)
    cols = ["agent", "source", "target", "suggestions", "mean_score", "accepted", "agree_with_team"]
    if sug.empty:
        return pd.DataFrame(columns=cols)
    frame = project.frame()
    refs = frame[(frame["kind"] != "suggestion") & frame["seen_hash"].notna()]
    ref_keys = set(zip(refs["record_id"], refs["seen_hash"]))
    sug["accepted"] = [(r, value_hash(p)) in ref_keys for r, p in zip(sug["record_id"], sug["payload"])]
    human = human_values(project)
    team = [human.at[r, t] if r in human.index and t in human.columns else None
            for r, t in zip(sug["record_id"], sug["target"])]
    sug["agree"] = [None if h is None else _same(v, h) for v, h in zip(sug["value"], team)]
    g = sug.groupby(["agent", "target"], sort=True)
    out = pd.DataFrame({
        "source": g["source"].first(), "suggestions": g.size(), "mean_score": g["score"].mean().round(4),
        "accepted": g["accepted"].sum().astype(int),
        "agree_with_team": g["agree"].agg(lambda s: s.dropna().astype(float).mean() if s.notna().any()
                                          else np.nan).round(4)}).reset_index()
    return out[cols]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return sorted(a) == sorted(b)
    if isinstance(a, dict):
        a = preference_key(a)
    try:
        return bool(a == b) or float(a) == float(b)
    except (TypeError, ValueError):
        return False
