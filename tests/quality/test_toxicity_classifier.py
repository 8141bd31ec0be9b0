"""The shipped offensive-language classifier: weights load offline without pickles, the numpy scorer
agrees with the training features whatever the batching, the tokeniser keeps rows and the head/tail
window apart, real tweets score above a floor (tests/fixtures/davidson_toxicity_sample.csv, MIT;
provenance in tests/fixtures/SOURCES.md), and the safety signal reports it."""
import csv
from pathlib import Path

import numpy as np
from quality.quality_data import dataset, sft

from workbench.quality import compute_signals
from workbench.quality.toxicity import (
    WEIGHTS,
    HashParams,
    _tokenize,
    featurize,
    load_model,
    model_card,
    toxicity_scores,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def sample():
    with open(FIXTURES / "davidson_toxicity_sample.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], np.array([r["offensive"] == "1" for r in rows])


def tokens(texts, params=None):
    params = params if params is not None else HashParams()
    rows, idx, uniq, n = _tokenize(texts, params)
    words = uniq.to_pylist()
    out = [[] for _ in range(n)]
    for r, i in zip(rows.tolist(), idx.tolist()):
        out[r].append(words[i])
    return out


def test_weights_ship_as_plain_arrays_with_a_card():
    _, _, params = load_model()
    with np.load(WEIGHTS, allow_pickle=False) as z:  # no pickle anywhere in the file
        assert z["coef"].dtype == np.float16 and z["coef"].shape == (params.n_features,)
    assert WEIGHTS.stat().st_size < 3_000_000
    card = model_card()
    licences = {d["licence"] for d in card["training_data"]}
    assert licences <= {"MIT", "CC BY 4.0", "CC0 1.0", "ODC-By 1.0 (C4) / Apache-2.0 (Glaive)"}
    assert "OLID" not in " ".join(d["source"] for d in card["training_data"])  # the test set's corpus
    assert 0 < card["threshold"] < 1
    assert card["test_metrics"]["n"] == 860 and card["test_metrics"]["positives"] == 240  # OLID test A


def test_card_matches_the_weights_and_records_the_measured_quality():
    from dataclasses import asdict

    card = model_card()
    _, _, params = load_model()
    assert card["params"] == asdict(params)  # the card describes the weights that ship
    assert card["nb_alpha"] > 0  # NBSVM scaling, folded into the weights
    dev, test = card["dev_metrics"], card["test_metrics"]
    assert dev["precision"] >= 0.70  # the threshold's constraint, on the dev tweets
    # OLID test A as measured when the weights were written (tools/train_toxicity.py): precision
    # target met, F1 not yet (0.56 < 0.60)
    assert test["precision"] >= 0.70 and test["f1"] >= 0.56


def test_tokens_are_lower_cased_words_without_mentions_links_or_row_crossing():
    got = tokens(["@Bob CHECK http://x.co/Ab, “Quoted” don't 2024!", "", "next row"])
    assert got[0] == ["", "check", "", "x", "co", "ab", "quoted", "don't", "0000"]
    assert got[1] == [] and got[2] == ["next", "row"]


def test_long_texts_keep_a_head_and_a_tail_window():
    params = HashParams(head_bytes=12, tail_bytes=9)
    text = "alpha beta gamma " + "middle " * 50 + "omega end"
    got = tokens([text, "short one"], params)
    assert got[0][:2] == ["alpha", "beta"] and got[0][-2:] == ["omega", "end"]
    assert got[0].count("middle") == 0  # the middle is not read
    assert got[1] == ["short", "one"]


def test_numpy_scores_match_the_training_features():
    texts, _ = sample()
    coef, intercept, params = load_model()
    x = featurize(texts, params)
    expected = 1 / (1 + np.exp(-(x @ coef[:-1] + intercept)))
    assert np.allclose(toxicity_scores(texts), expected, atol=1e-4)


def test_batches_and_threads_do_not_change_scores():
    texts, _ = sample()
    many = texts * 30  # 1,200 texts
    whole = toxicity_scores(many, batch_size=100_000)
    split = toxicity_scores(many, batch_size=97)  # 13 batches on the thread pool
    assert np.allclose(whole, split, atol=1e-6)
    assert np.allclose(whole[:40], whole[40:80], atol=1e-6)


def test_real_tweets_score_above_a_floor():
    texts, offensive = sample()
    p = toxicity_scores(texts)
    threshold = model_card()["threshold"]
    assert ((p >= threshold) == offensive).mean() >= 0.85
    assert p[offensive].mean() - p[~offensive].mean() >= 0.4


def test_ordinary_instruction_answers_score_low():
    answers = ["Here are three tips for staying healthy: eat a balanced diet, exercise, and sleep well.",
               "The capital of France is Paris.", "def add(a, b):\n    return a + b", "",
               "She was one of the best software engineers I have ever met.",
               "Women have been underrepresented in science for decades."]
    assert (toxicity_scores(answers) < model_card()["threshold"]).all()


def test_insults_and_obfuscated_profanity_score_high():
    texts = ["You are a pathetic idiot and everyone knows it.", "shut up you stupid moron",
             "what the f*ck is wrong with you, dumbass"]
    assert (toxicity_scores(texts) >= model_card()["threshold"]).all()


def test_safety_signal_reports_classifier_scores():
    rows = [sft("rude", "What do you think of my essay?", "This is fucking garbage, you stupid ass."),
            sft("fine", "What do you think of my essay?",
                "It reads well; the second paragraph could be shorter.")]
    f = compute_signals(dataset(rows), signals=["safety"]).frame
    assert f.loc[0, "toxicity_score"] > 0.9 and f.loc[1, "toxicity_score"] < 0.5
    assert f.loc[0, "is_safety_issue"] and not f.loc[1, "is_safety_issue"]
