"""Coverage: category distribution against the guidelines' target mix, task types and languages."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.quality import textops
from workbench.quality.base import Signal, SignalContext, SignalResult

NO_CATEGORY = "(none)"
# Task types in priority order: the first pattern that matches the prompt (any case) wins. A heuristic
# on purpose: it needs no model, is explainable, and is only a coverage estimate.
TASK_PATTERNS: tuple[tuple[str, str], ...] = (
    ("code", r"```|\b(?:python|javascript|typescript|golang|c\+\+|sql query|regex|bash script|source code"
             r"|code snippet|stack ?trace|compile error|syntax error|unit test|write (?:a|the) (?:function|script"
             r"|program|class|query))\b"),
    ("summarization", r"\b(?:summari[sz]\w*|tl;?dr|sum up|key points|main points|condense)\b"),
    ("translation", r"\btranslat\w*\b"),
    ("classification", r"\b(?:classify|categori[sz]e|which category|sentiment of|is this (?:spam|positive"
                       r"|negative))\b"),
    ("rewriting", r"\b(?:rewrite|rephrase|paraphrase|reword|proofread|fix (?:the |my )?grammar|make (?:it|this)"
                  r" (?:more|less|shorter|longer)|improve (?:this|the|my) (?:text|writing|paragraph|email))\b"),
    ("creative_writing", r"\b(?:write (?:a|an|me a) (?:poem|story|song|haiku|limerick|short story|joke|tale)"
                         r"|poem|once upon a time)\b"),
    ("reasoning", r"\b(?:step by step|prove that|calculate|solve|how many|puzzle|riddle|deduce)\b"
                  r"|\d+\s*[-+*/×x]\s*\d+"),
    ("extraction", r"\b(?:extract|list all|find all|pull out)\b"),
)
TASK_TYPES = tuple(t for t, _ in TASK_PATTERNS) + ("dialogue", "qa", "other")


def task_types(prompts, user_turns: np.ndarray) -> np.ndarray:
    """A task type per record (see ``TASK_PATTERNS``); multi-turn records default to dialogue, questions
    to qa, everything else to other."""
    arr = textops.as_strings(prompts)
    user_turns = np.asarray(user_turns)
    out = np.full(len(arr), "", dtype=object)
    todo = np.ones(len(arr), dtype=bool)
    for name, pattern in TASK_PATTERNS:
        hit = todo & textops.regex_match(arr, "(?i)" + pattern)
        out[hit] = name
        todo &= ~hit
    dialogue = todo & (user_turns >= 2)
    out[dialogue] = "dialogue"
    todo &= ~dialogue
    qa = todo & textops.regex_match(arr, r"(?i)\?|^\s*(?:what|how|why|when|where|who|which|can|could|is|are|do|does)\b")
    out[qa] = "qa"
    out[todo & ~qa] = "other"
    return out


def distribution(values: np.ndarray) -> dict[str, dict]:
    counts = pd.Series(values).value_counts()
    total = max(int(counts.sum()), 1)
    return {str(k): {"count": int(v), "share": round(int(v) / total, 4)} for k, v in counts.items()}


class CoverageSignal(Signal):
    """Category shares against the target mix, task types and languages.

    Columns: ``task_type``, ``category_share``, ``category_target``. Issue: the record's category is
    over-represented (share above target x (1 + tolerance)) or not a category of the guidelines.
    Score: target / share for over-represented categories, 0.5 for unknown ones, else 1.
    """

    name = "coverage"
    requires = ("language",)
    uses_guidelines = True

    @dataclass(frozen=True)
    class Config:
        tolerance: float = 0.5

    def compute(self, table: pa.Table, ctx: SignalContext) -> SignalResult:
        gl, views = ctx.guidelines, ctx.views(table)
        n = views.n
        cats = np.where(views.categories == "", NO_CATEGORY, views.categories).astype(object)
        dist = distribution(cats)
        target = dict(gl.target_mix)
        share = pd.Series(cats).map({k: v["share"] for k, v in dist.items()}).to_numpy(dtype=float)
        tgt = pd.Series(cats).map(target).to_numpy(dtype=float)  # NaN where no target
        over = np.nan_to_num(share) > np.nan_to_num(tgt, nan=np.inf) * (1 + self.config.tolerance)
        known = set(gl.categories) | set(target)
        unknown = np.zeros(n, dtype=bool)
        if known:  # a record without a category is not "unknown": many datasets have none at all
            unknown = ~pd.Series(cats).isin(known | {NO_CATEGORY}).to_numpy()
        score = np.where(over, np.divide(tgt, share, out=np.ones(n), where=share > 0), 1.0)
        score = np.where(unknown, np.minimum(score, 0.5), score)
        user_turns = np.bincount(views.turns.parent[views.turns.role == "user"], minlength=n)
        tasks = task_types(views.prompt, user_turns)
        frame = pd.DataFrame({f"is_{self.name}_issue": over | unknown, f"{self.name}_score": np.clip(score, 0, 1),
                              "task_type": tasks, "category_share": share, "category_target": tgt})
        categories = {}
        # data without any category cannot be measured against a target mix: say so instead of
        # reporting every target as missing beside one "(none)" bar
        unmeasured = bool(target) and set(dist) == {NO_CATEGORY}
        for name in list(dist) + [k for k in target if k not in dist]:
            row = dist.get(name, {"count": 0, "share": 0.0})
            t = target.get(name)
            status = "no target"
            if t is not None and unmeasured:
                status = "unmeasured"
            elif t is not None:
                ratio = row["share"] / t if t else np.inf
                status = ("over" if ratio > 1 + self.config.tolerance else
                          "under" if ratio < 1 / (1 + self.config.tolerance) else "ok")
            categories[name] = {**row, "target": t,
                                "deviation": None if t is None else round(row["share"] - t, 4), "status": status}
        lang = ctx.results.get("language")
        summary = {
            "categories": categories,
            "task_types": distribution(tasks),
            "languages": lang.summary.get("languages", {}) if lang is not None else {},
            "over_represented": [k for k, v in categories.items() if v["status"] == "over"],
            "under_represented": [k for k, v in categories.items() if v["status"] == "under"],
            "missing": [k for k, v in categories.items() if v["count"] == 0 and v["status"] != "unmeasured"],
            "unmeasured": "the data has no category column" if unmeasured else None,
            "unknown_categories": sorted({str(c) for c in cats[unknown]}),
            "tolerance": self.config.tolerance,
        }
        return self.result(frame, summary)
