"""Features of a prompt for the task-type classifier, shared by inference and the training script.

What is typed is the *instruction view* of the first user turn: its first paragraph (cut to
``HEAD_CHARS``) plus its last paragraph when that is short (a question after a passage). A long passage
says little about the kind of task and would drown the instruction, so it only counts through the
structural flag ``has_passage``.

Features (all computed from one tokenisation by WordLlama's shipped tokenizer):
- the WordLlama static embedding of the view (mean of token vectors, L2-normalised: the same
  vectors as ``workbench.quality.embed.embed_texts`` for texts of up to ``MAX_TOKENS`` tokens);
- hashed token 1-, 2- and 3-grams (``N_HASH`` bins, binary, L2-normalised). Chinese characters are
  byte tokens in this vocabulary, so their bigrams and trigrams stand for characters and words;
- a few structural flags (passage, length, multi-turn, code fence, digits, CJK share).
"""
from __future__ import annotations

import functools
import itertools
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

HEAD_CHARS = 500       # the instruction is at the start; a passage after it is not read
TAIL_CHARS = 300       # a short last paragraph (the question after a passage) is read too
MAX_TOKENS = 160       # tokens per view: bounded time at 1M records
N_HASH = 1 << 16       # hashed n-gram bins (weights: N_HASH x classes)
PASSAGE_MIN = 120      # characters after the first paragraph that make a "given passage"
STRUCT_NAMES = ("has_passage", "log_chars", "multi_turn", "fence_prompt", "fence_response",
                "digit_share", "cjk_share", "question_mark")
_MULT = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_SPLIT = re.compile(r"\n\s*\n")


@functools.lru_cache(maxsize=1)
def _tokenizer():
    """A private copy of WordLlama's tokenizer with truncation (the shared one must stay as it is)."""
    from tokenizers import Tokenizer

    from workbench.quality.embed import model

    tok = Tokenizer.from_str(model().tokenizer.to_str())
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    return tok


def instruction_view(text: str) -> tuple[str, bool]:
    """(view, has_passage) of one first user turn; see the module docstring."""
    text = (text or "").strip()
    if not text:
        return "", False
    parts = _SPLIT.split(text[:4000], maxsplit=1)
    head = parts[0][:HEAD_CHARS]
    rest = text[len(parts[0]):].strip() if len(parts) > 1 else ""
    passage = len(rest) >= PASSAGE_MIN or len(parts[0]) > 1500
    view = head
    if rest:
        last = _SPLIT.split(rest[-2000:])[-1].strip()
        if 0 < len(last) <= TAIL_CHARS and last not in head:
            view = f"{head}\n{last}"
    return view, passage


def structural(views: list[str], passages: np.ndarray, first_turns: list[str], user_turns: np.ndarray,
               responses: list[str] | None) -> np.ndarray:
    """The structural flags (:data:`STRUCT_NAMES`) as a float32 matrix."""
    n = len(views)
    arr = pa.array(first_turns, pa.string())
    chars = pc.utf8_length(arr).to_numpy(zero_copy_only=False).astype(np.float32)
    va = pa.array(views, pa.string())
    vlen = np.maximum(pc.utf8_length(va).to_numpy(zero_copy_only=False), 1).astype(np.float32)
    digits = pc.count_substring_regex(va, r"[0-9+\-*/=^×÷]").to_numpy(zero_copy_only=False)
    cjk = pc.count_substring_regex(va, r"[\x{4e00}-\x{9fff}]").to_numpy(zero_copy_only=False)
    fence_p = pc.match_substring(arr, "```").to_numpy(zero_copy_only=False)
    if responses is not None:
        fence_r = pc.match_substring(pa.array(responses, pa.string()), "```").to_numpy(zero_copy_only=False)
    else:
        fence_r = np.zeros(n, bool)
    qmark = pc.match_substring_regex(va, r"[?？]").to_numpy(zero_copy_only=False)
    out = np.zeros((n, len(STRUCT_NAMES)), np.float32)
    out[:, 0] = passages
    out[:, 1] = np.log1p(chars) / 8.0
    out[:, 2] = np.asarray(user_turns) >= 2
    out[:, 3] = fence_p
    out[:, 4] = fence_r
    out[:, 5] = np.minimum(digits / vlen * 5, 1.0)
    out[:, 6] = np.minimum(cjk / vlen, 1.0)
    out[:, 7] = qmark
    return out


def tokenize(views: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of every view, flattened, and each view's token count."""
    encs = _tokenizer().encode_batch(views, add_special_tokens=False)
    lengths = np.fromiter((len(e.ids) for e in encs), dtype=np.int64, count=len(encs))
    ids = np.fromiter(itertools.chain.from_iterable(e.ids for e in encs), dtype=np.int64,
                      count=int(lengths.sum()))
    return ids, lengths


def embeddings(ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """L2-normalised mean of WordLlama token vectors per view (zero rows for empty views)."""
    from workbench.quality.embed import model

    table = model().embedding
    n = len(lengths)
    out = np.zeros((n, table.shape[1]), np.float32)
    nz = lengths > 0
    if ids.size:
        vec = table[np.clip(ids, 0, table.shape[0] - 1)]
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        out[nz] = np.add.reduceat(vec, starts[nz], axis=0) / lengths[nz, None]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def hashed_ngrams(ids: np.ndarray, lengths: np.ndarray) -> sp.csr_matrix:
    """Binary, L2-normalised hashed token 1/2/3-grams per view as a CSR matrix (n x N_HASH)."""
    n = len(lengths)
    row = np.repeat(np.arange(n), lengths)
    u = ids.astype(np.uint64)
    cols, rows = [], []
    for k in range(3):
        if len(u) <= k:
            break
        same = row[k:] == row[:len(row) - k]
        h = np.zeros(len(u) - k, np.uint64)
        with np.errstate(over="ignore"):
            for j in range(k + 1):
                h = (h ^ (u[j:len(u) - k + j] + np.uint64(j + 1))) * _MULT[k]
        cols.append((h[same] >> np.uint64(40)) % np.uint64(N_HASH))
        rows.append(row[k:][same])
    if cols:
        c, r = np.concatenate(cols).astype(np.int64), np.concatenate(rows)
    else:
        c = r = np.zeros(0, np.int64)
    mat = sp.csr_matrix((np.ones(len(c), np.float32), (r, c)), shape=(n, N_HASH))
    mat.sum_duplicates()
    mat.data[:] = 1.0
    norms = np.sqrt(np.asarray(mat.sum(axis=1)).ravel())
    mat = sp.diags(np.divide(1.0, norms, out=np.zeros(n), where=norms > 0).astype(np.float32)) @ mat
    return mat.tocsr()


def featurize(first_turns: list[str], user_turns=None, responses: list[str] | None = None):
    """(views, embedding matrix, hashed n-gram CSR, structural matrix) for a list of first user turns."""
    n = len(first_turns)
    first_turns = [t if isinstance(t, str) else "" for t in first_turns]
    pairs = [instruction_view(t) for t in first_turns]
    views = [p[0] for p in pairs]
    passages = np.fromiter((p[1] for p in pairs), dtype=bool, count=n)
    if user_turns is None:
        user_turns = np.ones(n, np.int64)
    ids, lengths = tokenize(views)
    struct = structural(views, passages, first_turns, np.asarray(user_turns), responses)
    return views, embeddings(ids, lengths), hashed_ngrams(ids, lengths), struct
