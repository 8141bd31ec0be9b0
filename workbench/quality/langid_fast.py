"""Batch language identification: py3langid's model, run for many texts at once.

Why not ``py3langid.classify`` per text: its byte-DFA feature walk is a Python loop per byte (~80 us
for a 400-character text). Here the same model (weights shipped in the wheel, no download) runs over a
batch in lock-step: one numpy gather per byte position for all texts, sparse feature counts, and one
sparse x dense product for the naive-Bayes scores. The arithmetic is py3langid's (NFC, lower-casing of
all-caps text, ``log1p(count)`` features, ``1/sqrt(bytes)`` softmax temperature), so labels match.

A script pre-pass decides texts written in a script that names its language (kana -> ja, Hangul -> ko,
Thai, Greek, Hebrew, Georgian, Armenian; Han without kana -> zh) without the model, and measures how
much of each script a text holds (for mixed-script turns). Everything is deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.quality import textops

# (name, lead-byte low, lead-byte high, second-byte low, second-byte high) of 2/3-byte UTF-8 ranges
_SCRIPTS = {
    "latin": None,  # ASCII letters and Latin-1/Extended leads (0xC3-0xC9)
    "cyrillic": (0xD0, 0xD3, 0x80, 0xBF),
    "greek": (0xCE, 0xCF, 0x80, 0xBF),
    "hebrew": (0xD7, 0xD7, 0x80, 0xBF),
    "arabic": (0xD8, 0xDB, 0x80, 0xBF),
    "devanagari": (0xE0, 0xE0, 0xA4, 0xA5),
    "thai": (0xE0, 0xE0, 0xB8, 0xB9),
    "georgian": (0xE1, 0xE1, 0x82, 0x83),
    "armenian": (0xD4, 0xD6, 0x80, 0xBF),
    "kana": (0xE3, 0xE3, 0x81, 0x83),
    "han": (0xE4, 0xE9, 0x80, 0xBF),
    "hangul": (0xEA, 0xED, 0x80, 0xBF),
}
SCRIPT_NAMES = tuple(_SCRIPTS)
_DECIDED = {"kana": "ja", "hangul": "ko", "thai": "th", "greek": "el", "hebrew": "he", "georgian": "ka",
            "armenian": "hy"}

# varieties -> the macro-language used for flags (ISO 639-3 macro-languages and the identifiers' usual
# confusions): Wu, Cantonese and Mandarin written in Han are "zh"; Bokmål and Nynorsk are "no"; the
# Serbo-Croatian standards, Malay and Indonesian, the Arabic dialects are each one language for flags
MACRO = {"wuu": "zh", "yue": "zh", "cmn": "zh", "gan": "zh", "hak": "zh", "nan": "zh", "hsn": "zh",
         "lzh": "zh", "nb": "no", "nn": "no", "bs": "sh", "hr": "sh", "sr": "sh", "cnr": "sh", "id": "ms",
         "zsm": "ms", "arz": "ar", "ary": "ar", "arb": "ar", "ltg": "lv", "uzs": "uz", "sdh": "ku",
         "ckb": "ku", "gug": "gn", "gcf": "fr", "gcr": "fr", "hbo": "he", "zxx": "und"}
# languages that fine-tuning data is written in (the 40-odd most common); others are rarely right on
# short texts ("pcm", "bcl", "sn" for English lists), so their probability is damped (``rare_weight``)
COMMON = frozenset("af ar az be bg bn bs ca cs cy da de el en eo es et eu fa fi fr ga gl gu he hi hr hu hy "
                   "id is it ja ka kk km kn ko ky la lt lv mk ml mn mr ms mt my nb ne nl nn no pa pl ps pt "
                   "ro ru si sk sl sq sr sv sw ta te th tl tr uk ur uz vi wuu yue zh".split())


def fold_macro(codes) -> np.ndarray:
    """Codes with varieties folded into their macro-language (``wuu``/``yue`` -> ``zh``, ``nn`` -> ``no``).

    The few distinct codes are mapped, then spread back by their positions (one hash pass over the
    records, not one comparison pass per entry of ``MACRO``)."""
    import pandas as pd

    arr = np.asarray(codes, dtype=object)
    positions, distinct = pd.factorize(arr)
    out = np.array([MACRO.get(c, c) for c in distinct], dtype=object)[positions]
    missing = positions < 0  # None / NaN stay as they are
    out[missing] = arr[missing]
    return out


@lru_cache(maxsize=4)
def _load_model(langs: tuple[str, ...] | None):
    """py3langid's shipped model as numpy arrays (loaded once per process: decompressing takes ~2 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    if langs:
        ident.set_languages(list(langs))
    nm, row = ident.tk_nextmove, ident.tk_row
    nextmove = np.frombuffer(nm, dtype=np.dtype(nm.typecode)).astype(np.int32)
    rowbase = (np.frombuffer(row, dtype=np.dtype(row.typecode)).astype(np.int64) << 8).astype(np.int32)
    # aliased labels (two columns for "sr") are merged by adding probabilities, as py3langid does
    return (np.array(ident.nb_classes, dtype=object), nextmove, rowbase,
            np.asarray(ident.tk_output, dtype=np.int32), np.asarray(ident.nb_ptc, dtype=np.float32),
            np.asarray(ident.nb_pc, dtype=np.float32), list(ident._alias_pairs))


