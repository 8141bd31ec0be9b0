"""Machine against human: agreement between a judge (or classifier) and the team, per category.

The reference is the gold answer where there is one, else the team's consensus. For every field the
machine answered (category, tags, low_quality, criterion scores, preference) the report gives, per
record category and overall, how many records both answered, the share where they agree, Cohen's
kappa (quadratic-weighted for scores) and Krippendorff's alpha (interval for scores), with the
reading band. Categories where machine and humans disagree most are flagged for human review:
they are where a model is most likely to hallucinate or where the guidelines are unclear.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.agreement import cohen_kappa, interpret, krippendorff_alpha
from workbench.assist.common import human_values, suggestions_frame
from workbench.store.fold import preference_key

REPORT_COLUMNS = ["field", "category", "n", "agreement", "kappa", "alpha", "band", "flagged"]
ALL = "(all)"


def _key(field: str, value: Any) -> Any:
    """A machine or human value in a comparable, hashable form."""
    if value is None:
        return None
    if field == "preference" and isinstance(value, dict):
        return preference_key(value)
    if isinstance(value, (list, tuple)):
        return tuple(sorted(value))
    return value


def machine_values(project, source: str | None = "judge", agent: str | None = None,
                   model=None) -> pd.DataFrame:
    """The machine's latest answer per (record_id, field): a long frame ``record_id, field, value``.

    From suggestion events of ``source`` / ``agent``; or, with a fitted ``model``
    (:class:`~workbench.assist.classifier.TextClassifier`), its out-of-fold predictions for the
    category and low-quality labels on every record the team labelled.
    """
    if model is not None:
        parts = []
        for name in ("category", "low_quality"):
            m = model.labels.get(name)
            if m is not None and m.oof is not None:
                pred = m.oof.idxmax(axis=1)
                parts.append(pd.DataFrame({"record_id": pred.index, "field": name, "value": pred.to_numpy()}))
        empty = pd.DataFrame(columns=["record_id", "field", "value"])
        return pd.concat(parts, ignore_index=True) if parts else empty
    sug = suggestions_frame(project, agent=agent, source=source).sort_values("seq")
    sug = sug[np.array(["[" not in str(t) for t in sug["target"]], dtype=bool)]  # drafts are not labels
    sug = sug.drop_duplicates(["record_id", "target"], keep="last")
    values = [_key(t, v) for t, v in zip(sug["target"], sug["value"])]
    return pd.DataFrame({"record_id": sug["record_id"].to_numpy(), "field": sug["target"].to_numpy(),
                         "value": values}, columns=["record_id", "field", "value"])


def human_reference(project, against: str = "gold+consensus") -> pd.DataFrame:
    """The team's values as a wide frame (index record_id): gold, consensus, or gold over consensus."""
    if against not in ("gold+consensus", "consensus", "gold"):
        raise ValueError(f"against must be 'gold+consensus', 'consensus' or 'gold', got {against!r}")
    if against != "gold":
        return human_values(project, gold=against == "gold+consensus")
    pr = project.fold().per_reviewer
    g = pr[pr["kind"] == "gold"].drop_duplicates(["record_id", "target"], keep="last")
    vals = [_key(t, v) for t, v in zip(g["target"], g["value"])]
    long = pd.DataFrame({"record_id": g["record_id"], "field": g["target"], "value": vals})
    return long.pivot(index="record_id", columns="field", values="value") if len(long) else pd.DataFrame()


def record_categories(project, human: pd.DataFrame | None = None) -> pd.Series:
    """record_id -> category: the team's (gold or consensus) where known, else the source's."""
    human = human_values(project) if human is None else human
    cats = pd.Series(project.dataset.table.column("category").to_pylist(), index=project.dataset.ids,
                     dtype=object)
    if "category" in human:
        known = human["category"].dropna()
        cats.loc[known.index] = known.to_numpy()
    return cats


