"""Suggestions from the team's own labels: TF-IDF + logistic regression, calibrated where data allows.

One model per label: the category (multi-class), each tag (one-vs-rest, binary) and a low-quality
flag (overall rating 2 or less, or rejected). Each is trained on the project's consolidated human
values only, cross-validated (accuracy against the majority-class baseline, per label), and its
out-of-fold probabilities are kept so the model can be compared with the team on the very records
it learnt from (see :mod:`workbench.assist.active` and :mod:`workbench.assist.crosscheck`).

>>> model = train(project)                 # doctest: +SKIP
>>> model.report()                          # doctest: +SKIP
>>> suggest(project, model=model)           # doctest: +SKIP
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.assist.active import entropy, margin
from workbench.assist.common import (
    assist_settings,
    human_values,
    record_texts,
    short_hash,
    suggestion_payload,
    write_suggestions,
)
from workbench.model.events import Event

AGENT = "model:tfidf-logreg"
DEFAULT_PARAMS: dict[str, Any] = {"ngram_range": [1, 2], "min_df": 1, "max_features": 50000,
                                  "sublinear_tf": True, "C": 4.0, "seed": 0}
REPORT_COLUMNS = ["label", "n_train", "classes", "cv_folds", "cv_accuracy", "baseline", "calibrated", "note"]


@dataclass
class LabelModel:
    """One fitted label: its classes, estimator, cross-validated accuracy and out-of-fold probabilities."""

    name: str
    classes: list[Any]
    estimator: Any
    n_train: int
    cv_folds: int
    cv_accuracy: float | None
    baseline: float
    calibrated: bool
    oof: pd.DataFrame | None = None  # index record_id, one column per class

    def proba(self, texts) -> np.ndarray:
        """Class probabilities (columns in ``classes`` order) for an array of texts."""
        return self.estimator.predict_proba(list(texts))


@dataclass
class TextClassifier:
    """The fitted labels of one training run; ``version`` hashes the training data and parameters."""

    labels: dict[str, LabelModel]
    version: str
    n_labels: int
    params: dict[str, Any]
    skipped: dict[str, str] = field(default_factory=dict)
    agent: str = AGENT

    def report(self) -> pd.DataFrame:
        """Per label: training size, classes, cross-validated accuracy and majority-class baseline."""
        rows = [{"label": m.name, "n_train": m.n_train, "classes": len(m.classes), "cv_folds": m.cv_folds,
                 "cv_accuracy": m.cv_accuracy, "baseline": round(m.baseline, 4), "calibrated": m.calibrated,
                 "note": ""} for m in self.labels.values()]
        rows += [{"label": k, "n_train": 0, "classes": 0, "cv_folds": 0, "cv_accuracy": None,
                  "baseline": None, "calibrated": False, "note": why} for k, why in self.skipped.items()]
        return pd.DataFrame(rows, columns=REPORT_COLUMNS)

    def probabilities(self, project, label: str = "category", out_of_fold: bool = True) -> pd.DataFrame:
        """Probabilities for every record (index ``record_id``, one column per class).

        Records the model learnt from get their out-of-fold probabilities when ``out_of_fold`` (an
        honest view of how the model sees them), the others the fitted model's.
        """
        m = self.labels.get(label)
        if m is None:
            raise ValueError(f"no model for {label!r}; trained: {', '.join(self.labels) or 'none'}")
        ids = project.dataset.ids
        out = pd.DataFrame(m.proba(record_texts(project.edited_table())), index=ids, columns=m.classes)
        if out_of_fold and m.oof is not None:
            out.loc[m.oof.index] = m.oof[m.classes].to_numpy()
        out.index.name = "record_id"
        return out


def training_sets(project) -> dict[str, pd.Series]:
    """Label name -> consolidated human values by record id ("category", "tag:<name>", "low_quality")."""
    hv = human_values(project)
    sets: dict[str, pd.Series] = {}
    if "category" in hv:
        sets["category"] = hv["category"].dropna().astype(str)
    if "tags" in hv:
        known = hv["tags"].dropna()
        names = list(project.guidelines.tags) or sorted({t for v in known for t in v})
        for tag in names:
            sets[f"tag:{tag}"] = known.map(lambda v, t=tag: t in v).astype(bool)
    sets["low_quality"] = hv["low_quality"].dropna().astype(bool)
    return {k: v for k, v in sets.items() if len(v)}


def count_labels(project) -> int:
    """How many values the team has given for the trained fields (what ``retrain_every`` counts).

    A record's category, its tag set and its low-quality flag count one each.
    """
    hv = human_values(project)
    return int(sum(hv[c].notna().sum() for c in ("category", "tags", "low_quality") if c in hv))


def _pipeline(params: dict[str, Any], calibrate: bool):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    vec = TfidfVectorizer(ngram_range=tuple(params["ngram_range"]), min_df=params["min_df"],
                          max_features=params["max_features"], sublinear_tf=params["sublinear_tf"])
    lr = LogisticRegression(C=params["C"], max_iter=2000)
    return make_pipeline(vec, CalibratedClassifierCV(lr, cv=3, method="sigmoid") if calibrate else lr)


def _fit_label(name: str, y: pd.Series, texts: np.ndarray, params: dict[str, Any],
               settings: dict[str, Any]) -> LabelModel | str:
    """A fitted :class:`LabelModel`, or the reason the label was not trained."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    counts = y.value_counts()
    if len(y) < settings["min_examples"]:
        return f"{len(y)} labelled records, fewer than min_examples={settings['min_examples']}"
    if len(counts) < 2:
        return f"only one class seen ({counts.index[0]})"
    calibrate = int(counts.min()) >= settings["calibrate_min"]
    classes = sorted(counts.index.tolist())
    yv = y.to_numpy()
    folds = int(min(settings["cv_folds"], counts.min()))
    oof, acc = None, None
    from threadpoolctl import threadpool_limits

    # BLAS threads only add overhead to these small sparse fits; tiny folds make sklearn chatty
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")
        if folds >= 2:
            cv = StratifiedKFold(folds, shuffle=True, random_state=params["seed"])
            p = cross_val_predict(_pipeline(params, calibrate), list(texts), yv, cv=cv,
                                  method="predict_proba")
            oof = pd.DataFrame(p, index=y.index, columns=classes)
            acc = round(float(np.mean(np.asarray(classes, dtype=object)[p.argmax(axis=1)] == yv)), 4)
        est = _pipeline(params, calibrate).fit(list(texts), yv)
    return LabelModel(name, classes, est, len(y), folds if folds >= 2 else 0, acc,
                      float(counts.max() / len(y)), calibrate, oof)


