"""Language of prompts and responses, mixed-language conversations and mixed-script turns.

Measured on public data (``benchmarks/bench_signal_quality_language.py``): accuracy on UDHR sentences,
and the share of records flagged on clean English and Chinese instruction sets. What makes it hold on
real data (see ``langtext``): code, URLs and lists are not language, so texts without enough phrase-like
content are "und" and never flagged; varieties fold into their macro-language for flags (the fine code
stays in ``language_fine``); the prompt's instruction paragraph sets the expected language, and a
translation request or a prompt that names the response's language excuses a different one.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.quality import langtext, textops
from workbench.quality.base import Signal, SignalContext, SignalResult
from workbench.quality.langid_fast import SCRIPT_NAMES, BatchLangId, english_fast_pass, fold_macro

_CJK = [SCRIPT_NAMES.index(x) for x in ("han", "kana", "hangul")]
_LATIN = SCRIPT_NAMES.index("latin")


def merged_scripts(scripts: np.ndarray) -> np.ndarray:
    """Script counts with kana folded into Han (Japanese writes both) and Han into Hangul where Hangul
    dominates (Korean may use hanja), so ordinary Japanese or Korean is not "mixed"."""
    s = scripts.astype(np.int64).copy()
    han, kana, hangul = _CJK
    s[:, han] += s[:, kana]
    s[:, kana] = 0
    korean = s[:, hangul] > s[:, han]
    s[korean, hangul] += s[korean, han]
    s[korean, han] = 0
    return s


def mixed_script(scripts: np.ndarray, min_share: float, min_letters: int) -> np.ndarray:
    """Whether a second script holds at least ``min_share`` of the letters (and ``min_letters``).

    Latin with CJK is not mixing: Chinese, Japanese and Korean writing carries Latin terms, names,
    units and code as a matter of course (and a Latin word is several letters against one Han
    character), so that pair of scripts does not count; a language mismatch is the other flag's job.
    """
    m = merged_scripts(scripts)
    order = np.argsort(m, axis=1)
    top, second = order[:, -1], order[:, -2]
    rows = np.arange(len(m))
    n_second, total = m[rows, second], m.sum(axis=1)
    latin_in_cjk = (np.isin(top, _CJK) & (second == _LATIN)) | ((top == _LATIN) & np.isin(second, _CJK))
    return (n_second >= min_letters) & (n_second >= min_share * np.maximum(total, 1)) & ~latin_in_cjk


def translation_tasks(ctx: SignalContext, prompts) -> np.ndarray:
    """Records that ask for a translation: the prompt pattern, or the ``task_type`` signal's "translation"."""
    out = langtext.translation_requests(prompts)
    types = ctx.results.get("task_type")
    if types is not None:
        out |= (types.frame["task_type"].astype(str) == "translation").to_numpy()
    return out


