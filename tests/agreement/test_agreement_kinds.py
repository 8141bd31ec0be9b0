import json
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from workbench.agreement import (
    KappaMatrix,
    canonical_matrix,
    cohen_kappa_matrix,
    field_agreement,
    infer_kind,
    kendall_w,
    krippendorff_alpha,
    pairwise_preference_agreement,
    preference_label,
    ranking_ranks,
    text_similarity,
)


def _pref_table():
    """x and y always prefer the same underlying response, but saw the pair in opposite orders."""
    winners = {"r1": ("c1", "c2"), "r2": ("c4", "c3"), "r3": ("c5", "c6"), "r4": ("c8", "c7")}
    rows = []
    for rid, (best, other) in winners.items():
        for ann, order in (("x", [best, other]), ("y", [other, best])):
            rows.append({"record_id": rid, "annotator": ann, "field": "pref",
                         "value": {"choice": "A" if order[0] == best else "B", "order": order}})
    rows.append({"record_id": "r5", "annotator": "x", "field": "pref",
                 "value": {"choice": "tie", "order": ["c9", "c10"]}})
    rows.append({"record_id": "r5", "annotator": "y", "field": "pref",
                 "value": json.dumps({"choice": "tie", "order": ["c10", "c9"]})})
    return pd.DataFrame(rows)


def test_preference_label_undoes_display_order():
    assert preference_label({"choice": "A", "order": ["r2", "r1"]}) == "r2"
    assert preference_label({"choice": "B", "order": ["r2", "r1"]}) == "r1"
    assert preference_label({"choice": "A", "order": ["rejected", "chosen"]}) == "rejected"
    assert preference_label({"choice": 1, "order": ["p", "q"]}) == "q"
    assert preference_label({"choice": "q", "order": ["p", "q"]}) == "q"
    assert preference_label({"choice": "Tie", "order": ["p", "q"]}) == "tie"
    assert preference_label({"choice": "A"}) == "A"
    assert preference_label('{"choice": "b", "order": ["p", "q"]}') == "q"
    assert preference_label(None) is None
    with pytest.raises(ValueError):
        preference_label({"choice": "C", "order": ["p", "q"]})


def test_preference_agreement_compares_underlying_candidates():
    long = _pref_table()
    res = field_agreement(long, "pref")
    assert res["kind"] == "preference"
    assert res["percent_agreement"] == 1.0 and res["alpha_nominal"] == 1.0
    assert res["tie_rate"] == pytest.approx(0.2)
    # comparing the raw letters would show complete disagreement on r1-r4
    letters = long.assign(value=[v["choice"] if isinstance(v, dict) else "tie" for v in long["value"]])
    assert field_agreement(letters, "pref", kind="category")["percent_agreement"] == pytest.approx(0.2)
    m = canonical_matrix(long, "pref")
    assert m.loc["x", "r2"] == m.loc["y", "r2"] == "c4"


def test_kendall_w_known_values():
    assert kendall_w([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]) == pytest.approx(1.0)
    assert kendall_w([[1, 2, 3, 4], [4, 3, 2, 1]]) == pytest.approx(0.0)
    # with a tie, by hand: rank sums 3.5, 5.5, 9, 12; S = 42.5; T = 2^3 - 2 = 6
    w = kendall_w([[1, 2, 3, 4], [1, 2, 3, 4], [1, 1, 3, 4]])
    assert w == pytest.approx(12 * 42.5 / (9 * (64 - 4) - 3 * 6))
    assert np.isnan(kendall_w([[1, 2, 3]]))
    assert np.isnan(kendall_w([[1, 1], [1, 1]]))


def test_kendall_w_relation_to_mean_spearman():
    rng = np.random.default_rng(4)
    for m, n in [(3, 5), (5, 8), (10, 6)]:
        r = np.array([rng.permutation(n) + 1 for _ in range(m)])
        rho = np.mean([spearmanr(r[i], r[j]).statistic for i, j in combinations(range(m), 2)])
        assert (m * kendall_w(r) - 1) / (m - 1) == pytest.approx(rho, abs=1e-12)