@dataclass
class LangResult:
    lang: np.ndarray  # object array of ISO 639 codes ("und" when undetermined)
    confidence: np.ndarray  # float32 in [0, 1]
    scripts: np.ndarray  # (n, len(SCRIPT_NAMES)) letter counts per script in the examined prefix
    by_script: np.ndarray  # bool: decided by the script pre-pass


class BatchLangId:
    """Vectorised py3langid. ``classify(texts)`` returns a LangResult.

    Parameters
    ----------
    max_chars : int
        Only the first ``max_chars`` characters are examined (accuracy saturates well before 300).
    langs : sequence of str, optional
        Restrict the model to these languages (py3langid's ``set_languages``).
    batch_size : int
        Texts per lock-step batch (memory ~ batch_size x 4 x max_chars bytes).
    rare_weight : float
        Factor on the probability of languages outside ``COMMON`` before the arg-max (1 = py3langid's
        labels; the language signal uses a small weight so that a short English list is not "pcm").
    """

    def __init__(self, max_chars: int = 300, langs=None, batch_size: int = 8192,
                 rare_weight: float = 1.0) -> None:
        self.max_chars = max_chars
        self.batch_size = batch_size
        (self.classes, self.nextmove, self.rowbase, self.output, self.ptc, self.pc,
         self._alias) = _load_model(tuple(sorted(langs)) if langs else None)
        self._weights = None
        if rare_weight != 1.0:
            common = np.array([c in COMMON for c in self.classes])
            self._weights = np.where(common, 1.0, rare_weight).astype(np.float32)

    def classify(self, texts) -> LangResult:
        arr = textops.as_strings(texts)
        n = len(arr)
        lang = np.full(n, "und", dtype=object)
        conf = np.zeros(n, dtype=np.float32)
        scripts = np.zeros((n, len(SCRIPT_NAMES)), dtype=np.int32)
        by_script = np.zeros(n, dtype=bool)
        for lo in range(0, n, self.batch_size):
            part = arr.slice(lo, self.batch_size)
            sl = slice(lo, lo + len(part))
            lang[sl], conf[sl], scripts[sl], by_script[sl] = self._batch(part)
        return LangResult(lang, conf, scripts, by_script)

    def _prepare(self, arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """(byte matrix padded with zeros, byte length per text) of the normalised prefixes."""
        arr = pc.utf8_slice_codeunits(pc.utf8_normalize(arr, "NFC"), 0, self.max_chars)
        arr = pc.if_else(pc.utf8_is_upper(arr), pc.utf8_lower(arr), arr)
        data, offsets = textops.utf8_buffers(arr)
        lengths = np.diff(offsets)
        width = int(lengths.max()) if len(lengths) else 0
        cols = np.arange(width, dtype=np.int32)
        valid = cols[None, :] < lengths[:, None]
        padded = np.concatenate([data, np.zeros(1, np.uint8)])
        # int32 positions: a batch is far below 2 GB, and int64 would double this, the largest array
        idx = np.where(valid, offsets[:-1, None].astype(np.int32) + cols[None, :], np.int32(len(data)))
        return padded[idx], lengths

    @staticmethod
    def script_counts(mat: np.ndarray) -> np.ndarray:
        """Letters per script in each row of the byte matrix (only multi-byte leads are examined per
        position, so mostly-ASCII text costs one pass)."""
        out = np.zeros((len(mat), len(SCRIPT_NAMES)), dtype=np.int32)
        if not mat.size:
            return out
        out[:, 0] = (((mat | np.uint8(32)) - np.uint8(97)) < 26).sum(axis=1, dtype=np.int32)
        rows, cols = np.nonzero(mat >= 0xC3)
        if len(rows):
            lead = mat[rows, cols]
            nxt = mat[rows, np.minimum(cols + 1, mat.shape[1] - 1)]
            code = np.full(len(rows), -1, dtype=np.int64)
            code[(lead <= 0xC9)] = 0  # Latin-1 supplement and Latin Extended letters
            for k, name in enumerate(SCRIPT_NAMES[1:], start=1):
                a, b, c, d = _SCRIPTS[name]
                code[(lead >= a) & (lead <= b) & (nxt >= c) & (nxt <= d)] = k
            ok = code >= 0
            flat = np.bincount(rows[ok] * len(SCRIPT_NAMES) + code[ok], minlength=out.size)
            out += flat.reshape(out.shape).astype(np.int32)
        return out

    def _batch(self, arr: pa.Array):
        mat, lengths = self._prepare(arr)
        n = len(lengths)
        scripts = self.script_counts(mat)
        lang = np.full(n, "und", dtype=object)
        conf = np.zeros(n, dtype=np.float32)
        letters = scripts.sum(axis=1)
        top = scripts.argmax(axis=1)
        by_script = np.zeros(n, dtype=bool)
        for k, name in enumerate(SCRIPT_NAMES):
            code = _DECIDED.get(name) or ("zh" if name == "han" else None)
            if code is None:
                continue
            share = np.divide(scripts[:, k], letters, out=np.zeros(n), where=letters > 0)
            m = (top == k) & (share >= 0.5) & (letters > 0)
            if name == "han":
                m &= scripts[:, SCRIPT_NAMES.index("kana")] == 0
            lang[m], conf[m], by_script[m] = code, 1.0, True
        todo = np.flatnonzero(~by_script & (lengths > 0))
        if len(todo):
            scores = self._scores(mat[todo], lengths[todo])
            if self._weights is not None:
                scores *= self._weights
                scores /= np.maximum(scores.sum(axis=1, keepdims=True), 1e-30)
            best = scores.argmax(axis=1)
            lang[todo] = self.classes[best]
            conf[todo] = scores[np.arange(len(todo)), best]
            conf[todo[letters[todo] == 0]] = 0.0
            lang[todo[letters[todo] == 0]] = "und"  # digits and punctuation only
        return lang, conf, scripts, by_script

    def _scores(self, mat: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Normalised class probabilities (n, classes) for the byte rows of ``mat``."""
        from scipy.sparse import csr_matrix

        n, width = mat.shape
        order = np.argsort(-lengths, kind="stable")  # longest first: the active rows are a prefix
        mat, lengths = mat[order], lengths[order]
        state = np.zeros(n, dtype=np.int32)
        rows, feats = [], []
        cols = np.ascontiguousarray(mat.T).astype(np.int32)  # one contiguous row per byte position
        for p in range(width):
            active = int(np.searchsorted(-lengths, -p, side="left"))  # rows with length > p
            if active == 0:
                break
            st = self.nextmove[self.rowbase[state[:active]] + cols[p, :active]]
            state[:active] = st
            f = self.output[st]
            hit = np.flatnonzero(f >= 0)
            rows.append(hit)
            feats.append(f[hit])
        r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        f = np.concatenate(feats) if feats else np.zeros(0, np.int32)
        counts = csr_matrix((np.ones(len(r), np.float32), (r, f)), shape=(n, self.ptc.shape[0]))
        counts.sum_duplicates()
        counts.data = np.log1p(counts.data)
        scores = np.asarray(counts @ self.ptc) + self.pc
        scores *= (1.0 / np.sqrt(np.maximum(lengths, 1)))[:, None]
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        for i, j in self._alias:
            scores[:, i] += scores[:, j]
            scores[:, j] = 0.0
        out = np.empty_like(scores)
        out[order] = scores
        return out
