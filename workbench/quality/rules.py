"""Guideline rules, read from the project's guidelines: what must not appear in a response.

Two universal rules always run (forbidden phrases such as "As an AI language model", and unfilled
``{{placeholders}}``); the rules that only make sense for some data (needless apologies, refusals,
a length window, repeating the question, ``[Your Name]`` slots) run only when the guidelines switch
them on under ``rules:`` (off in the neutral defaults).

Every phrase rule is one case-insensitive RE2 alternation; one union pass over all responses finds
the rows that can break any phrase rule and the per-rule passes run on those rows only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.quality import textops
from workbench.quality.base import Signal, SignalContext, SignalResult
from workbench.quality.restate import restates_question
from workbench.quality.safety import HARM_CATEGORIES, lexicon_hits

RULES = ("forbidden_phrase", "apology", "unwarranted_refusal", "length_window", "repeats_question",
         "placeholder")
UNIVERSAL = ("forbidden_phrase", "placeholder")  # the others are guideline options (Guidelines.rules)
# a prompt that reports a problem makes an apology natural rather than needless
PROBLEM_WORDS = (r"(?i)\b(?:problem\w*|issue\w*|error\w*|wrong|broken|damaged|late|delay\w*|missing|lost|refund\w*"
                 r"|complain\w*|frustrat\w*|disappoint\w*|charged twice|overcharg\w*|not working|doesn['’]t work"
                 r"|didn['’]t|cancel\w*|angry|upset|bug\w*|crash\w*|fail\w*|mistake\w*|unacceptable)\b")
# unfilled in any data: {{name}}, [INSERT ...], [PLACEHOLDER], <your ...>
PLACEHOLDERS = (r"(?i)\{\{[^{}\n]{1,60}\}\}|\[(?:insert|placeholder)[^\]\n]{0,60}\](?:[^(]|$)"
                r"|<(?:insert|your)[^>\n]{0,60}>")
# "[Your Name]", "[Company]": a defect in support answers, but the expected output of "write an e-mail
# template" in general instruction data, so only with the bracket_placeholders option
BRACKET_PLACEHOLDERS = r"(?i)\[(?:your|name|company|customer|product|date|address)[^\]\n]{0,60}\](?:[^(]|$)"


def _slots(gl) -> str:
    """The unfilled-placeholder pattern under guidelines ``gl``."""
    return f"{PLACEHOLDERS}|{BRACKET_PLACEHOLDERS}" if gl.rule_on("bracket_placeholders") else PLACEHOLDERS


def phrase_pattern(phrases) -> str | None:
    """A case-insensitive RE2 pattern for ``phrases``: word boundaries, any whitespace, either apostrophe."""
    parts = []
    for p in sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True):
        words = [re.escape(w).replace("'", "['’]") for w in p.split()]
        parts.append(r"\s+".join(words))
    return r"(?i)\b(?:" + "|".join(parts) + r")\b" if parts else None


class GuidelineRulesSignal(Signal):
    """Responses that break the guidelines.

    Always (each a ``rule_<name>`` column): ``forbidden_phrase`` ("As an AI language model"...) and
    ``placeholder`` (an unfilled template slot such as ``{{name}}`` or ``[INSERT ...]``; also
    ``[Your Name]`` with the ``bracket_placeholders`` option). When the guidelines switch them on:
    ``apology`` (an apology phrase while the prompt reports no problem), ``unwarranted_refusal`` (a
    refusal phrase near the start of the response while the prompt hits no harm lexicon),
    ``length_window`` (response words outside the window, per category if configured),
    ``repeats_question`` (the response's opening holds >= 70% of the content words of a question of
    >= 6 content words; see :mod:`workbench.quality.restate`). Rules that are off get no column.
    Issue: any rule. Score: ``1 / (1 + rules broken)``.
    """

    name = "rules"
    version = "2"  # 2: data-dependent rules are guideline options; content-word repeats check
    uses_guidelines = True
    batchable = True

    @dataclass(frozen=True)
    class Config:
        rules: tuple[str, ...] = RULES  # the rules this signal may run (the guidelines switch options)
        refusal_prefix_chars: int = 300
        repeat_min_words: int = 6  # a question needs this many distinct content words to be "restated"
        repeat_share: float = 0.7  # share of them found in the response's opening
        repeat_prefix_chars: int = 2000

    def active(self, gl) -> tuple[str, ...]:
        """The rules that run under guidelines ``gl``: the universal ones and the options switched on."""
        return tuple(r for r in RULES if r in self.config.rules and (r in UNIVERSAL or gl.rule_on(r)))

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        c, gl = self.config, ctx.guidelines
        on = self.active(gl)
        views = ctx.views(table)
        n = views.n
        resp = views.response
        has_resp = pc.utf8_length(resp).to_numpy(zero_copy_only=False) > 0
        hits = self._phrase_hits(resp, gl, on)
        rules = dict(hits)
        if "placeholder" in on:
            rules["placeholder"] = hits.get("placeholder", np.zeros(n, bool)) | textops.regex_match(
                views.prompt, _slots(gl))
        if "apology" in rules:
            rules["apology"] &= ~textops.regex_match(views.prompt, PROBLEM_WORDS)
        if "unwarranted_refusal" in rules:
            rules["unwarranted_refusal"] &= ~self._harmful_prompt(views)
        if "length_window" in on:
            rules["length_window"] = self._outside_window(views, ctx, has_resp)
        if "repeats_question" in on:
            rules["repeats_question"] = restates_question(
                views.last_user, resp, min_words=c.repeat_min_words, share=c.repeat_share,
                prefix_chars=c.repeat_prefix_chars)[0]
        rules = {k: rules[k] for k in RULES if k in rules}
        broken = sum((v.astype(np.int64) for v in rules.values()), np.zeros(n, dtype=np.int64))
        failed = np.full(n, "", dtype=object)
        for i in np.flatnonzero(broken).tolist():
            failed[i] = ",".join(k for k, v in rules.items() if v[i])
        return pd.DataFrame({f"is_{self.name}_issue": broken > 0, f"{self.name}_score": 1.0 / (1.0 + broken),
                             **{f"rule_{k}": v for k, v in rules.items()},
                             "rules_broken": broken, "rules_failed": failed})

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        gl = ctx.guidelines
        rules = {k: rows[f"rule_{k}"].to_numpy() for k in RULES if f"rule_{k}" in rows.columns}
        broken = rows["rules_broken"].to_numpy()
        ids = keys.column("id").to_numpy(zero_copy_only=False)
        summary = {"counts": {k: int(v.sum()) for k, v in rules.items()},
                   "records_breaking_any": int((broken > 0).sum()),
                   "enabled": list(rules), "off": [r for r in RULES if r not in rules],
                   "guidelines": gl.source_label(),
                   "length_window": None if "length_window" not in rules else {
                       "default": gl.window_for(None),
                       "per_category": {k: gl.window_for(k) for k in gl.length_window_per_category}},
                   "examples": {k: textops.example_ids(ids, v, 3) for k, v in rules.items() if v.any()}}
        return self.result(rows, summary)

    def _phrase_hits(self, resp: pa.Array, gl, on: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Phrase rules over the responses: one union pass finds the rows, then one pass per rule."""
        c = self.config
        patterns = {"forbidden_phrase": phrase_pattern(gl.forbidden_phrases),
                    "apology": phrase_pattern(gl.apology_phrases),
                    "unwarranted_refusal": phrase_pattern(gl.refusal_phrases),
                    "placeholder": _slots(gl)}
        patterns = {k: v for k, v in patterns.items() if v and k in on}
        hits = {k: np.zeros(len(resp), dtype=bool) for k in patterns}
        if not patterns:
            return hits
        rows = np.flatnonzero(textops.regex_match(resp, "|".join(f"(?:{p})" for p in patterns.values())))
        sub = resp.take(pa.array(rows, pa.int64()))
        for k, p in patterns.items():
            # a refusal opens the answer; "I cannot stress this enough" later on is not one
            text = pc.utf8_slice_codeunits(sub, 0, c.refusal_prefix_chars) if k == "unwarranted_refusal" else sub
            hits[k][rows] = textops.regex_match(text, p)  # type: ignore[arg-type]  # a narrowing mypy cannot follow
        return hits

    @staticmethod
    def _harmful_prompt(views) -> np.ndarray:
        hits = lexicon_hits(views.prompt, HARM_CATEGORIES)
        return np.any([v > 0 for v in hits.values()], axis=0)

    @staticmethod
    def _outside_window(views, ctx: SignalContext, has_resp: np.ndarray) -> np.ndarray:
        words = textops.word_counts(views.response)
        cats = pd.Series(views.categories)
        # a category without a window (none set for it and no default) is never outside one
        windows = {cat: ctx.guidelines.window_for(cat or None) or (0, np.inf) for cat in cats.unique()}
        lo = cats.map({k: w[0] for k, w in windows.items()}).to_numpy(dtype=float)
        hi = cats.map({k: w[1] for k, w in windows.items()}).to_numpy(dtype=float)
        return has_resp & ((words < lo) | (words > hi))
