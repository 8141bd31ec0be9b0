"""Guideline rules, read from the project's guidelines: what must not appear in a response.

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
from workbench.quality.safety import HARM_CATEGORIES, lexicon_hits
from workbench.quality.tokens import shingles, tokenize, unique_sets

RULES = ("forbidden_phrase", "apology", "unwarranted_refusal", "length_window", "repeats_question",
         "placeholder")
# a prompt that reports a problem makes an apology natural rather than needless
PROBLEM_WORDS = (r"(?i)\b(?:problem\w*|issue\w*|error\w*|wrong|broken|damaged|late|delay\w*|missing|lost|refund\w*"
                 r"|complain\w*|frustrat\w*|disappoint\w*|charged twice|overcharg\w*|not working|doesn['’]t work"
                 r"|didn['’]t|cancel\w*|angry|upset|bug\w*|crash\w*|fail\w*|mistake\w*|unacceptable)\b")
PLACEHOLDERS = (r"(?i)\{\{[^{}\n]{1,60}\}\}|\[(?:insert|your|name|company|customer|product|date|address|placeholder)"
                r"[^\]\n]{0,60}\](?:[^(]|$)|<(?:insert|your)[^>\n]{0,60}>")


def phrase_pattern(phrases) -> str | None:
    """A case-insensitive RE2 pattern for ``phrases``: word boundaries, any whitespace, either apostrophe."""
    parts = []
    for p in sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True):
        words = [re.escape(w).replace("'", "['’]") for w in p.split()]
        parts.append(r"\s+".join(words))
    return r"(?i)\b(?:" + "|".join(parts) + r")\b" if parts else None


def containment(prompts, responses, ngram: int = 3, batch_size: int = 20_000,
                prefix_chars: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(share of each prompt's distinct word shingles found in its response - or in the response's first
    ``prefix_chars`` characters - and the number of distinct prompt shingles).

    Keys are (record, 43-bit shingle hash, side); after one sort of both sides together, a prompt key
    is found when the next key is the same shingle of the same record from the response side. The
    response side needs no de-duplication, so the longer side is sorted once.
    """
    p_arr, r_arr = textops.as_strings(prompts), textops.as_strings(responses)
    share = np.zeros(len(p_arr))
    size = np.zeros(len(p_arr), dtype=np.int64)
    one, bits = np.uint64(1), np.uint64(44)
    for lo in range(0, len(p_arr), batch_size):
        ps = unique_sets(shingles(tokenize(p_arr.slice(lo, batch_size)), ngram), bits=43)
        r_part = r_arr.slice(lo, batch_size)
        if prefix_chars is not None:  # per batch: no full-column copy of the prefixes
            r_part = pc.utf8_slice_codeunits(r_part, 0, prefix_chars)
        rs = shingles(tokenize(r_part), ngram)
        p_keys = ((ps.record_index().astype(np.uint64) << np.uint64(43)) | ps.hashes) << one
        r_keys = ((((rs.record_index().astype(np.uint64) << np.uint64(43))
                    | (rs.hashes >> np.uint64(21))) << one) | one)
        keys = np.sort(np.concatenate([p_keys, r_keys]))
        found = (keys[:-1] & one == 0) & (keys[1:] == keys[:-1] | one)
        n = len(ps.offsets) - 1
        inter = np.bincount((keys[:-1][found] >> bits).astype(np.int64), minlength=n)
        size[lo:lo + n] = ps.counts
        share[lo:lo + n] = np.divide(inter, ps.counts, out=np.zeros(n), where=ps.counts > 0)
    return share, size


