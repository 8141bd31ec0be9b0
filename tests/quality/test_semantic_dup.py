"""Semantic duplicates: hand-written paraphrases of real MT-bench questions (tests/fixtures, SOURCES.md)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from quality.quality_data import dataset, msg, pref, row, sft

from workbench.io import load
from workbench.quality.base import SignalContext
from workbench.quality.near_duplicates import NearDuplicateFinder
from workbench.quality.semantic_dup import SemanticDuplicateFinder, SemanticDuplicateSignal, semantic_groups
from workbench.quality.textviews import TextViews

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def paraphrase_pairs() -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / "mt_bench_paraphrases.jsonl").read_text().splitlines()]


def corpus() -> tuple[list[str], list[tuple[int, int]]]:
    """Originals, their paraphrases and 252 unrelated real instructions; the built pairs' positions."""
    pairs = paraphrase_pairs()
    others = TextViews(load(FIXTURES / "selfinstruct_text-davinci-003_predictions.jsonl").table).prompt.to_pylist()
    texts = [p["original"] for p in pairs] + [p["paraphrase"] for p in pairs] + others
    return texts, [(i, i + len(pairs)) for i in range(len(pairs))]


def test_finds_paraphrases_minhash_misses():
    texts, built = corpus()
    found = SemanticDuplicateFinder().find(texts)
    linked = [found.rep[a] == found.rep[b] for a, b in built]
    assert np.mean(linked) >= 0.8, np.mean(linked)  # 20 of 21 at the default threshold (cosines 0.72-0.97)
    assert len(NearDuplicateFinder().find(texts[:2 * len(built)]).pair_a) == 0  # MinHash sees none of them
    # unrelated questions are not grouped with each other: originals stay apart
    originals = found.rep[: len(built)]
    assert len(set(originals.tolist())) == len(built)
    assert (found.max_cosine[[a for a, _ in built]] >= SemanticDuplicateFinder.threshold).sum() >= sum(linked)


def test_unrelated_real_prompts_are_rarely_grouped():
    texts, built = corpus()
    found = SemanticDuplicateFinder().find(texts)
    built_set = {tuple(p) for p in built}
    stray = [(a, b) for a, b in zip(found.pair_a.tolist(), found.pair_b.tolist()) if (a, b) not in built_set]
    assert len(stray) <= 3, [(texts[a][:60], texts[b][:60]) for a, b in stray]


def test_blocked_search_matches_brute_force():
    texts, built = corpus()
    texts = texts * 1 + [t + " Please answer briefly." for t in texts[:40]]
    brute = SemanticDuplicateFinder().find(texts)
    blocked = SemanticDuplicateFinder(block=40).find(texts)  # 7+ k-means blocks, two probes
    pairs = set(zip(brute.pair_a.tolist(), brute.pair_b.tolist()))
    got = set(zip(blocked.pair_a.tolist(), blocked.pair_b.tolist()))
    assert got <= pairs
    assert len(got) >= 0.9 * len(pairs)


def test_exact_copies_and_short_prompts():
    texts = ["What is the capital city of France, and why?", "what is the capital city of France, and why?  ",
             "hi", "hi", "Describe the water cycle for a ten year old child."]
    found = SemanticDuplicateFinder().find(texts)
    assert found.rep[1] == 0 and found.max_cosine[1] == 1.0
    assert found.size[2] == 1 and found.size[3] == 1  # too short to judge
    assert found.size[4] == 1


def test_signal_columns_and_summary():
    pairs = [p for p in paraphrase_pairs() if p["question_id"] in (85, 86, 87, 99, 111)]  # cosines 0.85-0.97
    rows = [sft(f"o{i}", p["original"], "answer") for i, p in enumerate(pairs)]
    rows += [sft(f"p{i}", p["paraphrase"], "answer") for i, p in enumerate(pairs)]
    rows += [sft("lone", "Explain how vaccines train the immune system to recognise a virus.", "answer")]
    table = dataset(rows).table
    res = SemanticDuplicateSignal().compute(table, SignalContext()).validate(table.num_rows)
    f = res.frame
    linked = [i for i in range(5) if f.loc[i, "semantic_dup_cluster"] == f.loc[5 + i, "semantic_dup_cluster"] == f"o{i}"]
    assert linked == list(range(5))
    for i in linked:
        assert not f.loc[i, "is_semantic_dup_issue"] and f.loc[5 + i, "is_semantic_dup_issue"]  # keep the first
        assert f.loc[5 + i, "semantic_dup_score"] == np.float64(1 - f.loc[5 + i, "semantic_dup_cosine"]).clip(0, 1)
    assert pd.isna(f.loc[10, "semantic_dup_cluster"]) and f.loc[10, "semantic_dup_score"] == 1.0
    s = res.summary
    assert s["groups"] == len(set(f["semantic_dup_cluster"].dropna())) and s["extra_rows"] == f["is_semantic_dup_issue"].sum()
    ex = s["examples"][0]
    assert {ex["a"], ex["b"]} <= set(table.column("id").to_pylist()) and SemanticDuplicateFinder.threshold <= ex["similarity"] <= 1


def test_preference_records_sharing_a_prompt_are_not_duplicates():
    prompt = "Write a short poem about the autumn rain falling on the city."
    rows = [pref("a", prompt, "Rain taps the roofs...", "rain."), pref("b", prompt, "Grey streets shine...", "no."),
            sft("c", prompt, "Soft rain on stone...")]
    res = SemanticDuplicateSignal().compute(dataset(rows).table, SignalContext())
    f = res.frame
    assert f.loc[2, "semantic_dup_cluster"] == "a" and f.loc[2, "is_semantic_dup_issue"]  # the SFT copy is one
    rows2 = rows[:2]
    f2 = SemanticDuplicateSignal().compute(dataset(rows2).table, SignalContext()).frame
    assert not f2["is_semantic_dup_issue"].any() and f2["semantic_dup_cluster"].isna().all()


def test_groups_for_splits_match_the_signal():
    pairs = paraphrase_pairs()[5:9]
    rows = [sft(f"o{i}", p["original"], "a") for i, p in enumerate(pairs)] + \
        [sft(f"p{i}", p["paraphrase"], "a") for i, p in enumerate(pairs)] + \
        [row("m", "sft", [msg("user", "Tell me about the history of the printing press in Europe."),
                           msg("assistant", "It began...")])]
    table = dataset(rows).table
    labels = semantic_groups(table)
    f = SemanticDuplicateSignal().compute(table, SignalContext()).frame
    ids = np.array(table.column("id").to_pylist(), dtype=object)
    expected = np.where(f["semantic_dup_cluster"].isna(), -1, 0)
    assert ((labels >= 0) == (expected == 0)).all()
    assert len(set(labels[labels >= 0].tolist())) == 4 and labels[-1] == -1  # the four pairs; "m" has none
    for lab in set(labels[labels >= 0].tolist()):
        assert len(set(f.loc[labels == lab, "semantic_dup_cluster"])) == 1
    assert isinstance(table, pa.Table) and len(ids) == len(labels)
