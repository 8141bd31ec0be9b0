import numpy as np
import pandas as pd
import pytest
from agreement.agreement_data import KRIPPENDORFF_2011, random_matrix

from workbench.agreement import (
    Interval,
    alpha_ci,
    bootstrap_ci,
    cohen_kappa,
    kappa_ci,
    krippendorff_alpha,
    percent_agreement,
)
from workbench.agreement.bootstrap import percentile_interval


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_ci_equals_generic_bootstrap(level):
    rng = np.random.default_rng(1)
    m = random_matrix(rng, 4, 50, 4, missing=0.3, offset=1.0)
    fast = alpha_ci(m, level, n_boot=150, seed=3)
    slow = bootstrap_ci(lambda x: krippendorff_alpha(x, level), m, n_boot=150, seed=3)
    assert isinstance(fast, Interval)
    np.testing.assert_allclose(fast, slow, atol=1e-9)
    assert fast.low <= fast.estimate <= fast.high
    assert fast.estimate == pytest.approx(krippendorff_alpha(m, level), abs=1e-12)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_ci_equals_generic_bootstrap(weights):
    rng = np.random.default_rng(2)
    m = random_matrix(rng, 2, 80, 4, missing=0.2)
    labels = [0.0, 1.0, 2.0, 3.0]
    fast = kappa_ci(m[0], m[1], weights=weights, n_boot=200, seed=9)
    slow = bootstrap_ci(lambda x: cohen_kappa(x[0], x[1], weights, labels=labels), m, n_boot=200, seed=9)
    np.testing.assert_allclose(fast, slow, atol=1e-9)
    assert fast.estimate == pytest.approx(cohen_kappa(m[0], m[1], weights), abs=1e-12)


def test_seeded_and_reproducible():
    m = np.array(KRIPPENDORFF_2011, dtype=object)
    a = alpha_ci(m, "nominal", n_boot=300, seed=0)
    b = alpha_ci(m, "nominal", n_boot=300, seed=0)
    c = alpha_ci(m, "nominal", n_boot=300, seed=1)
    assert a == b and a != c
    assert a.estimate == pytest.approx(0.743, abs=5e-4)
    assert a.low < a.estimate < a.high <= 1.0


def test_alpha_ci_with_order_and_fallback():
    order = ["very low", "low", "mid", "high", "very high"]
    labels = [[None if v is None else order[v - 1] for v in row] for row in KRIPPENDORFF_2011]
    got = alpha_ci(labels, "ordinal", order=order, n_boot=100, seed=4)
    assert got.estimate == pytest.approx(0.815, abs=5e-4)
    numeric = alpha_ci(KRIPPENDORFF_2011, "ordinal", n_boot=100, seed=4)
    np.testing.assert_allclose(got, numeric, atol=1e-12)
    # many distinct values -> generic loop, same stream
    rng = np.random.default_rng(0)
    cont = np.round(rng.normal(size=(3, 40)), 3)
    fast = alpha_ci(cont, "interval", n_boot=50, seed=2)
    slow = bootstrap_ci(lambda x: krippendorff_alpha(x, "interval"), cont, n_boot=50, seed=2)
    np.testing.assert_allclose(fast, slow, atol=1e-12)


def test_generic_bootstrap_dataframe_and_interval_width():
    rng = np.random.default_rng(8)
    m = pd.DataFrame(random_matrix(rng, 3, 400, 3, missing=0.1))
    seen = []

    def fn(x):
        seen.append(type(x))
        return percent_agreement(x)

    res = bootstrap_ci(fn, m, n_boot=100, seed=0, ci=0.9)
    assert all(t is pd.DataFrame for t in seen)
    assert res.low < res.estimate < res.high
    assert res.high - res.low < 0.15  # 400 items: a tight interval
    small = bootstrap_ci(percent_agreement, m.iloc[:, :20], n_boot=100, seed=0, ci=0.9)
    assert small.high - small.low > res.high - res.low


def test_undefined_replicates_and_empty():
    assert percentile_interval(np.array([np.nan, np.nan])) == (pytest.approx(np.nan, nan_ok=True),) * 2
    res = alpha_ci(np.full((2, 5), 1.0), "nominal", n_boot=20)
    assert np.isnan(res.estimate) and np.isnan(res.low) and np.isnan(res.high)
    with pytest.raises(ValueError):
        percentile_interval(np.ones(3), ci=1.5)
