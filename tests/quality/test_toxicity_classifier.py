"""The shipped offensive-language classifier: weights load offline without pickles, the numpy scorer
agrees with the training features, real tweets score above a floor (tests/fixtures/
davidson_toxicity_sample.csv, MIT; provenance in tests/fixtures/SOURCES.md), and the safety signal
reports it."""
import csv
from pathlib import Path

import numpy as np

from quality.quality_data import dataset, sft
from workbench.quality import compute_signals
from workbench.quality.toxicity import WEIGHTS, featurize, load_model, model_card, toxicity_scores

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def sample():
    with open(FIXTURES / "davidson_toxicity_sample.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], np.array([r["offensive"] == "1" for r in rows])


def test_weights_ship_as_plain_arrays_with_a_card():
    with np.load(WEIGHTS, allow_pickle=False) as z:  # no pickle anywhere in the file
        assert z["coef"].dtype == np.float16 and z["coef"].shape == (1 << 18,)
    assert WEIGHTS.stat().st_size < 3_000_000
    card = model_card()
    assert {d["licence"] for d in card["training_data"]} == {"MIT"}
    assert 0 < card["threshold"] < 1 and "test_metrics" in card
    assert card["test_metrics"]["n"] == 860  # OLID test set A, never trained on


def test_numpy_scores_match_the_training_features():
    texts, _ = sample()
    coef, intercept, params = load_model()
    x = featurize(texts, params)
    expected = 1 / (1 + np.exp(-(x @ coef[:-1] + intercept)))
    assert np.allclose(toxicity_scores(texts), expected, atol=1e-4)


def test_real_tweets_score_above_a_floor():
    texts, offensive = sample()
    p = toxicity_scores(texts)
    assert ((p >= 0.5) == offensive).mean() >= 0.85
    assert p[offensive].mean() - p[~offensive].mean() >= 0.4


def test_ordinary_instruction_answers_score_low():
    answers = ["Here are three tips for staying healthy: eat a balanced diet, exercise, and sleep well.",
               "The capital of France is Paris.", "def add(a, b):\n    return a + b", ""]
    assert (toxicity_scores(answers) < 0.5).all()


def test_safety_signal_reports_classifier_scores():
    rows = [sft("rude", "What do you think of my essay?", "This is fucking garbage, you stupid ass."),
            sft("fine", "What do you think of my essay?",
                "It reads well; the second paragraph could be shorter.")]
    f = compute_signals(dataset(rows), signals=["safety"]).frame
    assert f.loc[0, "toxicity_score"] > 0.9 and f.loc[1, "toxicity_score"] < 0.5
    assert f.loc[0, "is_safety_issue"] and not f.loc[1, "is_safety_issue"]
