"""Combining labeling-function votes: majority vote, an accuracy-weighted label model, and the report.

The label model is the one-parameter-per-function ("one coin") model: function *j* is right with
probability ``a_j`` and otherwise votes one of the other ``K - 1`` classes uniformly, so the
posterior of class *c* is proportional to ``prod_j a_j`` over the functions voting *c* times
``prod_j (1 - a_j) / (K - 1)`` over the functions voting something else. Accuracies are measured on
the records the team has labelled (Laplace-smoothed); a function the team's labels do not cover is
scored by its agreement with the other functions' majority, else a prior of 0.7.

Votes are encoded once per target as integer class codes (-1 = abstain), so every step is a numpy
operation over whole columns.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.assist.common import human_values, short_hash, suggestion_payload, write_suggestions

REPORT_COLUMNS = ["name", "target", "origin", "labels", "coverage", "overlap", "conflict", "n_human",
                  "accuracy", "weight_accuracy"]
PRIOR_ACCURACY = 0.7
METHODS = ("majority", "weighted")


def human_targets(project) -> dict[str, pd.Series]:
    """The team's values per labeling target ("category", "tag:<name>", "low_quality")."""
    hv = human_values(project)
    out: dict[str, pd.Series] = {}
    if "category" in hv:
        out["category"] = hv["category"].dropna()
    if "tags" in hv:
        known = hv["tags"].dropna()
        for tag in set(project.guidelines.tags) | {t for v in known for t in v}:
            out[f"tag:{tag}"] = known.map(lambda v, t=tag: t in v)
    out["low_quality"] = hv["low_quality"].dropna().astype(bool)
    return out


def _targets(votes: pd.DataFrame) -> dict[str, str]:
    return dict(votes.attrs.get("targets") or {c: "category" for c in votes.columns})


def _classes(target: str, seen: set, given: list | None = None) -> list:
    if target != "category":
        return [True, False]
    given = list(given or [])
    return given + sorted(seen - set(given), key=str)


def _encode(votes: pd.DataFrame, names: list[str], cls: list) -> np.ndarray:
    """Votes of ``names`` as class codes (records x functions; -1 where a function abstains)."""
    index = {c: i for i, c in enumerate(cls)}
    codes = np.full((len(votes), len(names)), -1, dtype=np.int64)
    for j, name in enumerate(names):
        codes[:, j] = pd.Series(votes[name].to_numpy(dtype=object)).map(index).fillna(-1).to_numpy(np.int64)
    return codes


def _counts(codes: np.ndarray, k: int) -> np.ndarray:
    """Votes per class per record (records x classes)."""
    out = np.zeros((len(codes), k), dtype=np.int64)
    for j in range(codes.shape[1]):
        hit = codes[:, j] >= 0
        np.add.at(out, (np.flatnonzero(hit), codes[hit, j]), 1)
    return out


def _per_target(votes: pd.DataFrame, classes: dict[str, list] | None = None,
                human: dict[str, pd.Series] | None = None):
    """(target, function names, classes, codes) for every target of ``votes``.

    The classes are the given ones, then every value voted or (``human``) given by the team.
    """
    targets = _targets(votes)
    for target in sorted(set(targets.values())):
        names = [n for n, t in targets.items() if t == target]
        seen = {v for n in names for v in votes[n].dropna()}
        seen |= set((human or {}).get(target, pd.Series(dtype=object)).dropna())
        cls = _classes(target, seen, (classes or {}).get(target))
        yield target, names, cls, _encode(votes, names, cls)


def accuracies(votes: pd.DataFrame, human: dict[str, pd.Series] | None = None,
               min_human: int = 5) -> pd.DataFrame:
    """Per function: accuracy against the team's values (``n_human`` compared) and the weight accuracy.

    ``weight_accuracy`` is the smoothed accuracy the label model uses: against the team when at least
    ``min_human`` of its votes can be checked, else against the other functions' strict majority,
    else :data:`PRIOR_ACCURACY`; clipped to [0.01, 0.99].
    """
    human = human or {}
    rows = []
    for target, names, cls, codes in _per_target(votes, human=human):
        truth_values = human.get(target, pd.Series(dtype=object)).reindex(votes.index)
        truth = _encode(pd.DataFrame({"t": truth_values.astype(object)}, index=votes.index), ["t"], cls)[:, 0]
        counts = _counts(codes, len(cls))
        for j, name in enumerate(names):
            v = codes[:, j]
            check = (v >= 0) & (truth >= 0)
            n, correct = int(check.sum()), int((v[check] == truth[check]).sum())
            if n >= min_human:
                weight = (correct + 1) / (n + 2)
            else:
                others = counts.copy()
                own = v >= 0
                others[np.flatnonzero(own), v[own]] -= 1
                top = others.max(axis=1)
                strict = (top > 0) & ((others == top[:, None]).sum(axis=1) == 1)
                both = own & strict
                agree = int((others.argmax(axis=1)[both] == v[both]).sum())
                weight = (agree + 1) / (both.sum() + 2) if both.any() else PRIOR_ACCURACY
            rows.append({"name": name, "n_human": n, "accuracy": correct / n if n else np.nan,
                         "weight_accuracy": float(np.clip(weight, 0.01, 0.99))})
    return pd.DataFrame(rows, columns=["name", "n_human", "accuracy", "weight_accuracy"]).set_index("name")


