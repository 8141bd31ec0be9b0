"""Features of a prompt for the task-type classifier, shared by inference and the training script.

What is typed is the *instruction view* of the first user turn: its first paragraph (cut to
``HEAD_CHARS``) plus its last paragraph when that is short (a question after a passage). A long passage
says little about the kind of task and would drown the instruction, so it only counts through the
structural flag ``has_passage``.

Tokens are lower-cased words and punctuation marks, with every CJK character a token of its own, cut
in Arrow (C++) for the whole batch at once: a subword tokenizer was the slowest step by far at 1M
records. Features:
- a static embedding: the L2-normalised mean of the WordLlama vectors (``workbench.quality.embed``'s
  model) of the tokens that are whole pieces of its vocabulary ("▁word", or a character);
- hashed token 1-, 2- and 3-grams (``N_HASH`` bins, binary, L2-normalised): for Chinese these are
  character n-grams, i.e. words;
- the view's opening, as its first 1, 2 and 3 tokens hashed apart from the n-grams (``PREFIX_TOKENS``,
  each ``1/sqrt(PREFIX_TOKENS)``, in the same bins): "What are some ...", "Given this paragraph ...",
  "Classify ..." say more at the start of a prompt than inside it;
- a few structural flags (passage, length, multi-turn, code fence, digits, CJK share, question mark).
"""
from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

HEAD_CHARS = 400       # the instruction is at the start; a passage after it is not read
TAIL_CHARS = 200       # a short last paragraph (the question after a passage) is read too
MAX_TOKENS = 96        # tokens per view: bounded time at 1M records
N_HASH = 1 << 16       # hashed n-gram bins (weights: N_HASH x classes)
PREFIX_TOKENS = 3      # opening tokens hashed as position features (0: none)
PASSAGE_MIN = 120      # characters after the first paragraph that make a "given passage"
STRUCT_NAMES = ("has_passage", "log_chars", "multi_turn", "fence_prompt", "fence_response",
                "digit_share", "cjk_share", "question_mark")
_MULT = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_PREFIX_SALT = np.uint64(0xD6E8FEB86659FD93)
_CJK = r"[\x{3040}-\x{30ff}\x{3400}-\x{9fff}\x{f900}-\x{faff}\x{ac00}-\x{d7af}]"
_PARA = "\n\n"


def _strings(values) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array([v if isinstance(v, str) else "" for v in values], pa.string())
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    return pc.fill_null(values, "")


def instruction_views(first_turns) -> tuple[pa.Array, np.ndarray]:
    """(view, has_passage) of every first user turn; see the module docstring."""
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(_strings(first_turns), r"\r\n?", "\n"))
    text = pc.replace_substring_regex(text, r"\n[ \t]*\n\s*", _PARA)  # one separator for every blank line
    total = pc.utf8_length(text).to_numpy(zero_copy_only=False)
    head = pc.list_element(pc.split_pattern(text, _PARA, max_splits=1), 0)
    head_len = pc.utf8_length(head).to_numpy(zero_copy_only=False)
    has_rest = total > head_len
    passage = ((total - head_len) >= PASSAGE_MIN) | (head_len > 1500)
    parts = pc.split_pattern(text, _PARA, max_splits=1, reverse=True)
    ends = parts.offsets.to_numpy()[1:] - parts.offsets.to_numpy()[0] - 1  # every list has >= 1 item
    last = pc.list_flatten(parts).take(pa.array(ends))
    last_len = pc.utf8_length(last).to_numpy(zero_copy_only=False)
    use_tail = has_rest & (last_len > 0) & (last_len <= TAIL_CHARS)
    head = pc.utf8_slice_codeunits(head, 0, HEAD_CHARS)
    joined = pc.binary_join_element_wise(head, last, "\n")
    view = pc.if_else(pa.array(use_tail), joined, head)
    return view, passage


@functools.lru_cache(maxsize=1)
def _vocab() -> tuple[pa.Array, np.ndarray, pa.Array, np.ndarray]:
    """WordLlama's vocabulary as Arrow lookup sets: (word pieces "▁w" without the marker, their ids,
    other pieces, their ids)."""
    from workbench.quality.embed import model

    vocab = model().tokenizer.get_vocab()
    words = [(k[1:], v) for k, v in vocab.items() if k.startswith("\u2581") and len(k) > 1]
    rest = [(k, v) for k, v in vocab.items() if not k.startswith("\u2581")]
    return (pa.array([w for w, _ in words], pa.string()), np.array([v for _, v in words], np.int64),
            pa.array([w for w, _ in rest], pa.string()), np.array([v for _, v in rest], np.int64))