def train(project, labels: list[str] | None = None, params: dict[str, Any] | None = None,
          **settings: Any) -> TextClassifier:
    """Fit one model per label on the team's consolidated labels.

    Parameters
    ----------
    project : Project
    labels : list of str, optional
        Which labels ("category", "tag:<name>", "low_quality"); default every label with data.
    params : dict, optional
        Overrides of :data:`DEFAULT_PARAMS` (n-grams, vocabulary, C, seed).
    **settings
        Overrides of the assist settings: ``min_examples`` (per label), ``cv_folds``,
        ``calibrate_min`` (smallest class size for sigmoid calibration).

    Returns
    -------
    TextClassifier
        With ``report()``; labels without enough data are listed in ``skipped``.
    """
    params = {**DEFAULT_PARAMS, **(params or {})}
    st = assist_settings(project, **settings)
    sets = training_sets(project)
    if labels is not None:
        sets = {k: v for k, v in sets.items() if k in labels}
    texts = record_texts(project.edited_table())
    ids = project.dataset.ids
    fitted, skipped = {}, {}
    for name, y in sets.items():
        result = _fit_label(name, y, texts[ids.get_indexer(y.index)], params, st)
        if isinstance(result, str):
            skipped[name] = result
        else:
            fitted[name] = result
    data = {k: sorted(zip(v.index, map(str, v))) for k, v in sets.items()}
    version = short_hash({"params": params, "settings": {k: st[k] for k in ("min_examples", "cv_folds",
                          "calibrate_min")}, "source": project.fingerprint, "data": data})
    return TextClassifier(fitted, version, count_labels(project), params, skipped)