def combine(votes: pd.DataFrame, method: str = "majority", acc: pd.DataFrame | None = None,
            classes: dict[str, list] | None = None) -> dict[str, pd.DataFrame]:
    """Combined label per target: {target: DataFrame(index record_id; value, score, n_votes)}.

    ``majority``: the most voted value (a tie abstains), score = its share of the votes.
    ``weighted``: the label model's most probable value, score = its posterior probability.
    Records no function voted on are left out.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if method == "weighted" and acc is None:
        acc = accuracies(votes)
    out = {}
    for target, names, cls, codes in _per_target(votes, classes):
        k = len(cls)
        voted = codes >= 0
        n_votes = voted.sum(axis=1)
        if method == "majority":
            score = _counts(codes, k).astype(float)
            top = score.max(axis=1)
            keep = (n_votes > 0) & ((score == top[:, None]).sum(axis=1) == 1)
            conf = top / np.maximum(n_votes, 1)
        else:
            score = np.zeros((len(codes), k))
            for j, name in enumerate(names):
                a = float(acc.at[name, "weight_accuracy"])
                right, wrong = np.log(a), np.log((1 - a) / max(k - 1, 1))
                score[voted[:, j]] += wrong  # every class but the voted one
                hit = np.flatnonzero(voted[:, j])
                score[hit, codes[hit, j]] += right - wrong
            post = np.exp(score - score.max(axis=1, keepdims=True))
            post /= post.sum(axis=1, keepdims=True)
            keep, conf = n_votes > 0, post.max(axis=1)
        best = score.argmax(axis=1)
        out[target] = pd.DataFrame({"value": [cls[b] for b in best[keep]], "score": conf[keep].round(4),
                                    "n_votes": n_votes[keep]}, index=votes.index[keep])
    return out


def lf_report(votes: pd.DataFrame, human: dict[str, pd.Series] | None = None,
              acc: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per function: coverage, overlap and conflict (shares of all records), accuracy against the team.

    overlap: the function votes and another function on its target votes too; conflict: another
    function on its target votes a different value.
    """
    acc = acc if acc is not None else accuracies(votes, human)
    origins = votes.attrs.get("origins", {})
    n = max(len(votes), 1)
    rows = []
    for target, names, cls, codes in _per_target(votes):
        voted = codes >= 0
        n_votes = voted.sum(axis=1)
        counts = _counts(codes, len(cls))
        for j, name in enumerate(names):
            own = voted[:, j]
            same = np.zeros(len(codes), dtype=np.int64)
            same[own] = counts[np.flatnonzero(own), codes[own, j]]
            rows.append({"name": name, "target": target, "origin": origins.get(name, "python"),
                         "labels": sorted({str(cls[c]) for c in np.unique(codes[own, j])}),
                         "coverage": round(own.sum() / n, 4),
                         "overlap": round((own & (n_votes > 1)).sum() / n, 4),
                         "conflict": round((own & (n_votes - same > 0)).sum() / n, 4),
                         "n_human": int(acc.at[name, "n_human"]), "accuracy": acc.at[name, "accuracy"],
                         "weight_accuracy": round(float(acc.at[name, "weight_accuracy"]), 4)})
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def suggest_from_votes(project, votes: pd.DataFrame, lfs: list, method: str = "weighted",
                       agent: str = "model:labeling-functions"):
    """Combine ``votes`` and store suggestions for records the team has not labelled; see labeling.suggest."""
    human = human_targets(project)
    acc = accuracies(votes, human)
    combined = combine(votes, method, acc, {"category": list(project.guidelines.categories)})
    targets = _targets(votes)
    version = short_hash({"functions": [[lf.name, lf.target, lf.origin, lf.source, str(lf.label)]
                                        for lf in lfs], "method": method})
    hv = human_values(project)
    pos = pd.Series(np.arange(len(votes)), index=votes.index)

    def labelled(column: str) -> set[str]:
        return set(hv.index[hv[column].notna()]) if column in hv else set()

    extra = {"source": "labeling", "version": version, "method": method}
    rows = []
    for target in ("category", "low_quality"):
        names = [n for n, t in targets.items() if t == target]
        frame, done = combined.get(target), labelled(target)
        if frame is None:
            continue
        frame = frame[~frame.index.isin(done)]
        V = votes[names].to_numpy(dtype=object)[pos[frame.index].to_numpy()]
        for i, (rid, value, score) in enumerate(frame[["value", "score"]].itertuples()):
            cast = {n: v for n, v in zip(names, V[i]) if v is not None}
            rows.append((rid, target, suggestion_payload(value, score, agent, votes=cast, **extra)))
    done = labelled("tags")
    per_record: dict[str, dict[str, float]] = {}
    for target, frame in combined.items():
        if target.startswith("tag:"):
            hit = frame[(frame["value"] == True) & ~frame.index.isin(done)]  # noqa: E712 - object column
            for rid, score in hit["score"].items():
                per_record.setdefault(rid, {})[target[4:]] = float(score)
    for rid, tags in per_record.items():
        rows.append((rid, "tags", suggestion_payload(sorted(tags), min(tags.values()), agent,
                                                     probs=tags, **extra)))
    return write_suggestions(project, agent, rows), lf_report(votes, human, acc)
