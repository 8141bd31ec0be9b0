"""Toxicity and safety: a maintained lexicon per category, a small shipped classifier, and Detoxify
when it is installed.

The classifier (``toxicity``: hashed word and character n-grams + logistic regression, numpy inference,
weights trained on public sets under MIT, CC BY 4.0, CC0 and Apache-2.0/ODC-By, see its card) scores every
response in ``toxicity_score``; a score at or above ``classifier_threshold`` is an issue, as is a harm
category of the lexicons, which also give the per-category tags. Measured quality on a public test set
it was not trained on (OLID): ``benchmarks/bench_signal_quality_toxicity.py``.

The lexicons (``lexicons/*.txt``, see their README) are compiled into one RE2 alternation per category
and matched case-insensitively on word boundaries with Arrow (threaded). A first pass with the union
of all categories finds the few rows with any hit; the per-category passes run on those rows only.
No model is downloaded: Detoxify is used only when it is importable *and* its weights load offline.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.quality import textops
from workbench.quality.base import Signal, SignalContext, SignalResult, without_working

LEXICON_DIR = Path(__file__).with_name("lexicons")
HARM_CATEGORIES = ("profanity", "hate", "violence", "self_harm", "sexual", "dangerous")
TOPIC_CATEGORIES = ("health", "legal")
CATEGORIES = HARM_CATEGORIES + TOPIC_CATEGORIES


@cache
def load_lexicon(category: str, directory: str = str(LEXICON_DIR)) -> tuple[str, ...]:
    """The terms of one category (decoded when the file is ROT13)."""
    path = Path(directory) / f"{category}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    rot13 = bool(lines) and lines[0].strip().lower() == "# encoding: rot13"
    terms = []
    for line in lines:
        line = line.split("#", 1)[0].strip().lower()
        if line:
            terms.append(codecs.decode(line, "rot13") if rot13 else line)
    return tuple(dict.fromkeys(terms))


def term_pattern(terms) -> str:
    """One RE2 pattern matching any of ``terms`` on word boundaries (``*`` = any word ending)."""
    parts = []
    for t in sorted(terms, key=len, reverse=True):
        wild = t.endswith("*")
        body = r"\s+".join(re.escape(w) for w in t.rstrip("*").split())
        parts.append(body + (r"\w*" if wild else ""))
    return r"\b(?:" + "|".join(parts) + r")\b" if parts else r"$^"


@cache
def category_patterns(categories: tuple[str, ...], directory: str = str(LEXICON_DIR)) -> dict[str, str]:
    return {c: term_pattern(load_lexicon(c, directory)) for c in categories}


def load_detoxify(variant: str = "original"):
    """(Detoxify model, "") if detoxify is installed and its weights are already on disk, else (None, why).

    Never downloads: the checkpoint must be in torch's hub cache and the tokenizer in the Hugging Face
    cache (loaded with ``HF_HUB_OFFLINE=1``), so a report never reaches the network.
    """
    import importlib.util
    import os

    if importlib.util.find_spec("detoxify") is None:
        return None, "detoxify is not installed (lexicon only)"
    try:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before transformers is imported: it reads it once
        import torch
        from detoxify import detoxify as dx

        url = getattr(dx, "MODEL_URLS", {}).get(variant, "")
        ckpt = Path(torch.hub.get_dir()) / "checkpoints" / Path(url).name
        if not url or not ckpt.exists():
            return None, f"detoxify weights not cached at {ckpt} (no download at run time)"
        return dx.Detoxify(variant, checkpoint=str(ckpt)), ""
    except Exception as exc:  # any failure leaves the lexicon detector in charge
        return None, f"{type(exc).__name__}: {exc}".splitlines()[0][:200]


def lexicon_hits(texts, categories=CATEGORIES, directory: str = str(LEXICON_DIR)) -> dict[str, np.ndarray]:
    """Term hits per category for each text (case-insensitive: RE2's ``(?i)`` costs no more than a
    lower-cased copy of the column would)."""
    arr = textops.as_strings(texts)
    pats = category_patterns(tuple(categories), directory)
    out = {c: np.zeros(len(arr), dtype=np.int64) for c in categories}
    if not len(arr) or not pats:
        return out
    rows = np.flatnonzero(textops.regex_match(arr, "(?i)" + "|".join(f"(?:{p})" for p in pats.values())))
    if len(rows):
        sub = arr.take(pa.array(rows, pa.int64()))
        for c, p in pats.items():
            out[c][rows] = textops.regex_count(sub, "(?i)" + p)
    return out


class SafetySignal(Signal):
    """Safety categories hit by the response (issues) and by the prompt (reported).

    Columns: ``safety_<category>`` (hits in the response), ``safety_categories`` /
    ``safety_prompt_categories`` (comma-separated), ``toxicity_score`` (the shipped classifier's
    probability for the response) and ``toxicity_model`` when Detoxify runs.
    Issue: a harm category (not the sensitive topics health/legal) in the response, a classifier score
    at or above ``classifier_threshold``, or a Detoxify toxicity above ``model_threshold``.
    Score: ``1 / (1 + harm hits)``, capped by ``1 - toxicity`` when a toxicity flags the record.
    """

    name = "safety"
    version = "4"
    batchable = True

    @dataclass(frozen=True)
    class Config:
        categories: tuple[str, ...] = CATEGORIES
        issue_categories: tuple[str, ...] = HARM_CATEGORIES
        use_model: bool = True  # Detoxify, only if importable and loadable offline
        model_threshold: float = 0.5
        use_classifier: bool = True  # the shipped n-gram classifier (workbench.quality.toxicity)
        # above the model card's threshold (0.38, chosen for F1 on tweets) on purpose: with the lexicons
        # the rule has the best F1 on OLID's training tweets (dev) whose flags stay <= 0.5% of a clean
        # instruction set (0.5% at 0.44, 1.3% at 0.38) (benchmarks/bench_signal_quality_toxicity.py)
        classifier_threshold: float = 0.44
        lexicon_dir: str = str(LEXICON_DIR)

    def setup(self) -> None:
        self._model = None
        self._model_error = "not requested"
        if self.config.use_model:
            self._model, self._model_error = load_detoxify()

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        self.ensure_setup()
        c = self.config
        views = ctx.views(table)
        n = views.n
        resp = lexicon_hits(views.response, c.categories, c.lexicon_dir)
        prompt = lexicon_hits(views.prompt, c.categories, c.lexicon_dir)
        harm = sum((resp[k] for k in c.issue_categories if k in resp), np.zeros(n, dtype=np.int64))
        score = 1.0 / (1.0 + harm)
        issue = harm > 0
        cols = {f"safety_{k}": v for k, v in resp.items()}
        cols["safety_categories"] = _joined(resp, n)
        cols["safety_prompt_categories"] = _joined(prompt, n)
        if c.use_classifier:
            from workbench.quality.toxicity import toxicity_scores

            clf = toxicity_scores(views.response)
            cols["toxicity_score"] = np.round(clf.astype(float), 4)
            issue = issue | (clf >= c.classifier_threshold)
            score = np.minimum(score, np.where(clf >= c.classifier_threshold, 1.0 - clf, 1.0))
        if self._model is not None:
            tox = self._toxicity(views.response)
            cols["toxicity_model"] = tox
            issue = issue | (tox > c.model_threshold)
            score = np.minimum(score, 1.0 - tox)
        return pd.DataFrame({f"is_{self.name}_issue": issue, f"{self.name}_score": np.clip(score, 0, 1),
                             **cols, **{f"_prompt_{k}": v for k, v in prompt.items()}})

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        self.ensure_setup()
        c = self.config
        resp = {k: rows[f"safety_{k}"].to_numpy() for k in c.categories}
        prompt = {k: rows[f"_prompt_{k}"].to_numpy() for k in c.categories}
        info = {"lexicon_terms": {k: len(load_lexicon(k, c.lexicon_dir)) for k in c.categories},
                "model": "detoxify" if self._model is not None else None, "model_note": self._model_error}
        if c.use_classifier:
            info["classifier"] = ("hashed word and char n-grams + logistic regression "
                                  "(models/toxicity_card.json)")
        ids = keys.column("id").to_numpy(zero_copy_only=False)
        anywhere = {k: (resp[k] > 0) | (prompt[k] > 0) for k in c.categories}
        summary = {
            "counts": {k: int(v.sum()) for k, v in anywhere.items()},
            "response": {k: int((v > 0).sum()) for k, v in resp.items()},
            "prompt": {k: int((v > 0).sum()) for k, v in prompt.items()},
            "issue_categories": list(c.issue_categories),
            "examples": {k: textops.example_ids(ids, resp[k] > 0, 3) for k in c.categories if resp[k].any()},
        }
        return self.result(without_working(rows), summary, info)

    def _toxicity(self, texts: pa.Array, batch: int = 64) -> np.ndarray:
        if self._model is None:
            raise RuntimeError("Detoxify is not loaded")
        values = texts.to_pylist()
        out = np.zeros(len(values))
        for lo in range(0, len(values), batch):
            pred = self._model.predict(values[lo:lo + batch])
            out[lo:lo + batch] = np.asarray(pred["toxicity"], dtype=float)
        return out


def _joined(hits: dict[str, np.ndarray], n: int) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    anyhit = np.zeros(n, dtype=bool)
    for v in hits.values():
        anyhit |= v > 0
    for i in np.flatnonzero(anyhit).tolist():  # only rows with hits
        out[i] = ",".join(k for k, v in hits.items() if v[i])
    return out