def retrain(project, model: TextClassifier | None = None, every: int | None = None, force: bool = False,
            **kw: Any) -> TextClassifier:
    """``model`` again, or a new one when forced, when there is none, or every N new labels.

    ``every`` defaults to the project's ``assist.retrain_every`` setting (50).
    """
    every = int(assist_settings(project, retrain_every=every)["retrain_every"])
    if model is None or force or count_labels(project) - model.n_labels >= every:
        return train(project, **kw)
    return model


def suggest(project, model: TextClassifier | None = None, records: list[str] | None = None,
            min_score: float = 0.0) -> list[Event]:
    """Store the model's suggestions for records the team has not labelled yet; return the new events.

    Targets: "category" (value: the class), "tags" (value: tags with probability 0.5 or more, score:
    the least confident tag decision) and "low_quality" (value: True/False). Each payload carries
    ``version`` (the model version), ``probs``, ``margin`` and ``entropy``. A rerun with the same
    model writes nothing.
    """
    model = model or train(project)
    hv = human_values(project)
    ids = project.dataset.ids
    pos = np.arange(len(ids)) if records is None else ids.get_indexer(records)
    if (pos < 0).any():
        raise ValueError(f"unknown record id {list(np.asarray(records)[pos < 0])[0]!r}")
    texts = record_texts(project.edited_table())
    rows: list[tuple[str, str, dict]] = []
    extra = {"version": model.version, "source": "classifier"}

    def todo(column: str) -> np.ndarray:
        done = set(hv.index[hv[column].notna()]) if column in hv else set()
        return np.array([p for p in pos if ids[p] not in done], dtype=np.int64)

    for name in ("category", "low_quality"):
        m, where = model.labels.get(name), todo(name)
        if m is None or not len(where):
            continue
        p = m.proba(texts[where])
        best, mg, en = p.argmax(axis=1), margin(p), entropy(p)
        for i, row in enumerate(p):
            score = float(row[best[i]])
            if score < min_score:
                continue
            value = m.classes[best[i]]
            value = bool(value) if name == "low_quality" else str(value)
            probs = {str(c): round(float(v), 4) for c, v in zip(m.classes, row)}
            rows.append((ids[where[i]], name, suggestion_payload(
                value, score, model.agent, probs=probs, margin=round(float(mg[i]), 4),
                entropy=round(float(en[i]), 4), **extra)))
    tag_models = {k[4:]: m for k, m in model.labels.items() if k.startswith("tag:")}
    where = todo("tags")
    if tag_models and len(where):
        probs = {t: m.proba(texts[where])[:, m.classes.index(True)] for t, m in tag_models.items()}
        for i, p in enumerate(where):
            pt = {t: float(v[i]) for t, v in probs.items()}
            score = min(max(v, 1 - v) for v in pt.values())
            if score >= min_score:
                rows.append((ids[p], "tags", suggestion_payload(
                    sorted(t for t, v in pt.items() if v >= 0.5), score, model.agent,
                    probs={t: round(v, 4) for t, v in pt.items()}, **extra)))
    return write_suggestions(project, model.agent, rows)


def auto_suggest(project, model: TextClassifier | None = None, every: int | None = None
                 ) -> tuple[TextClassifier, list[Event]]:
    """Retrain when due (see :func:`retrain`), then suggest; returns the model in use and new events."""
    model = retrain(project, model, every)
    return model, suggest(project, model=model)
