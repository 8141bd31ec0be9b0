import warnings

import numpy as np
import pandas as pd
import pytest
from agreement.agreement_data import FLEISS_WIKIPEDIA, SHAPES, long_from_matrix, random_matrix
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from workbench.agreement import (
    KappaMatrix,
    cohen_kappa,
    cohen_kappa_matrix,
    fleiss_kappa,
    percent_agreement,
    randolph_kappa,
    scott_pi,
)

WEIGHTS = [None, "linear", "quadratic"]


def _sk(a, b, weights, labels=None):
    keep = ~(pd.isna(a) | pd.isna(b))
    return cohen_kappa_score(np.asarray(a)[keep], np.asarray(b)[keep], weights=weights, labels=labels)


@pytest.mark.parametrize("weights", WEIGHTS)
def test_cohen_matches_sklearn_random(weights):
    rng = np.random.default_rng(7)
    for n, k in [(10, 2), (30, 3), (100, 5), (500, 7), (40, 10)]:
        for _ in range(5):
            m = random_matrix(rng, 2, n, k, missing=0.2)
            expected = _sk(m[0], m[1], weights)
            assert cohen_kappa(m[0], m[1], weights=weights) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("weights", WEIGHTS)
def test_cohen_matches_sklearn_strings_and_labels(weights):
    rng = np.random.default_rng(3)
    labels = ["bad", "ok", "good", "great"]
    a = np.array(labels, dtype=object)[rng.integers(0, 4, 80)]
    b = np.where(rng.random(80) < 0.6, a, np.array(labels, dtype=object)[rng.integers(0, 4, 80)])
    assert cohen_kappa(a, b, weights) == pytest.approx(cohen_kappa_score(a, b, weights=weights), abs=1e-9)
    got = cohen_kappa(a, b, weights, labels=labels)
    assert got == pytest.approx(cohen_kappa_score(a, b, weights=weights, labels=labels), abs=1e-9)
    sub = labels[:3]  # pairs with a label outside `labels` are ignored, as in sklearn
    got = cohen_kappa(a, b, weights, labels=sub)
    assert got == pytest.approx(cohen_kappa_score(a, b, weights=weights, labels=sub), abs=1e-9)


def test_cohen_textbook_example():
    # Wikipedia "Cohen's kappa": 50 grant proposals, Yes/Yes 20, Yes/No 5, No/Yes 10, No/No 15 -> 0.4
    a = ["Y"] * 25 + ["N"] * 25
    b = ["Y"] * 20 + ["N"] * 5 + ["Y"] * 10 + ["N"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4, abs=1e-12)
    # Scott's pi on the same table: p_o = 0.7, pooled Yes = 55/100 -> p_e = 0.505
    assert scott_pi(a, b) == pytest.approx((0.7 - 0.505) / (1 - 0.505), abs=1e-12)


def test_cohen_drops_missing_pairs():
    a = [1, 2, None, 3, 1, np.nan]
    b = [1, 2, 3, None, 2, 1]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score([1, 2, 1], [1, 2, 2]), abs=1e-12)


def test_cohen_degenerate_is_nan_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(cohen_kappa([1, 1, 1], [1, 1, 1]))
        assert np.isnan(cohen_kappa([None, 1], [2, None]))
        assert np.isnan(cohen_kappa([], []))
        assert np.isnan(scott_pi(["a", "a"], ["a", "a"]))


@pytest.mark.parametrize("weights", WEIGHTS)
def test_kappa_matrix_matches_sklearn_pairwise(weights):
    rng = np.random.default_rng(11)
    m = random_matrix(rng, 5, 60, 4, missing=0.35)
    labels = sorted(set(m[~np.isnan(m)]))
    km = cohen_kappa_matrix(m, weights=weights)
    assert isinstance(km, KappaMatrix)
    k = km.kappa.to_numpy()
    for i in range(5):
        assert k[i, i] == 1.0
        for j in range(5):
            if i != j:
                assert k[i, j] == pytest.approx(_sk(m[i], m[j], weights, labels), abs=1e-9)
                shared = int((~np.isnan(m[i]) & ~np.isnan(m[j])).sum())
                assert km.n_shared.iloc[i, j] == shared
    assert km.n_shared.iloc[0, 0] == int((~np.isnan(m[0])).sum())