class LanguageSignal(Signal):
    """Language per record (of the response, else the prompt), with prompt and response languages.

    Columns: ``language`` (macro-language, e.g. "zh" for wuu/yue), ``language_fine`` (the identifier's
    code), ``prompt_language``/``response_language`` (macro), flags ``is_mixed_language``,
    ``is_mixed_script``, ``is_unexpected_language`` and ``is_translation_request``.
    Issue: the response is confidently in another language than the prompt's instruction (unless the
    prompt asks for a translation or names that language), a turn mixes scripts (e.g. half Latin, half
    Cyrillic), or the prompt's language is not among ``expected`` (when configured; otherwise a
    language below ``minority_share`` of the records). Texts with fewer than ``min_letters`` letters in
    phrase-like segments (lists, code, numbers) are "und" and never flagged.
    """

    name = "language"
    requires = ("task_type",)  # a requested translation is answered in another language
    version = "4"
    batchable = True

    @dataclass(frozen=True)
    class Config:
        expected: tuple[str, ...] = ()
        # with no expected languages configured, a language below this share of the records is
        # unexpected (a few German rows in an English set are what a reviewer wants to see)
        minority_share: float = 0.05
        max_chars: int = 200  # identification saturates on short text; the cost is linear in it
        min_letters: int = 20
        min_confidence: float = 0.6
        rare_weight: float = 0.05
        mixed_script_share: float = 0.2
        mixed_script_letters: int = 10
        # plain English prose (ASCII, no code marks, a fifth of its words English function words) is
        # "en" without the identifier; only the other texts take the precise path
        fast_english: bool = True

    def setup(self) -> None:
        self._lid = BatchLangId(max_chars=self.config.max_chars, rare_weight=self.config.rare_weight)

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        self.ensure_setup()
        c = self.config
        views = ctx.views(table)
        n = views.n
        p_lang, p_conf, p_scripts = self._prompt_language(views.prompt)
        r_lang, r_conf, r_scripts = self.classify(views.response)
        p_macro, r_macro = fold_macro(p_lang), fold_macro(r_lang)
        translation = translation_tasks(ctx, views.prompt)
        differ = (p_macro != "und") & (r_macro != "und") & (p_macro != r_macro) & ~translation
        named = np.zeros(n, dtype=bool)
        rows = np.flatnonzero(differ)
        if len(rows):
            sub = views.prompt.take(pa.array(rows, pa.int64()))
            cjk = np.isin(r_macro[rows], ["zh", "ja", "ko"])
            named[rows] = (langtext.mentions_language(sub, r_macro[rows])
                           | langtext.quotes_material(sub, cjk))
        mixed_turns = differ & ~named & (p_conf >= c.min_confidence) & (r_conf >= c.min_confidence)
        mixed_scr = (mixed_script(p_scripts, c.mixed_script_share, c.mixed_script_letters)
                     | mixed_script(r_scripts, c.mixed_script_share, c.mixed_script_letters))
        language = np.where(r_macro != "und", r_macro, p_macro)
        fine = np.where(r_lang != "und", r_lang, p_lang)
        confidence = np.where(r_macro != "und", r_conf, p_conf)
        # a German answer to a request for German (or a translation) is not a German record in an
        # English set: then the prompt says which language the record is in
        excused = translation | named
        use_response = (r_macro != "und") & ~excused
        record_lang = np.where(use_response, r_macro, p_macro)
        record_conf = np.where(use_response, r_conf, p_conf)
        score = np.where(mixed_turns, 1 - np.minimum(p_conf, r_conf), 1.0)
        score = np.where(mixed_scr, np.minimum(score, 0.5), score)
        return pd.DataFrame({
            "language": language, "language_fine": fine,
            "language_confidence": np.round(confidence.astype(float), 4),
            "prompt_language": p_macro, "response_language": r_macro,
            "is_mixed_language": mixed_turns, "is_mixed_script": mixed_scr,
            "is_translation_request": translation,
            "_record_language": record_lang, "_record_confidence": record_conf,
            "_confidence": confidence, "_score": score,
        })

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        c = self.config
        n = len(rows)
        record_lang = rows["_record_language"].to_numpy()
        record_conf = rows["_record_confidence"].to_numpy()
        mixed_turns = rows["is_mixed_language"].to_numpy()
        mixed_scr = rows["is_mixed_script"].to_numpy()
        unexpected = np.zeros(n, dtype=bool)
        expected = list(c.expected)
        if not expected and n:  # "unexpected" is relative to the whole data set: decided here
            codes, counts = np.unique(record_lang.astype(str), return_counts=True)
            expected = [str(x) for x in codes[counts / n >= c.minority_share]]
        if expected:
            unexpected = ((record_lang != "und") & ~np.isin(record_lang.astype(str), expected)
                          & (record_conf >= c.min_confidence))
        issue = mixed_turns | mixed_scr | unexpected
        score = np.where(unexpected, np.minimum(rows["_score"].to_numpy(), 1 - rows["_confidence"].to_numpy()),
                         rows["_score"].to_numpy())
        frame = pd.DataFrame({f"is_{self.name}_issue": issue, f"{self.name}_score": np.clip(score, 0, 1)})
        for col in ("language", "language_fine", "language_confidence", "prompt_language",
                    "response_language", "is_mixed_language", "is_mixed_script"):
            frame[col] = rows[col].to_numpy()
        frame["is_unexpected_language"] = unexpected
        frame["is_translation_request"] = rows["is_translation_request"].to_numpy()
        language, fine = frame["language"], frame["language_fine"]
        p_macro, r_macro = frame["prompt_language"], frame["response_language"]
        translation = frame["is_translation_request"].to_numpy()
        ids = keys.column("id").to_numpy(zero_copy_only=False)
        summary = {
            "languages": dict(Counter(language.tolist()).most_common()),
            "languages_fine": dict(Counter(fine.tolist()).most_common()),
            "prompt_languages": dict(Counter(p_macro.tolist()).most_common()),
            "response_languages": dict(Counter(r_macro.tolist()).most_common()),
            "mixed_language": int(mixed_turns.sum()),
            "mixed_script": int(mixed_scr.sum()),
            "unexpected": int(unexpected.sum()),
            "translation_requests": int(translation.sum()),
            "expected": expected,
            "examples": {"mixed_language": textops.example_ids(ids, mixed_turns),
                         "mixed_script": textops.example_ids(ids, mixed_scr),
                         "unexpected": textops.example_ids(ids, unexpected)},
        }
        info = {"model": "English fast pass (function-word share), then py3langid (vectorised batch "
                          "inference) with code/list-aware preparation"}
        return self.result(frame, summary, info)

    def classify(self, texts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(fine language code, confidence, script counts) of ``texts``.

        Two passes: plain English prose is decided by ``english_fast_pass`` (confidence 1.0, like a
        text decided by its script); the rest is identified after stripping code, URLs and markup,
        and a text with fewer than ``min_letters`` letters in phrase-like segments is "und"."""
        self.ensure_setup()
        arr = textops.as_strings(texts)
        n = len(arr)
        fast, ascii_letters = (english_fast_pass(arr, self.config.max_chars) if self.config.fast_english
                               else (np.zeros(n, dtype=bool), np.zeros(n, np.int64)))
        lang = np.full(n, "en", dtype=object)
        conf = np.ones(n, dtype=np.float64)
        scripts = np.zeros((n, len(SCRIPT_NAMES)), dtype=np.int32)
        scripts[fast, _LATIN] = ascii_letters[fast]
        rest = np.flatnonzero(~fast)
        if len(rest):
            sub = arr if len(rest) == n else arr.take(pa.array(rest, pa.int64()))
            lang[rest], conf[rest], scripts[rest] = self._precise(sub)
        return lang, conf, scripts

    def _precise(self, texts: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # the identifier reads the first max_chars of the stripped text: a window twice that long
        # before stripping leaves enough when code or links are removed (an unclosed fence runs on)
        stripped = pc.utf8_slice_codeunits(
            langtext.strip_non_language(texts, max_chars=2 * self.config.max_chars), 0, self.config.max_chars)
        res = self._lid.classify(stripped)
        thin = langtext.content_letters(stripped) < self.config.min_letters
        lang = np.where(thin, "und", res.lang).astype(object)
        return lang, np.where(thin, 0.0, res.confidence), res.scripts

    def _prompt_language(self, prompts: pa.Array):
        """The language of the prompt's instruction (its first paragraph), else of the whole prompt:
        an English instruction over a French passage is an English prompt."""
        lang, conf, scripts = self.classify(langtext.first_paragraph(prompts))
        redo = np.flatnonzero(lang == "und")
        if len(redo):
            sub = prompts.take(pa.array(redo, pa.int64()))
            lang[redo], conf[redo], scripts[redo] = self.classify(sub)
        return lang, conf, scripts
