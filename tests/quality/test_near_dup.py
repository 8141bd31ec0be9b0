import numpy as np
import pytest
from quality.quality_data import answer, dataset, sft

from workbench.quality import compute_signals, minhash
from workbench.quality.near_duplicates import NearDuplicateFinder


def rand_texts(n, length=60, seed=0):
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(5000)]
    return [" ".join(rng.choice(vocab, length)) for _ in range(n)]


def test_choose_bands_reaches_target_recall():
    for t in (0.5, 0.7, 0.8, 0.9):
        b, r = minhash.choose_bands(t, 64)
        assert b * r <= 64 and 1 - (1 - t ** r) ** b >= 0.995


def test_edited_copies_are_found_and_unrelated_texts_are_not():
    texts = rand_texts(300)
    base = texts[:20]
    for t in base:
        w = t.split()
        w[10], w[11] = w[11], w[10]  # swap
        del w[30]  # deletion
        w.insert(5, "extra")  # insertion
        texts.append(" ".join(w).upper() + "!")  # case and punctuation
    res = NearDuplicateFinder(threshold=0.7).find(texts)
    for i in range(20):
        assert res.rep[300 + i] == i and res.size[i] == 2
    assert (res.size[20:300] == 1).all()
    pairs = res.record_pairs()
    assert {(i, 300 + i) for i in range(20)} <= pairs and len(pairs) == 20
    assert (res.pair_jaccard >= 0.7).all()


def test_threshold_is_respected():
    a = " ".join(f"t{i}" for i in range(40))
    b = " ".join(f"t{i}" for i in range(20)) + " " + " ".join(f"u{i}" for i in range(20))
    res = NearDuplicateFinder(threshold=0.8).find([a, b])
    assert res.size.tolist() == [1, 1]
    res = NearDuplicateFinder(threshold=0.3).find([a, b])
    assert res.size.tolist() == [2, 2]


def test_exact_jaccard_verification():
    sets = minhash.shingle_sets(__import__("pyarrow").array(["a b c d e", "a b c d f", "x y z"]), 3)
    j = minhash.jaccard_pairs(sets, np.array([0, 0]), np.array([1, 2]))
    assert j[0] == pytest.approx(2 / 4) and j[1] == 0.0


def test_jaccard_chunks_by_shingle_budget_give_the_same_values():
    import pyarrow as pa

    texts = rand_texts(60, length=40, seed=3) + [""]
    sets = minhash.shingle_sets(pa.array(texts), 3)
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, len(texts), 500), rng.integers(0, len(texts), 500)
    a[:3], b[:3] = 60, 60  # two empty sets: 1.0
    whole = minhash.jaccard_pairs(sets, a, b, budget=1 << 40)
    expect = [len(set(sets.hashes[sets.offsets[i]:sets.offsets[i + 1]])
                  & set(sets.hashes[sets.offsets[j]:sets.offsets[j + 1]]))
              / max(len(set(sets.hashes[sets.offsets[i]:sets.offsets[i + 1]])
                        | set(sets.hashes[sets.offsets[j]:sets.offsets[j + 1]])), 1) if (i, j) != (60, 60) else 1.0
              for i, j in zip(a, b, strict=True)]
    assert whole == pytest.approx(expect)
    for budget in (1, 50, 977):  # one pair per chunk, a few pairs, chunks cut mid-way
        assert minhash.jaccard_pairs(sets, a, b, budget=budget).tolist() == whole.tolist()


def test_signal_clusters_records_and_prompts():
    rows = [sft("a", "How can I change the delivery address of my order?", answer(150)),
            sft("b", "How can I change the delivery address of my order please?", answer(150)),
            sft("c", "How can I change the delivery address of my order?", answer(150)),  # exact copy of a
            sft("d", "What is your refund policy for damaged goods?", answer(150, 5))]
    rep = compute_signals(dataset(rows), signals=["near_duplicates", "exact_duplicates"])
    f = rep.frame.set_index("id")
    assert f.loc["b", "near_dup_cluster"] == "a" and f.loc["c", "near_dup_cluster"] == "a"
    assert f.loc["b", "is_near_duplicates_issue"] and not f.loc["a", "is_near_duplicates_issue"]
    assert f.loc["c", "near_dup_jaccard"] == 1.0 and f.loc["a", "near_dup_size"] == 3
    assert not f.loc["d", "is_near_duplicates_issue"] and f.loc["d", "near_duplicates_score"] == 1.0
    assert f.loc["b", "prompt_near_dup_cluster"] == "a"
    s = rep.summaries
    # exact copies are near duplicates too
    assert s["near_duplicates"]["record"]["extra_rows"] >= s["exact_duplicates"]["record"]["extra_rows"] == 1
    assert s["near_duplicates"]["record"]["clusters"] == 1


def test_batches_do_not_change_the_result():
    texts = rand_texts(200, seed=3) + rand_texts(50, seed=3)
    one = NearDuplicateFinder(batch_size=10_000).find(texts)
    many = NearDuplicateFinder(batch_size=17).find(texts)
    assert (one.rep == many.rep).all() and one.rep[200] == 0