def test_ranking_parsing_and_pairwise_agreement():
    assert ranking_ranks({"ranking": ["a", ["b", "c"], "d"]}) == {"a": 1.0, "b": 2.5, "c": 2.5, "d": 4.0}
    assert ranking_ranks({"ranking": {"a": 2, "b": 1}}) == {"a": 2.0, "b": 1.0}
    same = [{"a": 1, "b": 2, "c": 3}] * 3
    assert pairwise_preference_agreement(same) == 1.0
    rev = [{"a": 1, "b": 2, "c": 3}, {"a": 3, "b": 2, "c": 1}]
    assert pairwise_preference_agreement(rev) == 0.0
    tie = [{"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 2.5, "c": 2.5}]
    assert pairwise_preference_agreement(tie) == pytest.approx(2 / 3)


def test_ranking_field_agreement():
    rows = []
    for rid in ["r1", "r2"]:
        for ann in ["x", "y", "z"]:
            rows.append({"record_id": rid, "annotator": ann, "field": "rank",
                         "value": {"ranking": ["a", "b", "c"]}})
    rows.append({"record_id": "r3", "annotator": "x", "field": "rank", "value": {"ranking": ["a", "b", "c"]}})
    rows.append({"record_id": "r3", "annotator": "y", "field": "rank", "value": {"ranking": ["c", "b", "a"]}})
    res = field_agreement(pd.DataFrame(rows), "rank")
    assert res["kind"] == "ranking"
    per = res["per_item"].set_index("record_id")
    assert per.loc["r1", "kendall_w"] == pytest.approx(1.0)
    assert per.loc["r3", "kendall_w"] == pytest.approx(0.0)
    assert res["kendall_w"] == pytest.approx(2 / 3)
    assert res["pairwise_preference_agreement"] == pytest.approx(2 / 3)


def test_text_similarity_and_field():
    assert text_similarity("same text", "same text") == 1.0
    assert text_similarity("abcd", "wxyz") == 0.0
    assert 0.5 < text_similarity("The answer is 42.", "The answer is 43.") < 1.0
    long = pd.DataFrame({
        "record_id": ["r1", "r1", "r2", "r2", "r3"], "annotator": ["x", "y", "x", "y", "x"],
        "value": ["A long edited answer about billing that goes on." * 2] * 2
                 + ["Short reply number one, rewritten by x for clarity.",
                    "Completely different content from y here!!"]
                 + ["single"],
    })
    res = field_agreement(long)
    assert res["kind"] == "text" and res["n_items_multi"] == 2
    sims = res["per_item"].set_index("record_id")["similarity"]
    assert sims["r1"] == 1.0 and sims["r2"] < 0.6 and np.isnan(sims["r3"])
    assert res["mean_similarity"] == pytest.approx((1.0 + sims["r2"]) / 2)


def test_tags_per_tag_binary_alpha():
    values = {("x", "r1"): ["pii", "toxic"], ("y", "r1"): ["pii"], ("x", "r2"): [], ("y", "r2"): [],
              ("x", "r3"): ["pii"], ("y", "r3"): ["pii"], ("x", "r4"): ["toxic"], ("y", "r4"): []}
    long = pd.DataFrame([{"record_id": r, "annotator": a, "field": "tags", "value": v}
                         for (a, r), v in values.items()])
    res = field_agreement(long, "tags")
    assert res["kind"] == "tags"
    per = res["per_tag"].set_index("tag")
    pii = np.array([[1, 0, 1, 0], [1, 0, 1, 0]], dtype=float)
    toxic = np.array([[1, 0, 0, 1], [0, 0, 0, 0]], dtype=float)
    assert per.loc["pii", "alpha_nominal"] == pytest.approx(krippendorff_alpha(pii))
    assert per.loc["toxic", "alpha_nominal"] == pytest.approx(krippendorff_alpha(toxic))
    assert per.loc["toxic", "prevalence"] == pytest.approx(2 / 8)
    assert res["alpha_nominal_macro"] == pytest.approx(per["alpha_nominal"].mean())
    assert res["exact_set_agreement"] == pytest.approx(0.5)


def test_rating_and_category_metrics_match_direct_calls():
    rng = np.random.default_rng(0)
    m = rng.integers(1, 6, size=(4, 30)).astype(float)
    m[rng.random(m.shape) < 0.3] = np.nan
    rows = [{"record_id": j, "annotator": f"a{i}", "field": "helpful", "value": int(m[i, j])}
            for i in range(4) for j in range(30) if not np.isnan(m[i, j])]
    long = pd.DataFrame(rows)
    res = field_agreement(long, "helpful")
    assert res["kind"] == "rating"
    assert res["alpha_ordinal"] == pytest.approx(krippendorff_alpha(m, "ordinal"), abs=1e-12)
    assert res["alpha_interval"] == pytest.approx(krippendorff_alpha(m, "interval"), abs=1e-12)
    assert isinstance(res["kappa_matrix"], KappaMatrix) and res["kappa_matrix"].weights == "quadratic"
    assert res["mean_pairwise_kappa"] == pytest.approx(cohen_kappa_matrix(m, weights="quadratic").mean())
    cats = long.assign(value=long["value"].map({1: "qa", 2: "code", 3: "chat", 4: "qa", 5: "code"}))
    res = field_agreement(cats, "helpful")
    assert res["kind"] == "category"
    assert {"alpha_nominal", "fleiss_kappa", "randolph_kappa", "percent_agreement"} <= set(res)


def test_ordinal_labels_with_order():
    long = pd.DataFrame({"record_id": [1, 1, 2, 2, 3, 3], "annotator": list("xyxyxy"),
                         "value": ["bad", "ok", "good", "good", "ok", "ok"]})
    res = field_agreement(long, kind="rating", order=["bad", "ok", "good"])
    assert res["alpha_ordinal"] == pytest.approx(krippendorff_alpha([[0, 2, 1], [1, 2, 1]], "ordinal"))


@pytest.mark.parametrize(
    "values, kind",
    [
        ([1, 2, 5, None], "rating"),
        ([1.5, 2.0], "rating"),
        ([True, False], "category"),
        (["qa", "code"], "category"),
        ([["a"], []], "tags"),
        ([{"choice": "A", "order": ["p", "q"]}], "preference"),
        (['{"choice": "A"}'], "preference"),
        ([{"ranking": ["a", "b"]}], "ranking"),
        (["x" * 80, "y" * 60], "text"),
        ([], "category"),
    ],
)
def test_infer_kind(values, kind):
    assert infer_kind(values) == kind


def test_unknown_kind():
    with pytest.raises(ValueError):
        field_agreement(_pref_table(), "pref", kind="vibes")
