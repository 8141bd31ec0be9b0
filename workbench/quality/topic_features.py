"""Text features for topics and the map: hashed byte n-gram TF-IDF reduced by truncated SVD.

Why byte n-grams rather than the static word embeddings of ``quality.embed``: on mixtures of real
files (Alpaca, tool-calling chats, MT-bench, identity chats, Chinese Alpaca) clusters of byte n-gram
TF-IDF follow the sources better (normalised mutual information 0.53 against 0.49 over six files,
0.42 against 0.36 over four, same k: ``benchmarks/bench_topics.py``) because they see style ("Hi, can
you...", "Rewrite the...") as well as content, and they work for any script without a tokenizer (a CJK
character is three UTF-8 bytes, so 2- to 4-byte windows cover it).

Speed: the n-grams are hashed with numpy over the Arrow string buffer, a batch at a time (no Python
loop per record); the SVD is fitted on a seeded sample of 10k texts and applied to
every batch, so memory is bounded by the batch plus the ``n x dims`` float32 result.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.turns import as_strings, utf8_buffers

if TYPE_CHECKING:
    import scipy.sparse as sp

N_FEATURES = 2**18
NGRAMS = (2, 3, 4)
MAX_CHARS = 200          # a prompt's topic is in its opening; longer texts are cut (speed)
BATCH = 50_000


def hashed_ngrams(texts, max_chars: int = MAX_CHARS, ngrams=NGRAMS, n_features: int = N_FEATURES) -> sp.csr_matrix:
    """Counts of hashed byte n-grams of the lower-cased opening of each text (rows = texts).

    Windows never cross a text's end. The hash is a multiply-xorshift of the packed bytes, so it is the
    same in every process (Python's ``hash`` is salted per process).
    """
    import scipy.sparse as sp  # deferred: importing the topics signal should not load scipy

    arr = as_strings(texts)
    n = len(arr)
    arr = pc.utf8_lower(pc.utf8_slice_codeunits(arr, 0, max_chars))
    data, off = utf8_buffers(arr)
    data = data.astype(np.uint64)
    lengths = np.diff(off)
    rows, cols = [], []
    byte_doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
    for g in ngrams:
        if len(data) < g:
            continue
        m = len(data) - g + 1
        packed = np.zeros(m, dtype=np.uint64)
        for j in range(g):
            packed = (packed << np.uint64(8)) | data[j:j + m]
        h = (packed + np.uint64(g)) * np.uint64(0x9E3779B97F4A7C15)
        h ^= h >> np.uint64(29)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(32)
        # a window starting at byte p belongs to the text whose span holds p..p+g-1
        doc = byte_doc[:m]
        ok = np.arange(m, dtype=np.int64) + g <= off[doc + 1]
        rows.append(doc[ok])
        cols.append((h[ok] % np.uint64(n_features)).astype(np.int64))
    if not rows:
        return sp.csr_matrix((n, n_features), dtype=np.float32)
    r, c = np.concatenate(rows), np.concatenate(cols)
    out = sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(n, n_features))
    out.sum_duplicates()
    return out


@dataclass
class TopicSpace:
    """A fitted projection: sublinear TF-IDF of hashed n-grams, then truncated SVD, then L2 norm.

    Rows of :meth:`transform` are unit vectors (zero rows for empty texts), so a dot product is the
    cosine similarity.
    """

    idf: np.ndarray            # (n_features,) float32
    components: np.ndarray     # (dims, n_features) float32
    mean: np.ndarray           # (dims,) mean of the projected sample, removed before normalising
    max_chars: int = MAX_CHARS

    @classmethod
    def fit(cls, texts, dims: int = 64, seed: int = 0, max_chars: int = MAX_CHARS) -> TopicSpace:
        """Fit on ``texts`` (a sample: tens of thousands are plenty)."""
        from sklearn.decomposition import TruncatedSVD

        counts = hashed_ngrams(texts, max_chars)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        n = counts.shape[0]
        idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        tfidf = _weigh(counts, idf)
        # the SVD runs on the n-grams seen in two or more sample texts only: the randomized solver's
        # cost grows with the column count, and an n-gram seen once shapes no topic
        used = np.flatnonzero(df >= 2) if (df >= 2).sum() >= 2 else np.flatnonzero(df > 0)
        dims = max(1, min(dims, n - 1, len(used) - 1))
        svd = TruncatedSVD(n_components=dims, random_state=seed, n_iter=4).fit(tfidf[:, used])
        comps = np.zeros((dims, counts.shape[1]), dtype=np.float32)
        comps[:, used] = svd.components_
        proj = np.asarray(tfidf @ comps.T, dtype=np.float32)
        return cls(idf, comps, proj.mean(axis=0), max_chars)

    def transform(self, texts, batch: int = BATCH) -> np.ndarray:
        """Unit-length projections of ``texts`` as a float32 ``(n, dims)`` array, batch by batch."""
        arr = as_strings(texts)
        out = np.zeros((len(arr), self.components.shape[0]), dtype=np.float32)
        comps_t = np.ascontiguousarray(self.components.T)
        for lo in range(0, len(arr), batch):
            counts = hashed_ngrams(arr.slice(lo, batch), self.max_chars)
            block = np.asarray(_weigh(counts, self.idf) @ comps_t, dtype=np.float32)
            empty = np.diff(counts.indptr) == 0
            block -= self.mean  # the shared direction (every prompt's "the", "ing") says nothing of topic
            norms = np.linalg.norm(block, axis=1, keepdims=True)
            np.divide(block, norms, out=block, where=norms > 0)
            block[empty] = 0.0
            out[lo:lo + len(block)] = block
        return out


def _weigh(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF (1 + log count) times IDF, rows L2-normalised."""
    w = counts.copy()
    w.data = (1.0 + np.log(w.data)) * idf[w.indices]
    norms = np.sqrt(np.asarray(w.multiply(w).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    w.data /= np.repeat(norms, np.diff(w.indptr)).astype(np.float32)
    return w


def seeded_sample(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted positions of a seeded sample of ``min(n, size)`` rows (all rows when ``n <= size``)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def take(texts: pa.Array, rows: np.ndarray) -> pa.Array:
    return as_strings(texts).take(pa.array(rows))
