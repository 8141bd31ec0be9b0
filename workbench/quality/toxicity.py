"""A small offensive-language classifier whose weights ship in the package (no download, no pickle).

Model: logistic regression over hashed word unigrams, word bigrams and character n-grams inside
words (like scikit-learn's ``analyzer="char_wb"``; the shipped weights use 4-5-grams, the lengths are
stored with them), each feature scaled by its naive-Bayes log-count ratio (NBSVM-style; the scaling is
folded into the shipped weights, so inference is one weight per feature), trained by
``tools/train_toxicity.py`` with scikit-learn on public sets whose licences allow it (the card ``models/toxicity_card.json`` and the
README list them): Davidson et al. 2017 tweets (t-davidson/hate-speech-and-offensive-language, MIT),
Surge AI's toxicity sample (surge-ai/toxicity, MIT), ConvAbuse user turns (amandacurry/convabuse,
CC BY 4.0), ToxiGen prompt sentences (microsoft/TOXIGEN, MIT), Toxic Spans / Civil Comments posts
(ipavlopoulos/toxic_spans, CC0), HateCheck cases (paul-rottger/hatecheck-data, CC BY 4.0) and, as
negatives, LLaMA-Factory's C4 sample and Glaive tool-calling turns (ODC-By / Apache-2.0). Weights:
``models/toxicity_char_ngram.npz`` (float16 coefficients, compressed; the file name is historical).
Measured on OffensEval 2019 (OLID) test set A, never trained on:
``benchmarks/bench_signal_quality_toxicity.py``.

Inference is numpy + Arrow, vectorised over the batch, and never loops over rows:

1. each text keeps a head + tail window (``head_bytes`` + ``tail_bytes`` of UTF-8): an offensive
   phrase in the middle of a very long answer is the price of a bounded cost per record;
2. ASCII is lower-cased and digits become ``0`` through a byte table; runs of word bytes (letters,
   digits, ``_*'@``, any non-ASCII byte except general punctuation) are tokens, cut with numpy;
3. the tokens are dictionary-encoded by Arrow, so the hashing of a token and of its character n-grams
   is done once per *distinct* token (a byte matrix of the distinct tokens, rolling uint32 hash);
4. each occurrence gathers its token's summed weight, each adjacent pair its bigram weight, and a
   bincount sums them per row; the logit is ``sum / sqrt(number of features) + intercept``.

Every feature occurrence counts 1 and a row is scaled by ``1/sqrt(its feature count)``, so the
per-token sums are exact: ``featurize`` (the scipy matrix used in training) and ``toxicity_scores``
share ``_tokenize`` and ``_token_slots`` and agree to float rounding.
"""
from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.quality import textops

MODEL_DIR = Path(__file__).with_name("models")
WEIGHTS = MODEL_DIR / "toxicity_char_ngram.npz"
CARD = MODEL_DIR / "toxicity_card.json"

_MULT = np.uint32(0x01000193)  # FNV prime for the rolling hash; slots go through a murmur finaliser
_SEED_WORD, _SEED_BIGRAM = np.uint32(0x9E3779B1), np.uint32(0x85EBCA77)
_SEED_CHAR = (0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0xD3A2646C, 0xFD7046C5, 0xB55A4F09, 0x3C6EF372)
_THREADS = max(1, min(2, os.cpu_count() or 1))

# byte tables: ASCII lower-case with digits as "0"; which bytes belong to a word
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[65:91] += 32
_LOWER[48:58] = 48
_WORD = np.zeros(256, dtype=bool)
_WORD[[*range(97, 123), 48, 95, 39, 42, 64]] = True  # a-z, 0 (any digit), _ ' * @
_WORD[0x80:] = True  # non-ASCII letters (general punctuation U+2000-206F is cut below)
# mentions, link parts and HTML entity names carry no feature (tweets are full of them, answers not)
_DROP = ("http", "https", "www", "amp", "quot", "gt", "lt", "user", "url")


@dataclass(frozen=True)
class HashParams:
    """How texts become features: the window kept of each text, the character n-gram lengths inside
    words (of ``<token>``, the first ``max_token_bytes`` bytes), word bigrams, and the hashed space."""

    n_features: int = 1 << 19  # a power of two
    char_min: int = 3
    char_max: int = 5
    bigrams: bool = True
    max_token_bytes: int = 20
    head_bytes: int = 320
    tail_bytes: int = 128


def _fmix(h: np.ndarray) -> np.ndarray:
    """murmur3's 32-bit finaliser (in place on a uint32 array): spreads every input bit."""
    with np.errstate(over="ignore"):
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    return h