def _string_hashes(arr: pa.Array) -> np.ndarray:
    """A stable 64-bit polynomial hash of every string of ``arr``, vectorised over its UTF-8 buffer."""
    n = len(arr)
    if n == 0:
        return np.zeros(0, np.uint64)
    offsets = np.frombuffer(arr.buffers()[1], np.int32)[arr.offset:arr.offset + n + 1].astype(np.int64)
    data = np.frombuffer(arr.buffers()[2], np.uint8) if arr.buffers()[2] is not None else np.zeros(0, np.uint8)
    data = data[offsets[0]:offsets[-1]].astype(np.uint64)
    offsets = offsets - offsets[0]
    with np.errstate(over="ignore"):
        p = np.uint64(1099511628211)  # odd, so invertible modulo 2**64
        inv = np.uint64(pow(1099511628211, -1, 2**64))
        pw = np.cumprod(np.full(len(data), p, np.uint64)) if len(data) else np.zeros(0, np.uint64)
        ipw = np.concatenate([[np.uint64(1)], np.cumprod(np.full(len(data), inv, np.uint64))])
        prefix = np.concatenate([[np.uint64(0)], np.cumsum((data + np.uint64(1)) * pw, dtype=np.uint64)])
        h = (prefix[offsets[1:]] - prefix[offsets[:-1]]) * ipw[offsets[:-1]]
        lengths = np.diff(offsets).astype(np.uint64)
        return (h ^ (lengths * np.uint64(0x9E3779B97F4A7C15))) * np.uint64(0xBF58476D1CE4E5B9)


