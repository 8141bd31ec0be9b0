"""Task types: taxonomy, shipped weights, accuracy on held-out real prompts, the signal contract."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from quality.quality_data import answer, dataset, msg, row, sft

from workbench.model.taxonomy import OTHER, TASK_TYPE_DESCRIPTIONS, TASK_TYPES, is_task_type
from workbench.quality import compute_signals, default_registry
from workbench.quality.embed import embed_texts
from workbench.quality.task_features import (
    PREFIX_TOKENS,
    _token_codes,
    embeddings,
    hashed_ngrams,
    instruction_views,
    tokens,
)
from workbench.quality.task_type import WEIGHTS, TaskTypeSignal, classify_task_types, load_weights

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "task_types_labelled.jsonl"


def labelled():
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def test_taxonomy_is_the_issue_list_with_descriptions():
    assert TASK_TYPES == ("open_qa", "closed_qa", "brainstorming", "creative_writing", "rewriting", "summarization",
                          "classification", "extraction", "code", "math_reasoning", "translation", "chat", "other")
    assert all(TASK_TYPE_DESCRIPTIONS[t].strip() for t in TASK_TYPES)
    assert is_task_type("code") and not is_task_type("qa") and not is_task_type(None)


def test_weights_load_without_network(monkeypatch):
    load_weights.cache_clear()

    def no_network(*args, **kwargs):
        raise AssertionError("network access while loading task-type weights")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    w = load_weights()
    assert list(w["classes"]) == [t for t in TASK_TYPES if t != OTHER]
    assert w["coef_hash"].shape[1] == len(w["classes"]) and w["coef_emb"].shape == (256, len(w["classes"]))
    assert WEIGHTS.stat().st_size < 4_000_000
    card = json.loads(WEIGHTS.with_suffix(".json").read_text(encoding="utf-8"))
    assert card["sources"] and all(s["licence"] for s in card["sources"]) and card["heldout_metrics"]


def test_accuracy_on_held_out_real_prompts():
    rows = labelled()
    labels, conf = classify_task_types([r["text"] for r in rows])
    gold = np.array([r["label"] for r in rows])
    lang = np.array([r["lang"] for r in rows])
    en, zh = lang == "en", lang == "zh"
    assert en.sum() >= 100 and zh.sum() >= 60
    # measured 0.57 (English: Dolly prompts without their passages, 14 per label) and 0.74 (Chinese); were 0.50 / 0.76
    # before the opening-token features and the passage-free copies (task_type v3)
    assert (labels[en] == gold[en]).mean() >= 0.45
    assert (labels[zh] == gold[zh]).mean() >= 0.68
    assert (labels == OTHER).mean() <= 0.10
    assert ((conf >= 0) & (conf <= 1)).all()


@pytest.mark.parametrize("prompt, expected", [
    ("Translate the following sentence into French: The weather is lovely today.", "translation"),
    ("Write a Python function that returns the n-th Fibonacci number.", "code"),
    ("Summarize the following article in three sentences.\n\n" + "The city council met on Monday. " * 20,
     "summarization"),
    ("Write a short poem about the sea at night.", "creative_writing"),
    ("Rewrite this sentence to sound more formal: gonna be late, sorry", "rewriting"),
    ("Classify the sentiment of this review as positive or negative: The food was cold.", "classification"),
    ("Extract all the people's names from the text: Alice met Bob in Paris.", "extraction"),
    ("A train travels 120 km in 2 hours. Solve for its average speed and show your steps.", "math_reasoning"),
    ("Give me 10 ideas for a team-building day.", "brainstorming"),
    ("Why is the sky blue?", "open_qa"),
    ("I want you to act as a travel guide. I will tell you my location.", "chat"),
    ("请把下面这句话翻译成英文：今天天气很好。", "translation"),
    ("写一首关于秋天的诗。", "creative_writing"),
    ("请总结一下这篇文章的主要内容。\n\n" + "市政府周一召开会议，讨论了交通问题。" * 10, "summarization"),
    ("用Python写一个函数，计算列表中所有数字的和。", "code"),
    ("计算 12 乘以 7 等于多少？", "math_reasoning"),
    ("请列出五个提高睡眠质量的方法。", "brainstorming"),
    ("判断下面这句话的情感是积极还是消极：这部电影太无聊了。", "classification"),
    ("从下面的句子中提取所有的人名：张三和李四去了北京。", "extraction"),
    ("改写下面的句子，使它更正式：我明天来不了。", "rewriting"),
    ("为什么天空是蓝色的？", "open_qa"),
])
def test_english_and_chinese_prompts_get_sensible_types(prompt, expected):
    labels, conf = classify_task_types([prompt])
    assert labels[0] == expected, (prompt, labels[0])
    assert conf[0] > 0.3


def test_passage_after_the_question_makes_it_closed_qa():
    passage = ("The Amazon river flows through Brazil, Peru and Colombia. It carries more water than any other "
               "river and drains a basin of about seven million square kilometres.")
    labels, _ = classify_task_types([f"Which countries does the river flow through?\n\n{passage}",
                                     "Which countries does the Amazon flow through?"])
    assert labels[0] == "closed_qa"
    assert labels[1] == "open_qa"


def test_empty_and_missing_prompts_are_other_with_zero_confidence():
    labels, conf = classify_task_types(pa.array(["", None, "   ", "Why is the sky blue?"]))
    assert labels[:3].tolist() == [OTHER] * 3
    assert conf[:3].tolist() == [0.0, 0.0, 0.0]
    assert labels[3] != OTHER and conf[3] > 0


def test_deterministic_and_batch_equals_whole():
    texts = [r["text"] for r in labelled()]
    a_lab, a_conf = classify_task_types(texts)
    b_lab, b_conf = classify_task_types(texts)
    assert a_lab.tolist() == b_lab.tolist() and np.array_equal(a_conf, b_conf)
    parts = [classify_task_types(texts[i:i + 37]) for i in range(0, len(texts), 37)]
    assert np.concatenate([p[0] for p in parts]).tolist() == a_lab.tolist()
    assert np.allclose(np.concatenate([p[1] for p in parts]), a_conf, atol=1e-6)


def test_embedding_feature_is_wordllama_mean_vector():
    # single in-vocabulary words: the task typer's vector equals embed_texts' for the same word
    words = ["translate", "summary", "poem", "function"]
    views, _ = instruction_views(words)
    flat, rows = tokens(views)
    _, ids = _token_codes(flat)
    ours = embeddings(ids, rows, len(words))
    ref = embed_texts(words)
    assert np.allclose(ours, ref, atol=1e-5)


def test_signal_columns_summary_and_registry():
    rows = [sft("t", "Translate 'good morning' into German.", "Guten Morgen."),
            sft("c", "Write a Python function that reverses a string.", "```python\ndef r(s):\n    return s[::-1]\n```"),
            sft("q", "What is the capital of Australia?", answer(20)),
            row("d", "sft", [msg("user", "hi there"), msg("assistant", "hello"), msg("user", "how are you?"),
                             msg("assistant", "fine")]),
            row("e", "sft", [msg("user", ""), msg("assistant", "nothing asked")])]
    assert "task_type" in default_registry()
    rep = compute_signals(dataset(rows), signals=["task_type"])
    f = rep.frame.set_index("id")
    assert f.loc["t", "task_type"] == "translation" and f.loc["c", "task_type"] == "code"
    assert f.loc["q", "task_type"] == "open_qa" and f.loc["d", "task_type"] == "chat"
    assert f.loc["e", "task_type"] == OTHER and f.loc["e", "task_type_confidence"] == 0.0
    assert set(f["task_type"]) <= set(TASK_TYPES)
    assert f["task_type_score"].equals(f["task_type_confidence"])
    assert not f["is_task_type_issue"].any()
    s = rep.summaries["task_type"]
    assert s["task_types"]["translation"]["count"] == 1 and sum(v["count"] for v in s["task_types"].values()) == 5
    assert s["taxonomy"] == list(TASK_TYPES)


def test_signal_reads_first_user_turn_and_system_prompt():
    rows = [sft("s", "Bonjour, comment allez-vous ?", "Hello, how are you?",
                system="You are a translator: translate every message into English."),
            row("m", "sft", [msg("user", "Translate 'cat' into Spanish."), msg("assistant", "gato"),
                             msg("user", "thanks!"), msg("assistant", "You're welcome.")])]
    f = compute_signals(dataset(rows), signals=[TaskTypeSignal()]).frame.set_index("id")
    assert f.loc["s", "task_type"] == "translation"
    assert f.loc["m", "task_type"] == "translation"  # typed by the first user turn, not the last


def test_opening_tokens_are_features_of_their_own():
    # the same three words at the start and in the middle of a prompt: equal n-grams, different openings
    views, _ = instruction_views(["what are some dogs", "dogs what are some"])
    flat, rows = tokens(views)
    hashes, _ = _token_codes(flat)
    grams = hashed_ngrams(hashes, rows, 2)
    a, b = set(grams[0].indices), set(grams[1].indices)
    assert len(a ^ b) > 0 and len(a & b) >= 4 + 3  # the 4 words and 3 shared bigrams ("what are", "are some")
    # one token: its unigram (weight 1) plus one opening bin (1/sqrt(PREFIX_TOKENS))
    views, _ = instruction_views(["hello"])
    flat, rows = tokens(views)
    hashes, _ = _token_codes(flat)
    one = hashed_ngrams(hashes, rows, 1)
    assert one.nnz == 2 and np.allclose(np.sort(one.data), [1 / np.sqrt(PREFIX_TOKENS), 1.0])


def test_weights_for_other_feature_settings_are_refused(tmp_path):
    with np.load(WEIGHTS, allow_pickle=False) as z:
        stored = {k: z[k] for k in z.files}
    stored.pop("prefix_tokens")  # as written before the opening features existed
    old = tmp_path / "old.npz"
    np.savez(old, **stored)
    with pytest.raises(ValueError, match="other feature settings"):
        load_weights(str(old))
