"""Language of prompts and responses, mixed-language conversations and mixed-script turns."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.quality import textops
from workbench.quality.base import Signal, SignalContext, SignalResult
from workbench.quality.langid_fast import SCRIPT_NAMES, BatchLangId


def merged_scripts(scripts: np.ndarray) -> np.ndarray:
    """Script counts with kana folded into Han (Japanese writes both) and Han into Hangul where Hangul
    dominates (Korean may use hanja), so ordinary Japanese or Korean is not "mixed"."""
    s = scripts.astype(np.int64).copy()
    han, kana, hangul = (SCRIPT_NAMES.index(x) for x in ("han", "kana", "hangul"))
    s[:, han] += s[:, kana]
    s[:, kana] = 0
    korean = s[:, hangul] > s[:, han]
    s[korean, hangul] += s[korean, han]
    s[korean, han] = 0
    return s


def mixed_script(scripts: np.ndarray, min_share: float, min_letters: int) -> np.ndarray:
    """Whether a second script holds at least ``min_share`` of the letters (and ``min_letters``)."""
    s = np.sort(merged_scripts(scripts), axis=1)
    second, total = s[:, -2], s.sum(axis=1)
    return (second >= min_letters) & (second >= min_share * np.maximum(total, 1))


class LanguageSignal(Signal):
    """Language per record (of the response, else the prompt), with prompt and response languages.

    Issue: the prompt and the response are confidently in different languages, a turn mixes scripts
    (e.g. half Latin, half Cyrillic), or the language is not among ``expected`` (when configured).
    Texts shorter than ``min_chars`` are "und" unless their script names the language.
    """

    name = "language"

    @dataclass(frozen=True)
    class Config:
        expected: tuple[str, ...] = ()
        # with no expected languages configured, a language below this share of the records is
        # unexpected (a few German rows in an English set are what a reviewer wants to see)
        minority_share: float = 0.05
        max_chars: int = 300
        min_chars: int = 20
        min_confidence: float = 0.6
        mixed_script_share: float = 0.2
        mixed_script_letters: int = 10

    def setup(self) -> None:
        self._lid = BatchLangId(max_chars=self.config.max_chars)

    def compute(self, table: pa.Table, ctx: SignalContext) -> SignalResult:
        self.ensure_setup()
        c = self.config
        views = ctx.views(table)
        n = views.n
        p_lang, p_conf, p_scripts = self._classify(views.prompt)
        r_lang, r_conf, r_scripts = self._classify(views.response)
        language = np.where(r_lang != "und", r_lang, p_lang)
        confidence = np.where(r_lang != "und", r_conf, p_conf)
        mixed_turns = ((p_lang != "und") & (r_lang != "und") & (p_lang != r_lang)
                       & (p_conf >= c.min_confidence) & (r_conf >= c.min_confidence))
        mixed_scr = (mixed_script(p_scripts, c.mixed_script_share, c.mixed_script_letters)
                     | mixed_script(r_scripts, c.mixed_script_share, c.mixed_script_letters))
        unexpected = np.zeros(n, dtype=bool)
        expected = list(c.expected)
        if not expected and n:
            codes, counts = np.unique(language.astype(str), return_counts=True)
            expected = [str(x) for x in codes[counts / n >= c.minority_share]]
        if expected:
            unexpected = (language != "und") & ~np.isin(language.astype(str), expected)
        issue = mixed_turns | mixed_scr | unexpected
        score = np.where(mixed_turns, 1 - np.minimum(p_conf, r_conf), 1.0)
        score = np.where(mixed_scr, np.minimum(score, 0.5), score)
        score = np.where(unexpected, np.minimum(score, 1 - confidence), score)
        frame = pd.DataFrame({
            f"is_{self.name}_issue": issue, f"{self.name}_score": np.clip(score, 0, 1),
            "language": language, "language_confidence": np.round(confidence.astype(float), 4),
            "prompt_language": p_lang, "response_language": r_lang,
            "is_mixed_language": mixed_turns, "is_mixed_script": mixed_scr, "is_unexpected_language": unexpected,
        })
        ids = table.column("id").to_numpy(zero_copy_only=False)
        summary = {
            "languages": dict(Counter(language.tolist()).most_common()),
            "prompt_languages": dict(Counter(p_lang.tolist()).most_common()),
            "response_languages": dict(Counter(r_lang.tolist()).most_common()),
            "mixed_language": int(mixed_turns.sum()),
            "mixed_script": int(mixed_scr.sum()),
            "unexpected": int(unexpected.sum()),
            "expected": expected,
            "examples": {"mixed_language": textops.example_ids(ids, mixed_turns),
                         "mixed_script": textops.example_ids(ids, mixed_scr)},
        }
        info = {"model": "py3langid (vectorised batch inference)"}
        return self.result(frame, summary, info)

    def _classify(self, texts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(language, confidence, script counts); texts under ``min_chars`` are "und" unless their
        script names the language."""
        res = self._lid.classify(texts)
        short = (textops.char_counts(texts) < self.config.min_chars) & ~res.by_script
        lang = np.where(short, "und", res.lang).astype(object)
        return lang, np.where(short, 0.0, res.confidence), res.scripts