def tokens(views: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(flat token strings, row of each token), at most ``MAX_TOKENS`` per view."""
    low = pc.utf8_lower(views)
    low = pc.replace_substring_regex(low, "(" + _CJK + r"|[^\w\s])", r" \1 ")
    # pyarrow 26's utf8_split_whitespace gives trailing empty strings, or a token with the trailing
    # space in it, for a string that ends in whitespace - and not always the same one for the same
    # input (seen on 2 of 3 calls): trim first, then drop the empty token an empty string still gives
    words = pc.list_slice(pc.utf8_split_whitespace(pc.utf8_trim_whitespace(low)), 0, MAX_TOKENS)
    flat = pc.list_flatten(words)
    rows = pc.list_parent_indices(words).to_numpy(zero_copy_only=False).astype(np.int64)
    keep = pc.greater(pc.binary_length(flat), 0)
    if not pc.all(keep).as_py():
        flat, rows = flat.filter(keep), rows[keep.to_numpy(zero_copy_only=False)]
    return flat, rows


def _token_codes(flat: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(stable 64-bit hash, WordLlama vocabulary id or -1) of every token, computed once per distinct token."""
    enc = pc.dictionary_encode(flat)
    uniq = enc.dictionary
    if isinstance(uniq, pa.ChunkedArray):
        uniq = uniq.combine_chunks()
    idx = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    words, word_ids, rest, rest_ids = _vocab()
    pos = pc.index_in(uniq, value_set=words).to_numpy(zero_copy_only=False)
    ids = np.where(np.isnan(pos), -1, word_ids[np.nan_to_num(pos).astype(np.int64)])
    miss = ids < 0
    if miss.any():
        pos2 = pc.index_in(uniq, value_set=rest).to_numpy(zero_copy_only=False)
        ids = np.where(miss & ~np.isnan(pos2), rest_ids[np.nan_to_num(pos2).astype(np.int64)], ids)
    return _string_hashes(uniq)[idx], ids.astype(np.int64)[idx]


def embeddings(ids: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """L2-normalised mean of WordLlama vectors of the in-vocabulary tokens of each view (a sparse
    token-count matrix times the embedding table; zero rows when no token is in the vocabulary)."""
    from workbench.quality.embed import model

    table = model().embedding
    keep = ids >= 0
    counts = sp.csr_matrix((np.ones(int(keep.sum()), np.float32), (rows[keep], ids[keep])), shape=(n, table.shape[0]))
    out = np.asarray(counts @ table, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)  # the mean's scale cancels in the normalisation
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def hashed_ngrams(hashes: np.ndarray, rows: np.ndarray, n: int) -> sp.csr_matrix:
    """Binary, L2-normalised hashed token 1/2/3-grams per view plus its hashed opening (see the module
    docstring) as a CSR matrix (n x N_HASH)."""
    cols, out_rows = [], []
    for k in range(3):
        if len(hashes) <= k:
            break
        same = rows[k:] == rows[:len(rows) - k]
        h = np.zeros(len(hashes) - k, np.uint64)
        with np.errstate(over="ignore"):
            for j in range(k + 1):
                h = (h ^ (hashes[j:len(hashes) - k + j] + np.uint64(j + 1))) * _MULT[k]
        cols.append((h[same] >> np.uint64(40)) % np.uint64(N_HASH))
        out_rows.append(rows[k:][same])
    c = np.concatenate(cols).astype(np.int64) if cols else np.zeros(0, np.int64)
    r = np.concatenate(out_rows) if out_rows else np.zeros(0, np.int64)
    mat = sp.csr_matrix((np.ones(len(c), np.float32), (r, c)), shape=(n, N_HASH))
    mat.sum_duplicates()
    mat.data[:] = 1.0
    norms = np.sqrt(np.diff(mat.indptr).astype(np.float32))
    mat.data /= np.repeat(np.maximum(norms, 1.0), np.diff(mat.indptr))
    if PREFIX_TOKENS and len(hashes):
        pc_, pr = _prefix_codes(hashes, rows)
        pre = sp.csr_matrix((np.ones(len(pc_), np.float32), (pr, pc_)), shape=(n, N_HASH))
        pre.sum_duplicates()
        pre.data[:] = 1.0 / np.sqrt(PREFIX_TOKENS)
        mat = (mat + pre).tocsr()
    return mat


def _prefix_codes(hashes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bin, row) of the hashed openings "^t0", "^t0 t1", "^t0 t1 t2" of every view (``rows`` is sorted)."""
    first = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    last = len(rows) - 1
    h = np.zeros(len(first), np.uint64)
    cols, out_rows = [], []
    with np.errstate(over="ignore"):
        for j in range(PREFIX_TOKENS):
            idx = np.minimum(first + j, last)
            ok = (first + j <= last) & (rows[idx] == rows[first])
            h = np.where(ok, (h ^ (hashes[idx] + np.uint64(j + 11))) * _PREFIX_SALT, h)
            cols.append(((h[ok] >> np.uint64(40)) % np.uint64(N_HASH)).astype(np.int64))
            out_rows.append(rows[first[ok]])
    return np.concatenate(cols), np.concatenate(out_rows)


def structural(views: pa.Array, passages: np.ndarray, first_turns: pa.Array, user_turns: np.ndarray,
               responses) -> np.ndarray:
    """The structural flags (:data:`STRUCT_NAMES`) as a float32 matrix."""
    n = len(views)
    chars = pc.utf8_length(first_turns).to_numpy(zero_copy_only=False).astype(np.float32)
    vlen = np.maximum(pc.utf8_length(views).to_numpy(zero_copy_only=False), 1).astype(np.float32)
    digits = pc.count_substring_regex(views, r"[0-9+\-*/=^×÷]").to_numpy(zero_copy_only=False)
    cjk = pc.count_substring_regex(views, _CJK).to_numpy(zero_copy_only=False)
    fence_r = np.zeros(n, bool)
    if responses is not None:
        fence_r = pc.match_substring(_strings(responses), "```").to_numpy(zero_copy_only=False)
    out = np.zeros((n, len(STRUCT_NAMES)), np.float32)
    out[:, 0] = passages
    out[:, 1] = np.log1p(chars) / 8.0
    out[:, 2] = np.asarray(user_turns) >= 2
    out[:, 3] = pc.match_substring(first_turns, "```").to_numpy(zero_copy_only=False)
    out[:, 4] = fence_r
    out[:, 5] = np.minimum(digits / vlen * 5, 1.0)
    out[:, 6] = np.minimum(cjk / vlen, 1.0)
    out[:, 7] = pc.match_substring_regex(views, r"[?？]").to_numpy(zero_copy_only=False)
    return out


def featurize(first_turns, user_turns=None, responses=None):
    """(views, embedding matrix, hashed n-gram CSR, structural matrix) of a batch of first user turns
    (list or Arrow string array)."""
    first = _strings(first_turns)
    n = len(first)
    views, passages = instruction_views(first)
    if user_turns is None:
        user_turns = np.ones(n, np.int64)
    flat, rows = tokens(views)
    hashes, ids = _token_codes(flat)
    struct = structural(views, passages, first, np.asarray(user_turns), responses)
    return views, embeddings(ids, rows, n), hashed_ngrams(hashes, rows, n), struct