def test_kappa_matrix_from_long_table_and_min_shared():
    matrix = [
        ["a", "b", "a", "b", None, None],
        ["a", "b", "b", "b", None, "a"],
        [None, None, None, "a", "b", "a"],
    ]
    long = long_from_matrix(matrix, field="label", annotators=["x", "y", "z"])
    long = pd.concat([long, long.assign(field="other")])  # field selects
    km = cohen_kappa_matrix(long, field="label", min_shared=3)
    assert list(km.kappa.index) == ["x", "y", "z"]
    assert km.n_shared.loc["x", "z"] == 1 and np.isnan(km.kappa.loc["x", "z"])
    assert km.n_shared.loc["y", "z"] == 2 and np.isnan(km.kappa.loc["y", "z"])  # 2 < min_shared
    assert km.kappa.loc["x", "y"] == pytest.approx(cohen_kappa_score(list("abab"), list("abbb")))
    assert km.kappa.loc["x", "y"] == km.kappa.loc["y", "x"]
    assert km.mean() == pytest.approx(km.kappa.loc["x", "y"])
    pairs = km.pairs()
    assert len(pairs) == 3 and set(pairs.columns) == {"annotator_a", "annotator_b", "kappa", "n_shared"}


def test_kappa_matrix_no_shared_items_no_exception():
    m = np.array([[1, 2, np.nan, np.nan], [np.nan, np.nan, 1, 2]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        km = cohen_kappa_matrix(m)
    assert np.isnan(km.kappa.iloc[0, 1]) and km.n_shared.iloc[0, 1] == 0
    assert np.isnan(km.mean())


def _sm(m, method):
    complete = m[:, ~np.isnan(m).any(axis=0)]
    table, _ = aggregate_raters(complete.T)
    return sm_fleiss(table, method=method)


@pytest.mark.parametrize("shape", SHAPES)
def test_fleiss_and_randolph_match_statsmodels(shape):
    rng = np.random.default_rng(5)
    for missing in (0.0, 0.05):
        m = random_matrix(rng, *shape, missing=missing)
        if np.isnan(m).any(axis=0).all():
            continue
        assert fleiss_kappa(m) == pytest.approx(_sm(m, "fleiss"), abs=1e-9)
        assert randolph_kappa(m) == pytest.approx(_sm(m, "randolph"), abs=1e-9)


def test_fleiss_wikipedia_example():
    assert round(fleiss_kappa(FLEISS_WIKIPEDIA, counts=True), 3) == 0.210
    expected = sm_fleiss(np.array(FLEISS_WIKIPEDIA))
    assert fleiss_kappa(FLEISS_WIKIPEDIA, counts=True) == pytest.approx(expected, abs=1e-12)
    expected = sm_fleiss(np.array(FLEISS_WIKIPEDIA), method="randolph")
    assert randolph_kappa(FLEISS_WIKIPEDIA, counts=True) == pytest.approx(expected, abs=1e-12)


def test_fleiss_labels_matrix_equals_count_table():
    rows = [np.repeat(np.arange(5), r) for r in FLEISS_WIKIPEDIA]
    matrix = np.array(rows, dtype=float).T  # 14 raters x 10 items
    assert matrix.shape == (14, 10)
    assert fleiss_kappa(matrix) == pytest.approx(0.20993070, abs=1e-8)


def test_fleiss_degenerate():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(fleiss_kappa(np.ones((3, 6))))
        assert np.isnan(fleiss_kappa(np.full((3, 4), np.nan)))
    with pytest.raises(ValueError):
        fleiss_kappa([[1, -1]], counts=True)


def test_percent_agreement():
    m = [[1, 1, 2, None], [1, 2, 2, 3], [1, None, 2, None]]
    # item 0: 3/3 pairs agree; item 1: 0/1; item 2: 3/3; item 3: single rating ignored
    assert percent_agreement(m) == pytest.approx((1 + 0 + 1) / 3)
    assert np.isnan(percent_agreement([[1, None], [None, 2]]))
    m3 = [["a", "a", "b"], ["a", "b", "b"], ["b", "a", "b"], ["a", "a", "a"]]
    # column 0: a,a,b,a -> 3 pairs of 6 agree; column 1: a,b,a,a -> 3/6; column 2: b,b,b,a -> 3/6
    assert percent_agreement(m3) == pytest.approx(0.5)
