"""A small offensive-language classifier whose weights ship in the package (no download, no pickle).

Model: logistic regression over hashed character n-grams (2 to 5 bytes of the lower-cased, normalised
text, like scikit-learn's ``HashingVectorizer(analyzer="char")``), trained by ``tools/train_toxicity.py``
with scikit-learn on the Davidson et al. (2017) hate-speech and offensive-language tweets
(github.com/t-davidson/hate-speech-and-offensive-language, MIT licence) and Surge AI's toxicity sample
(github.com/surge-ai/toxicity, MIT licence). Its weights are
``models/toxicity_char_ngram.npz`` (float16 coefficients, compressed) and its card, with the sources,
the licences and the measured quality, ``models/toxicity_card.json``.

Inference is numpy only and vectorised over the batch: the texts become one padded byte matrix, each
n-gram length is one rolling multiply-add over its columns (uint32 arithmetic), the hashed indices
gather their weights, and the sum over a row, scaled by ``1/sqrt(n-grams)`` as in training, is the
logit. ``featurize`` gives the same features as a scipy matrix for training.
"""
from __future__ import annotations

import json
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

_MULT = np.uint32(0x01000193)  # FNV prime: a cheap multiply-add hash that spreads bytes well
_SEEDS = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0xD3A2646C)
_NORMALISE = (
    (r"https?://\S+|www\.\S+", " url "),
    (r"@\w+", " @user "),
    (r"&amp;", "&"),
    (r"&\w+;", " "),
    (r"\d", "0"),
    (r"\s+", " "),
)


@dataclass(frozen=True)
class HashParams:
    """How texts become features: byte n-grams ``ngram_min..ngram_max`` of the normalised text (the
    first ``max_bytes`` bytes), hashed into ``n_features`` slots."""

    n_features: int = 1 << 18  # a power of two
    ngram_min: int = 2
    ngram_max: int = 5
    max_bytes: int = 256


def normalise(texts) -> pa.Array:
    """Lower-cased texts with links, mentions, digits, entities and white space made uniform (Arrow)."""
    arr = pc.utf8_lower(textops.as_strings(texts))
    for pattern, repl in _NORMALISE:
        arr = pc.replace_substring_regex(arr, pattern, repl)
    return arr


def _byte_matrix(arr: pa.Array, max_bytes: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, width) uint8 matrix of " " + text[:max_bytes] + " ", zero-padded, and the row lengths."""
    data, offsets = textops.utf8_buffers(arr)
    lengths = np.minimum(np.diff(offsets), max_bytes) + 2
    width = int(lengths.max()) if len(lengths) else 2
    cols = np.arange(width, dtype=np.int64)
    inner = (cols[None, :] >= 1) & (cols[None, :] < lengths[:, None] - 1)
    src = np.where(inner, offsets[:-1, None] + cols[None, :] - 1, len(data))
    padded = np.concatenate([data, np.zeros(1, np.uint8)])
    mat = padded[src]
    rows = np.arange(len(lengths))
    mat[:, 0] = 32
    mat[rows, lengths - 1] = 32
    return mat, lengths


def hashed_ngrams(texts, params: HashParams = HashParams()):
    """For each n-gram length, the (n, positions) feature indices and validity mask of ``texts``."""
    arr = normalise(texts)
    mat, lengths = _byte_matrix(arr, params.max_bytes)
    m32 = mat.astype(np.uint32)
    width = mat.shape[1]
    h = np.zeros_like(m32)
    out = []
    with np.errstate(over="ignore"):
        for k in range(1, params.ngram_max + 1):
            # h_k[:, i] = (h_{k-1}[:, i] * M + byte[i + k - 1]) ^ seed_k, built from the shorter n-gram
            span = width - k + 1
            if span <= 0:
                break
            h = h[:, :span] * _MULT + m32[:, k - 1:k - 1 + span]
            if k >= params.ngram_min:
                # n_features is a power of two: a mask, not a (slow) modulo; slots past a text's end
                # go to the extra zero-weight slot n_features, so no mask is needed when scoring
                idx = (((h ^ np.uint32(_SEEDS[k % len(_SEEDS)])) * _MULT) >> np.uint32(7)).astype(np.int32)
                idx &= np.int32(params.n_features - 1)
                valid = np.arange(span, dtype=np.int32)[None, :] <= (lengths - k)[:, None]
                idx[~valid] = params.n_features
                out.append((idx, valid))
    return out


def featurize(texts, params: HashParams = HashParams()):
    """scipy CSR matrix (n, n_features) of the hashed n-grams, each occurrence worth ``1/sqrt(total)``."""
    from scipy.sparse import csr_matrix

    grams = hashed_ngrams(texts, params)
    n = len(grams[0][0]) if grams else 0
    total = sum(v.sum(axis=1) for _, v in grams) if grams else np.zeros(n)
    scale = 1.0 / np.sqrt(np.maximum(total, 1))
    rows = np.concatenate([np.nonzero(v)[0] for _, v in grams])
    cols = np.concatenate([i[v] for i, v in grams])
    x = csr_matrix((scale[rows].astype(np.float32), (rows, cols)), shape=(n, params.n_features))
    # (the zero-weight slot n_features only ever holds masked positions, so it is not a column here)
    x.sum_duplicates()
    return x


@lru_cache(maxsize=2)
def load_model(path: str = str(WEIGHTS)) -> tuple[np.ndarray, float, HashParams]:
    """(coefficients as float32, intercept, hashing parameters) from the shipped ``.npz``."""
    with np.load(path, allow_pickle=False) as z:
        coef = np.append(z["coef"].astype(np.float32), np.float32(0))  # + the zero slot past the end
        intercept = float(z["intercept"][0])
        params = HashParams(**json.loads(str(z["params"])))
    return coef, intercept, params


def toxicity_scores(texts, batch_size: int = 4096, path: str = str(WEIGHTS)) -> np.ndarray:
    """Probability that each text is offensive (float32 in [0, 1]); "" scores low."""
    coef, intercept, params = load_model(path)
    arr = textops.as_strings(texts)
    out = np.zeros(len(arr), dtype=np.float32)
    for lo in range(0, len(arr), batch_size):
        part = arr.slice(lo, batch_size)
        total = np.zeros(len(part), dtype=np.float32)
        logit = np.zeros(len(part), dtype=np.float32)
        for idx, valid in hashed_ngrams(part, params):
            logit += coef[idx].sum(axis=1)
            total += valid.sum(axis=1)
        logit = logit / np.sqrt(np.maximum(total, 1)) + intercept
        out[lo:lo + len(part)] = 1.0 / (1.0 + np.exp(-logit))
    return out


def model_card(path: Path = CARD) -> dict:
    """The shipped card: sources, licences, training and measured metrics."""
    return json.loads(path.read_text(encoding="utf-8"))