class GuidelineRulesSignal(Signal):
    """Responses that break the guidelines.

    Rules (each a ``rule_<name>`` column): ``forbidden_phrase`` ("As an AI language model"...),
    ``apology`` (an apology phrase while the prompt reports no problem), ``unwarranted_refusal`` (a
    refusal phrase near the start of the response while the prompt hits no harm lexicon),
    ``length_window`` (response words outside the window, per category if configured),
    ``repeats_question`` (most of the user's last question reappears in the response's opening),
    ``placeholder`` (an unfilled template slot such as ``{{name}}`` or ``[INSERT ...]``).
    Issue: any rule. Score: ``1 / (1 + rules broken)``.
    """

    name = "rules"
    uses_guidelines = True

    @dataclass(frozen=True)
    class Config:
        rules: tuple[str, ...] = RULES
        refusal_prefix_chars: int = 300
        repeat_min_shingles: int = 4
        repeat_share: float = 0.6  # greetings and sign-offs around a copied question dilute the share
        repeat_prefix_chars: int = 600
        repeat_copied: int = 10

    def compute(self, table: pa.Table, ctx: SignalContext) -> SignalResult:
        c, gl = self.config, ctx.guidelines
        views = ctx.views(table)
        n = views.n
        resp = views.response
        has_resp = pc.utf8_length(resp).to_numpy(zero_copy_only=False) > 0
        hits = self._phrase_hits(resp, gl)
        rules = dict(hits)
        if "placeholder" in c.rules:
            rules["placeholder"] = hits.get("placeholder", np.zeros(n, bool)) | textops.regex_match(
                views.prompt, PLACEHOLDERS)
        if "apology" in rules:
            rules["apology"] &= ~textops.regex_match(views.prompt, PROBLEM_WORDS)
        if "unwarranted_refusal" in rules:
            rules["unwarranted_refusal"] &= ~self._harmful_prompt(views)
        if "length_window" in c.rules:
            rules["length_window"] = self._outside_window(views, ctx, has_resp)
        if "repeats_question" in c.rules:
            share, size = containment(views.last_user, views.response, prefix_chars=c.repeat_prefix_chars)
            # most of the question, or a long verbatim run of it (>= repeat_copied shared trigrams,
            # about a dozen words) when greetings around the question dilute the share
            copied = share * size
            rules["repeats_question"] = has_resp & (size >= c.repeat_min_shingles) & (
                (share >= c.repeat_share) | (copied >= c.repeat_copied))
        rules = {k: rules[k] for k in RULES if k in rules}
        broken = sum((v.astype(np.int64) for v in rules.values()), np.zeros(n, dtype=np.int64))
        failed = np.full(n, "", dtype=object)
        for i in np.flatnonzero(broken).tolist():
            failed[i] = ",".join(k for k, v in rules.items() if v[i])
        frame = pd.DataFrame({f"is_{self.name}_issue": broken > 0, f"{self.name}_score": 1.0 / (1.0 + broken),
                              **{f"rule_{k}": v for k, v in rules.items()},
                              "rules_broken": broken, "rules_failed": failed})
        ids = table.column("id").to_numpy(zero_copy_only=False)
        summary = {"counts": {k: int(v.sum()) for k, v in rules.items()},
                   "records_breaking_any": int((broken > 0).sum()),
                   "length_window": {"default": gl.window_for(None),
                                     "per_category": {k: gl.window_for(k) for k in gl.length_window_per_category}},
                   "examples": {k: textops.example_ids(ids, v, 3) for k, v in rules.items() if v.any()}}
        return self.result(frame, summary)

    def _phrase_hits(self, resp: pa.Array, gl) -> dict[str, np.ndarray]:
        """Phrase rules over the responses: one union pass finds the rows, then one pass per rule."""
        c = self.config
        patterns = {"forbidden_phrase": phrase_pattern(gl.forbidden_phrases),
                    "apology": phrase_pattern(gl.apology_phrases),
                    "unwarranted_refusal": phrase_pattern(gl.refusal_phrases),
                    "placeholder": PLACEHOLDERS}
        patterns = {k: v for k, v in patterns.items() if v and k in c.rules}
        hits = {k: np.zeros(len(resp), dtype=bool) for k in patterns}
        if not patterns:
            return hits
        rows = np.flatnonzero(textops.regex_match(resp, "|".join(f"(?:{p})" for p in patterns.values())))
        sub = resp.take(pa.array(rows, pa.int64()))
        for k, p in patterns.items():
            # a refusal opens the answer; "I cannot stress this enough" later on is not one
            text = pc.utf8_slice_codeunits(sub, 0, c.refusal_prefix_chars) if k == "unwarranted_refusal" else sub
            hits[k][rows] = textops.regex_match(text, p)
        return hits

    @staticmethod
    def _harmful_prompt(views) -> np.ndarray:
        hits = lexicon_hits(views.prompt, HARM_CATEGORIES)
        return np.any([v > 0 for v in hits.values()], axis=0)

    @staticmethod
    def _outside_window(views, ctx: SignalContext, has_resp: np.ndarray) -> np.ndarray:
        words = textops.word_counts(views.response)
        cats = pd.Series(views.categories)
        windows = {cat: ctx.guidelines.window_for(cat or None) for cat in cats.unique()}
        lo = cats.map({k: w[0] for k, w in windows.items()}).to_numpy()
        hi = cats.map({k: w[1] for k, w in windows.items()}).to_numpy()
        return has_resp & ((words < lo) | (words > hi))