def _window(data: np.ndarray, offsets: np.ndarray, head: int, tail: int):
    """The head + tail bytes of each string: (bytes, offsets, start of each tail part or -1)."""
    lengths = np.diff(offsets)
    keep_head = np.minimum(lengths, head)
    keep_tail = np.clip(lengths - head, 0, tail)
    if not (lengths > head).any():
        return data, offsets, np.full(len(lengths), -1, np.int64)
    kept = keep_head + keep_tail
    new_off = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(kept, out=new_off[1:])
    # source index of every kept byte: a run from the row start, then a run ending at the row end
    starts = np.stack([offsets[:-1], offsets[1:] - keep_tail], axis=1).ravel()
    runs = np.stack([keep_head, keep_tail], axis=1).ravel()
    nz = runs > 0
    starts, runs = starts[nz], runs[nz]
    src = np.ones(int(new_off[-1]), np.int64)
    if len(runs):
        pos = np.cumsum(runs) - runs
        src[pos[0]] = starts[0]
        src[pos[1:]] = starts[1:] - (starts[:-1] + runs[:-1]) + 1
        np.cumsum(src, out=src)
    tail_start = np.where(keep_tail > 0, new_off[:-1] + keep_head, -1)
    return data[src], new_off, tail_start


def _tokenize(texts, params: HashParams):
    """(row of each token, index of each token in the distinct tokens, the distinct tokens as
    canonical strings, number of rows)."""
    arr = textops.as_strings(texts)
    n = len(arr)
    data, offsets = textops.utf8_buffers(arr)
    data, offsets, tail_start = _window(data, offsets, params.head_bytes, params.tail_bytes)
    low = _LOWER[data]
    word = _WORD[low]
    if len(low) >= 3:  # general punctuation (U+2000-206F: quotes, dashes, ellipsis) separates words
        lead = np.flatnonzero((low[:-2] == 0xE2) & ((low[1:-1] == 0x80) | (low[1:-1] == 0x81)))
        for k in range(3):
            word[lead + k] = False
    start = word.copy()
    start[1:] &= ~word[:-1]
    forced = np.concatenate([offsets[:-1], tail_start[tail_start >= 0]])
    forced = forced[forced < len(word)]
    start[forced] = word[forced]  # a token never spans two rows or the head/tail gap
    wpos = np.flatnonzero(word)
    tok_pos = np.flatnonzero(start)
    if not len(tok_pos):
        return np.zeros(0, np.int64), np.zeros(0, np.int32), pa.array([], pa.string()), n
    compact = low[wpos]
    # a token's offset in the compacted bytes is the number of word bytes before it
    rank = np.cumsum(word, dtype=np.int32)
    tok_off = np.append(rank[tok_pos] - 1, np.int32(len(wpos))).astype(np.int32)
    tokens = pa.StringArray.from_buffers(len(tok_pos), pa.py_buffer(tok_off), pa.py_buffer(compact))
    enc = pc.dictionary_encode(tokens)
    idx = enc.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    uniq = enc.dictionary
    # canonical forms: @mentions, link schemes and HTML entity names become "" (no feature)
    drop = pc.or_(pc.starts_with(uniq, "@"), pc.is_in(uniq, value_set=pa.array(_DROP)))
    uniq = pc.if_else(drop, pa.scalar(""), uniq)
    rows = np.repeat(np.arange(n), textops.segment_counts(start, offsets))
    return rows, idx, uniq, n


def _token_slots(uniq: pa.Array, params: HashParams):
    """For each distinct token: (slots (U, G) int32, with ``n_features`` for "no feature"; token hash
    uint32). Slot 0 is the word itself, the rest its character n-grams of ``<token>``."""
    data, offsets = textops.utf8_buffers(uniq)
    lengths = np.minimum(np.diff(offsets), params.max_token_bytes)
    u = len(lengths)
    width = params.max_token_bytes + 2
    cols = np.arange(width, dtype=np.int64)
    inner = (cols[None, :] >= 1) & (cols[None, :] <= lengths[:, None])
    src = np.where(inner, offsets[:-1, None] + cols[None, :] - 1, len(data))
    padded = np.concatenate([data, np.zeros(1, np.uint8)])
    mat = padded[src].astype(np.uint32)
    rows = np.arange(u)
    mat[:, 0] = 60  # "<"
    mat[rows, lengths + 1] = 62  # ">"
    mask = np.uint32(params.n_features - 1)
    none = params.n_features
    out = []
    with np.errstate(over="ignore"):
        h_tok = np.zeros(u, np.uint32)
        for c in range(1, params.max_token_bytes + 1):
            live = c <= lengths
            h_tok = np.where(live, h_tok * _MULT + mat[:, c], h_tok)
        word_slot = (_fmix(h_tok ^ _SEED_WORD) & mask).astype(np.int32)
        word_slot[lengths == 0] = none
        out.append(word_slot[:, None])
        h = np.zeros_like(mat)
        for k in range(1, params.char_max + 1):
            span = width - k + 1
            h = h[:, :span] * _MULT + mat[:, k - 1:k - 1 + span]
            if k >= params.char_min:
                slot = (_fmix(h ^ np.uint32(_SEED_CHAR[k % len(_SEED_CHAR)])) & mask).astype(np.int32)
                # the n-gram at column i spans i..i+k-1 of "<token>" (length + 2 bytes)
                valid = (np.arange(span)[None, :] + k <= (lengths + 2)[:, None]) & (lengths > 0)[:, None]
                slot[~valid] = none
                out.append(slot)
    return np.concatenate(out, axis=1), h_tok


