import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from agreement.agreement_data import KRIPPENDORFF_2011, SHAPES, random_matrix

import workbench.agreement.alpha as alpha_mod
from workbench.agreement import coincidence_matrix, krippendorff_alpha

LEVELS = ["nominal", "ordinal", "interval", "ratio"]


def _nan(m):
    return np.array([[np.nan if v is None else v for v in row] for row in m], dtype=float)


@pytest.mark.parametrize(
    "level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_krippendorff_2011_published_values(level, expected):
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == expected


def test_krippendorff_2011_coincidence_matrix():
    # The published nominal coincidence table: diagonal 7, 10, 8, 4, 3 with n = 40 pairable values.
    from workbench.agreement.alpha import pairable_counts

    counts, domain = pairable_counts(KRIPPENDORFF_2011)
    o = coincidence_matrix(counts)
    assert list(domain) == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(np.diag(o), [7, 10, 8, 4, 3])
    np.testing.assert_allclose(o.sum(axis=1), [9, 13, 10, 5, 3])
    assert o.sum() == pytest.approx(40)
    np.testing.assert_allclose(o, o.T)


def test_wikipedia_example():
    data = [
        [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
        [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
        [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
    ]
    assert krippendorff_alpha(data, "nominal") == pytest.approx(0.691358, abs=1e-6)
    assert krippendorff_alpha(data, "interval") == pytest.approx(0.810845, abs=1e-6)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("level", LEVELS)
def test_matches_krippendorff_package(shape, level):
    rng = np.random.default_rng(hash(shape) % 2**32)
    for trial in range(4):
        m = random_matrix(rng, *shape, missing=0.1 + 0.15 * trial, scale=1.5, offset=1.0)
        expected = krippendorff.alpha(reliability_data=m, level_of_measurement=level)
        assert krippendorff_alpha(m, level) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("level", LEVELS)
def test_matches_package_on_continuous_values(level, rng):
    m = np.round(rng.normal(5, 2, size=(4, 30)), 1) + 10
    m[rng.random(m.shape) < 0.25] = np.nan
    expected = krippendorff.alpha(reliability_data=m, level_of_measurement=level)
    assert krippendorff_alpha(m, level) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("level", ["nominal", "interval"])
def test_many_values_closed_form_path(level, rng, monkeypatch):
    m = np.round(rng.normal(0, 3, size=(5, 50)), 2)
    m[rng.random(m.shape) < 0.3] = np.nan
    expected = krippendorff.alpha(reliability_data=m, level_of_measurement=level)
    monkeypatch.setattr(alpha_mod, "DENSE_MAX_VALUES", 3)
    assert krippendorff_alpha(m, level) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("level", LEVELS)
def test_sparse_counts_path(level, rng, monkeypatch):
    m = random_matrix(rng, 6, 80, 4, missing=0.4, offset=1.0)
    expected = krippendorff.alpha(reliability_data=m, level_of_measurement=level)
    monkeypatch.setattr(alpha_mod, "DENSE_MAX_CELLS", 10)
    assert krippendorff_alpha(m, level) == pytest.approx(expected, abs=1e-9)


def test_ordinal_labels_with_declared_order():
    order = ["very low", "low", "mid", "high", "very high"]
    labels = [[None if v is None else order[v - 1] for v in row] for row in KRIPPENDORFF_2011]
    assert round(krippendorff_alpha(labels, "ordinal", order=order), 3) == 0.815
    assert round(krippendorff_alpha(labels, "nominal"), 3) == 0.743
    with pytest.raises(ValueError, match="order"):
        krippendorff_alpha(labels, "ordinal")
    with pytest.raises(ValueError, match="not in the declared order"):
        krippendorff_alpha(labels, "ordinal", order=order[:3])


def test_string_nominal_matches_package(rng):
    cats = np.array(["qa", "code", "summary", "chat"], dtype=object)
    m = cats[rng.integers(0, 4, size=(4, 50))]
    miss = rng.random(m.shape) < 0.3
    ours = np.where(miss, None, m)
    theirs = np.where(miss, "nan", m).astype(str)
    expected = krippendorff.alpha(reliability_data=theirs, level_of_measurement="nominal")
    assert krippendorff_alpha(ours, "nominal") == pytest.approx(expected, abs=1e-9)


def test_dataframe_input_equals_array():
    df = pd.DataFrame(_nan(KRIPPENDORFF_2011), index=list("ABCD"))
    expected = krippendorff_alpha(KRIPPENDORFF_2011, "interval")
    assert krippendorff_alpha(df, "interval") == pytest.approx(expected)


@pytest.mark.parametrize("level", LEVELS)
def test_degenerate_cases_return_nan_without_warnings(level):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(krippendorff_alpha(np.full((3, 5), 2.0), level))  # no variation
        single = np.full((3, 4), np.nan)
        single[0] = [1, 2, 3, 4]
        assert np.isnan(krippendorff_alpha(single, level))  # no pairable item
        assert np.isnan(krippendorff_alpha(np.full((2, 3), np.nan), level))  # nothing at all


def test_single_rated_items_are_ignored():
    base = _nan(KRIPPENDORFF_2011)
    extra = np.full((4, 3), np.nan)
    extra[0] = [1, 5, 2]  # single ratings add nothing
    assert krippendorff_alpha(np.hstack([base, extra]), "nominal") == pytest.approx(
        krippendorff_alpha(base, "nominal"), abs=1e-12
    )


def test_perfect_agreement_is_one():
    m = np.array([[1, 2, 3, 1, np.nan], [1, 2, 3, np.nan, 2], [1, 2, 3, 1, 2]])
    for level in LEVELS:
        assert krippendorff_alpha(m, level) == pytest.approx(1.0)


def test_invalid_level():
    with pytest.raises(ValueError):
        krippendorff_alpha([[1, 2], [1, 2]], "cardinal")
    with pytest.raises(ValueError):
        krippendorff_alpha([["a", "b"], ["a", "b"]], "interval")


@pytest.mark.parametrize("level", LEVELS)
def test_integer_fast_path_equals_general_path(level, rng, monkeypatch):
    m = random_matrix(rng, 7, 90, 5, missing=0.5, scale=2.0, offset=-3.0)
    fast = krippendorff_alpha(m, level) if level != "ratio" else krippendorff_alpha(m + 10, level)
    monkeypatch.setattr(alpha_mod, "integer_value_counts", lambda *a, **k: None)
    slow = krippendorff_alpha(m, level) if level != "ratio" else krippendorff_alpha(m + 10, level)
    assert fast == pytest.approx(slow, abs=1e-12)


def test_nullable_integer_dataframe():
    df = pd.DataFrame({"i1": pd.array([1, 2, None], dtype="Int64"), "i2": pd.array([2, 2, 3], dtype="Int64"),
                       "i3": pd.array([3, None, 3], dtype="Int64")})
    expected = krippendorff_alpha(np.array([[1, 2, 3], [2, 2, np.nan], [np.nan, 3, 3]]), "interval")
    assert krippendorff_alpha(df, "interval") == pytest.approx(expected)
