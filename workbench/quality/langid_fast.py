"""Batch language identification: py3langid's model, run for many texts at once.

Why not ``py3langid.classify`` per text: its byte-DFA feature walk is a Python loop per byte (~80 us
for a 400-character text). Here the same model (weights shipped in the wheel, no download) runs over a
batch in lock-step: one numpy gather per byte position for all texts, sparse feature counts, and one
sparse x dense product for the naive-Bayes scores. The arithmetic is py3langid's (NFC, lower-casing of
all-caps text, ``log1p(count)`` features, ``1/sqrt(bytes)`` softmax temperature), so labels match.

``english_fast_pass`` decides plain English prose without the model: Latin text without code or link
marks, in phrase-like segments, of whose words three in ten are frequent English words ("the", "of",
"which", "describe"...; words other languages share, such as "in", "a", "was", count only beside two
English-only ones). On English instruction data that is three records in four (none of 2,020 UDHR
sentences in 25 other languages qualifies); the others take the precise path below.

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
_SCRIPTS: dict[str, tuple[int, int, int, int] | None] = {
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


# Frequent English words that are rare as words of other Latin-script languages: function words and
# the verbs and nouns of instructions ("in", "a", "an", "is", "was", "we", "to", "on", "die", "so",
# "also", "will", "do", "i", "name", "list", "text", "art", "see" are left out on purpose)
ENGLISH_WORDS = frozenset(
    "the and of that with for this are you it be have has had which from not they your their there what "
    "would should could been were these those its our more when how than then into about such only other "
    "some very can it's don't you're i'm he she his her them who whom whose if but does just any each "
    "every many much most my me or by why where because through during before after without between "
    "people time way make made makes use using used help first new good best great important different "
    "following write describe explain generate create give provide sentence sentences example examples "
    "word words story paragraph answer question questions summarize identify suggest compose classify "
    "rewrite calculate compare three four five six two one below above given following please should "
    "like know think want need".split())
# English words that other languages also write ("in", "a", "was", "will"): they count towards the
# share only beside at least two words of ENGLISH_WORDS
ENGLISH_SHARED = frozenset("a an is in to on as at was we so do will i up out no all am us go".split())
_ENGLISH_ARRAY = pa.array(sorted(ENGLISH_WORDS))
_SHARED_ARRAY = pa.array(sorted(ENGLISH_SHARED))
_SEPARATORS = np.zeros(256, dtype=bool)
_SEPARATORS[[ord(c) for c in ",;:|\n"]] = True
# bytes that mark code, markup, links or e-mail addresses: such texts take the precise path (stripping)
_CODE_MARKS = np.zeros(256, dtype=bool)
_CODE_MARKS[[ord(c) for c in "`{}<>\\|$@\t"]] = True
_SOFT_MARKS = np.zeros(256, dtype=bool)  # prose has one or two of these ("a; b", "2 + 2 = 4")
_SOFT_MARKS[[ord(c) for c in ";=_#"]] = True


def english_fast_pass(texts, max_chars: int = 200, batch_size: int = 32768,
                      **kw) -> tuple[np.ndarray, np.ndarray]:
    """(which texts are plain English prose, their ASCII letters): ``_english_fast_pass`` on slices of
    ``batch_size`` texts (bounded temporaries), two at a time on threads (numpy and Arrow release the
    GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    arr = textops.as_strings(texts)
    parts = [arr.slice(lo, batch_size) for lo in range(0, len(arr), batch_size)]
    if len(parts) <= 1:
        return _english_fast_pass(arr, max_chars, **kw)
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda p: _english_fast_pass(p, max_chars, **kw), parts))
    return np.concatenate([d[0] for d in done]), np.concatenate([d[1] for d in done])