def _bigram_slots(rows: np.ndarray, idx: np.ndarray, h_tok: np.ndarray, empty: np.ndarray,
                  params: HashParams) -> tuple[np.ndarray, np.ndarray]:
    """(row, slot) of each pair of adjacent tokens in the same row (neither of them empty)."""
    if not params.bigrams or len(idx) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    a, b = idx[:-1], idx[1:]
    ok = (rows[:-1] == rows[1:]) & ~empty[a] & ~empty[b]
    with np.errstate(over="ignore"):
        h = (h_tok[a[ok]] * _MULT) ^ (h_tok[b[ok]] + _SEED_BIGRAM)
    slot = (_fmix(h) & np.uint32(params.n_features - 1)).astype(np.int32)
    return rows[:-1][ok], slot


def featurize(texts, params: HashParams = HashParams()):
    """scipy CSR matrix (n, n_features): each feature occurrence is worth ``1/sqrt(row total)``."""
    from scipy.sparse import csr_matrix

    rows, idx, uniq, n = _tokenize(texts, params)
    slots, h_tok = _token_slots(uniq, params)
    empty = (slots == params.n_features).all(axis=1)
    tok_slots = slots[idx]
    valid = tok_slots != params.n_features
    b_rows, b_slots = _bigram_slots(rows, idx, h_tok, empty, params)
    r = np.concatenate([np.repeat(rows, valid.sum(axis=1)), b_rows])
    c = np.concatenate([tok_slots[valid], b_slots])
    total = np.bincount(r, minlength=n).astype(np.float64)
    scale = 1.0 / np.sqrt(np.maximum(total, 1))
    x = csr_matrix((scale[r].astype(np.float32), (r, c)), shape=(n, params.n_features))
    x.sum_duplicates()
    return x


@lru_cache(maxsize=2)
def load_model(path: str = str(WEIGHTS)) -> tuple[np.ndarray, float, HashParams]:
    """(coefficients as float32 with a zero slot appended, intercept, hashing parameters)."""
    with np.load(path, allow_pickle=False) as z:
        coef = np.append(z["coef"].astype(np.float32), np.float32(0))  # slot n_features: no feature
        intercept = float(z["intercept"][0])
        params = HashParams(**json.loads(str(z["params"])))
    return coef, intercept, params


def _logits(texts: pa.Array, coef: np.ndarray, intercept: float, params: HashParams) -> np.ndarray:
    rows, idx, uniq, n = _tokenize(texts, params)
    if not len(idx):
        return np.full(n, intercept, np.float32)
    slots, h_tok = _token_slots(uniq, params)
    tok_weight = coef[slots].sum(axis=1)
    tok_count = (slots != params.n_features).sum(axis=1).astype(np.float32)
    empty = tok_count == 0
    b_rows, b_slots = _bigram_slots(rows, idx, h_tok, empty, params)
    total = np.bincount(rows, tok_count[idx], minlength=n) + np.bincount(b_rows, minlength=n)
    logit = np.bincount(rows, tok_weight[idx], minlength=n) + np.bincount(b_rows, coef[b_slots], minlength=n)
    return (logit / np.sqrt(np.maximum(total, 1)) + intercept).astype(np.float32)


def toxicity_scores(texts, batch_size: int = 32768, path: str = str(WEIGHTS)) -> np.ndarray:
    """Probability that each text is offensive (float32 in [0, 1]); "" scores low. Batches run on a
    small thread pool (Arrow and numpy release the GIL)."""
    coef, intercept, params = load_model(path)
    arr = textops.as_strings(texts)
    parts = [arr.slice(lo, batch_size) for lo in range(0, len(arr), batch_size)]
    if len(parts) > 1 and _THREADS > 1:
        with ThreadPoolExecutor(_THREADS) as pool:
            logits = list(pool.map(lambda p: _logits(p, coef, intercept, params), parts))
    else:
        logits = [_logits(p, coef, intercept, params) for p in parts]
    logit = np.concatenate(logits) if logits else np.zeros(0, np.float32)
    return (1.0 / (1.0 + np.exp(-logit))).astype(np.float32)


def model_card(path: Path = CARD) -> dict:
    """The shipped card: sources, licences, training and measured metrics."""
    return json.loads(path.read_text(encoding="utf-8"))