def _stats(m: list, h: list, ordinal: bool) -> dict[str, Any]:
    """n, raw agreement, kappa and alpha; kappa and alpha are NaN when the team gave one value only
    (chance agreement is then undefined and a kappa of 0 would read as "no better than chance")."""
    n = len(m)
    if len(set(h)) < 2:
        agree = float(np.mean([a == b for a, b in zip(m, h)])) if n else np.nan
        return {"n": n, "agreement": round(agree, 4) if n else np.nan, "kappa": np.nan, "alpha": np.nan}
    agree = float(np.mean([a == b for a, b in zip(m, h)])) if n else np.nan
    if ordinal:
        mv, hv = np.asarray(m, dtype=float), np.asarray(h, dtype=float)
        labels = sorted(set(mv) | set(hv))
        kappa = cohen_kappa(mv, hv, weights="quadratic", labels=labels) if n >= 2 else np.nan
        alpha = krippendorff_alpha(np.vstack([mv, hv]), level="interval") if n >= 2 else np.nan
    else:
        codes = {v: i for i, v in enumerate(sorted({*m, *h}, key=str))}
        mc, hc = [codes[v] for v in m], [codes[v] for v in h]
        kappa = cohen_kappa(mc, hc) if n >= 2 else np.nan
        alpha = krippendorff_alpha(np.array([mc, hc], dtype=float), level="nominal") if n >= 2 else np.nan
    return {"n": n, "agreement": round(agree, 4) if n else np.nan,
            "kappa": round(float(kappa), 4) if kappa == kappa else np.nan,
            "alpha": round(float(alpha), 4) if alpha == alpha else np.nan}


def crosscheck(project, source: str | None = "judge", agent: str | None = None, model=None,
               fields: list[str] | None = None, against: str = "gold+consensus", min_items: int = 3,
               threshold: float = 0.4, min_agreement: float = 0.6) -> pd.DataFrame:
    """Agreement between the machine and the team, per field and record category.

    Parameters
    ----------
    project : Project
    source, agent, model
        Which machine answers (see :func:`machine_values`); ``source=None`` takes every suggestion.
    fields : list of str, optional
        Only these fields (default: every field both answered).
    against : {"gold+consensus", "consensus", "gold"}
        The human reference.
    min_items : int
        Categories with fewer shared records are reported but never flagged.
    threshold, min_agreement : float
        A category is flagged when its kappa is below ``threshold`` (the "low" band) or, where kappa
        is undefined (e.g. one value throughout), its raw agreement is below ``min_agreement``.

    Returns
    -------
    DataFrame
        :data:`REPORT_COLUMNS`; one ``"(all)"`` row per field, then its categories worst first.
    """
    machine = machine_values(project, source, agent, model)
    human = human_reference(project, against)
    cats = record_categories(project, human)
    g = project.guidelines
    ordinal_fields = {"overall", *(c.name for c in g.criteria)}
    rows = []
    for field in sorted(set(machine["field"]) if fields is None else fields):
        if field not in human:
            continue
        mf = machine[machine["field"] == field].drop_duplicates("record_id", keep="last")
        mf = mf.set_index("record_id")
        ref = human[field].map(lambda v, f=field: _key(f, v)).dropna()
        shared = [r for r in mf.index if r in ref.index and mf.at[r, "value"] is not None]
        if not shared:
            continue
        frame = pd.DataFrame({"m": [mf.at[r, "value"] for r in shared], "h": [ref.at[r] for r in shared],
                              "category": [cats.get(r) or "(none)" for r in shared]}, index=shared)
        ordinal = field in ordinal_fields
        part = [{"field": field, "category": ALL, **_stats(list(frame["m"]), list(frame["h"]), ordinal)}]
        for cat, sub in frame.groupby("category", sort=True):
            part.append({"field": field, "category": cat, **_stats(list(sub["m"]), list(sub["h"]), ordinal)})
        for row in part:
            k = row["kappa"]
            low = (k < threshold) if k == k else (row["agreement"] < min_agreement)
            row["band"] = interpret(k)
            row["flagged"] = bool(row["category"] != ALL and row["n"] >= min_items and low)
        head, rest = part[0], sorted(part[1:], key=lambda r: (not r["flagged"], _sortable(r["kappa"]),
                                                               r["agreement"]))
        rows += [head, *rest]
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _sortable(v: float) -> float:
    return v if v == v else 2.0


def review_queue(project, report: pd.DataFrame | None = None, **kw: Any) -> list[str]:
    """Record ids to send to humans: in flagged categories, where the machine and the team differ."""
    report = crosscheck(project, **kw) if report is None else report
    flagged = report[report["flagged"]]
    if flagged.empty:
        return []
    machine = machine_values(project, kw.get("source", "judge"), kw.get("agent"), kw.get("model"))
    human = human_reference(project, kw.get("against", "gold+consensus"))
    cats = record_categories(project, human)
    out = []
    for field, cat in zip(flagged["field"], flagged["category"]):
        mf = machine[machine["field"] == field]
        for rid, value in zip(mf["record_id"], mf["value"]):
            h = human.at[rid, field] if rid in human.index else None
            if (cats.get(rid) or "(none)") == cat and h is not None and _key(field, h) != value:
                out.append(rid)
    return list(dict.fromkeys(out))