def _english_fast_pass(texts, max_chars: int = 200, min_letters: int = 20, min_words: int = 6,
                       min_hits: int = 3, min_share: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """(which texts are plain English prose, their ASCII letters), from the first ``max_chars``
    characters alone.

    A text qualifies when it is Latin script (ASCII, plus at most one Latin-1/Extended letter or
    general punctuation mark per 20 letters); holds no code, markup, link or address marks (backticks,
    braces, ``<>|$@``, tabs, "://", "www.", a line indented by four spaces, more than two of ``;=_#``);
    has ``min_words``
    words, of which at least ``min_hits`` and ``min_share`` are in ``ENGLISH_WORDS`` or
    ``ENGLISH_SHARED``, and at least two in ``ENGLISH_WORDS``; and has
    ``min_letters`` letters in phrase-like segments, as ``langtext.content_letters`` counts them (a
    segment ends at a line break or at ``, ; : |`` and counts with four words or more; numbered items
    must hold six words each on average), so that a list stays "und" as on the precise path.
    Vectorised: byte tables and segment counts over the UTF-8 buffer, words cut with numpy and
    dictionary-encoded by Arrow, the vocabulary test done once per distinct word.
    """
    arr = pc.utf8_slice_codeunits(textops.as_strings(texts), 0, max_chars)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if not n:
        return out, np.zeros(0, np.int64)
    data, offsets = textops.utf8_buffers(arr)
    if not len(data):
        return out, np.zeros(n, np.int64)
    # a non-ASCII character may be Latin-1/Extended (café, naïve) or general punctuation (’ — …),
    # a few of them; any other script sends the text to the precise path
    lead = data >= 0xC0
    bad = _CODE_MARKS[data] | (lead & ~(((data >= 0xC2) & (data <= 0xC9)) | (data == 0xE2)))
    letters = textops.segment_counts(((data | np.uint8(32)) - np.uint8(97)) < 26, offsets)
    cand = ((textops.segment_counts(bad, offsets) == 0) & (letters >= min_letters)
            & (textops.segment_counts(lead, offsets) * 20 <= letters)
            & (textops.segment_counts(_SOFT_MARKS[data], offsets) <= 2))
    if cand.any():  # links and indented code
        cand &= ~textops.regex_match(arr, r"://|(?i:www\.)|\n    ")
    rows = np.flatnonzero(cand)
    if not len(rows):
        return out, letters
    sub = arr if len(rows) == n else arr.take(pa.array(rows, pa.int64()))
    data, offsets = textops.utf8_buffers(sub)
    m = len(rows)
    low = data | np.uint8(32)  # ASCII letters lower-cased (other bytes are not read as letters)
    letter = (low - np.uint8(97)) < 26
    word = letter | (data == 39)  # apostrophes stay inside words: "don't"
    start = word.copy()
    start[1:] &= ~word[:-1]
    firsts = offsets[:-1][offsets[:-1] < offsets[1:]]
    start[firsts] = word[firsts]  # a word never spans two texts
    n_words = textops.segment_counts(start, offsets)
    # the vocabulary test: words as strings (compacted bytes), dictionary-encoded, looked up once each
    rank = np.cumsum(word, dtype=np.int64)
    pos = np.flatnonzero(start)
    tok_off = np.append(rank[pos] - 1, rank[-1] if len(rank) else 0).astype(np.int32)
    tokens = pa.StringArray.from_buffers(len(pos), pa.py_buffer(tok_off), pa.py_buffer(low[word]))
    enc = pc.dictionary_encode(tokens)
    idx = enc.indices.to_numpy(zero_copy_only=False)
    counts = []
    for vocab in (_ENGLISH_ARRAY, _SHARED_ARRAY):
        known = pc.is_in(enc.dictionary, value_set=vocab).to_numpy(zero_copy_only=False)
        mask = np.zeros(len(data), dtype=bool)
        mask[pos[known[idx]]] = True
        counts.append(textops.segment_counts(mask, offsets))
    strong, n_hits = counts[0], counts[0] + counts[1]
    # phrase-like content: letters of segments (between , ; : | and line breaks) with >= 4 words
    sep = np.zeros(len(data), dtype=bool)
    sep[1:] = _SEPARATORS[data[:-1]]
    seg_start = sep
    seg_start[offsets[:-1][offsets[:-1] < len(data)]] = True
    seg_off = np.append(np.flatnonzero(seg_start), len(data))
    seg_words = textops.segment_counts(start, seg_off)
    seg_letters = textops.segment_counts(letter, seg_off)
    seg_row = np.repeat(np.arange(m), textops.segment_counts(seg_start, offsets))
    content = np.bincount(seg_row, weights=np.where(seg_words >= 4, seg_letters, 0), minlength=m)
    # a numbered list of titles ("1. The Perfect Storm 2. Twister") is "und" on the precise path
    items = textops.regex_count(sub, r"(?:^|\s)\d+[.)]\s")
    out[rows] = ((n_words >= min_words) & (strong >= 2) & (n_hits >= min_hits)
                 & (n_hits >= min_share * n_words)
                 & (content >= min_letters) & (n_words >= 6 * (items + 1)))
    return out, letters
    sub = pc.ascii_lower(arr.take(pa.array(rows, pa.int64())))
    words = pc.split_pattern_regex(sub, r"[^a-z']+")
    flat = pc.list_flatten(words)
    parent = pc.list_parent_indices(words).to_numpy()
    real = pc.greater(pc.binary_length(flat), 0).to_numpy(zero_copy_only=False)
    hit = pc.is_in(flat, value_set=pa.array(sorted(ENGLISH_WORDS))).to_numpy(zero_copy_only=False)
    n_words = np.bincount(parent, weights=real, minlength=len(rows))
    n_hits = np.bincount(parent, weights=hit & real, minlength=len(rows))
    # a numbered list of titles ("1. The Perfect Storm 2. Twister") is "und" on the precise path
    items = textops.regex_count(sub, r"(?:^|\s)\d+[.)]\s")
    out[rows] = ((n_words >= min_words) & (strong >= 2) & (n_hits >= min_hits)
                 & (n_hits >= min_share * n_words)
                 & (n_words >= 6 * (items + 1)))
    return out, letters


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
                span = _SCRIPTS[name]
                assert span is not None  # only "latin" (index 0, skipped here) has none
                a, b, c, d = span
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
