import numpy as np
import pyarrow as pa

from workbench.quality import textops
from workbench.quality.tokens import sequence_keys, shingles, tokenize


def test_word_counts_match_split_and_count_cjk_characters():
    texts = ["", "  ", "one", " two  words ", "tabs\tand\nnewlines", "你好世界", "hello世界 ok", "日本語。テスト"]
    got = textops.word_counts(texts).tolist()
    assert got[:5] == [0, 0, 1, 2, 3]
    assert got[5] == 4 and got[6] == 4 and got[7] == 6


def test_word_counts_on_sliced_chunked_input():
    arr = pa.chunked_array([["a b", "c"], [None, "d e f"]])
    assert textops.word_counts(arr).tolist() == [2, 1, 0, 3]
    assert textops.word_counts(pa.array(["x", "y z", "w"]).slice(1)).tolist() == [2, 1]


def test_tokenizer_normalises_case_punctuation_and_splits_cjk():
    tok = tokenize(["Hello, WORLD!", "hello world", "héllo-world", "你好", ""])
    counts = tok.counts.tolist()
    assert counts == [2, 2, 2, 2, 0]
    keys = sequence_keys(tok)
    assert keys[0] == keys[1] and keys[0] != keys[2] and keys[4] == 0


def test_long_tokens_are_distinguished():
    a = "x" * 30 + "a"
    b = "x" * 30 + "b"
    tok = tokenize([a, b, a])
    assert tok.hashes[0] != tok.hashes[1] and tok.hashes[0] == tok.hashes[2]


def test_shingles_per_record():
    sh = shingles(tokenize(["a b c d", "a b", "", "a b c"]), 3)
    assert sh.counts.tolist() == [2, 1, 0, 1]
    assert sh.hashes[0] != sh.hashes[1]


def test_regex_helpers_run_in_threads_consistently():
    texts = ["As an AI language model"] * 30_000 + ["fine"] * 30_000
    m = textops.regex_match(texts, r"(?i)language model")
    assert m[:30_000].all() and not m[30_000:].any()
    assert textops.regex_count(["aa aa a"], "aa").tolist() == [2]


def test_describe():
    d = textops.describe(np.arange(101))
    assert d["median"] == 50 and d["max"] == 100 and d["p5"] == 5
    assert textops.describe([]) == {"mean": 0.0, "median": 0.0, "p5": 0.0, "p95": 0.0, "max": 0.0}


def test_char_counts_are_code_points():
    texts = ["", "abc", "héllo", "你好", "emoji 🙂", None]
    assert textops.char_counts(texts).tolist() == [0, 3, 5, 2, 7, 0]


def test_segment_counts_across_word_boundaries():
    rng = np.random.default_rng(1)
    mask = rng.random(1000) < 0.3
    offsets = np.array([0, 0, 1, 63, 64, 65, 127, 128, 500, 999, 1000])
    want = [int(mask[a:b].sum()) for a, b in zip(offsets[:-1], offsets[1:])]
    assert textops.segment_counts(mask, offsets).tolist() == want
