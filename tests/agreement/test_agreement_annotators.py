import numpy as np
import pandas as pd
import pytest

from workbench.agreement import (
    KappaMatrix,
    adjudication_queue,
    calibration_report,
    drift,
    gold_accuracy,
    krippendorff_alpha,
    leniency,
    majority_disagreement,
    per_category_agreement,
)


def _rows(field, table):
    """table: {annotator: {record_id: value}} -> long rows."""
    return [{"record_id": r, "annotator": a, "field": field, "value": v}
            for a, vals in table.items() for r, v in vals.items()]


def test_gold_accuracy_categories_and_ratings():
    long = pd.DataFrame(
        _rows("label", {"a": {"g1": "qa", "g2": "code", "g3": "chat", "g4": "code", "x": "qa"},
                        "b": {"g1": "qa", "g2": "code", "g3": "chat", "g4": "qa"}})
        + _rows("score", {"a": {"g1": 3, "g2": 5, "g3": 5, "g4": 3},
                          "b": {"g1": 3, "g2": 4, "g3": 5, "g4": 1}})
    )
    gold = pd.DataFrame(_rows("label", {"gold": {"g1": "qa", "g2": "code", "g3": "chat", "g4": "qa"}})
                        + _rows("score", {"gold": {"g1": 3, "g2": 4, "g3": 5, "g4": 1}}))
    gold = gold.drop(columns="annotator")
    res = gold_accuracy(long, gold).set_index(["field", "annotator"])
    assert res.loc[("label", "a"), "accuracy"] == 0.75 and res.loc[("label", "a"), "n_gold"] == 4
    assert res.loc[("label", "b"), "accuracy"] == 1.0
    assert np.isnan(res.loc[("label", "a"), "mae"])
    assert res.loc[("score", "a"), "kind"] == "rating"
    assert res.loc[("score", "a"), "mae"] == 0.75 and res.loc[("score", "a"), "within_1"] == 0.75
    assert res.loc[("score", "a"), "accuracy"] == 0.5
    assert res.loc[("score", "b"), "mae"] == 0.0 and res.loc[("score", "b"), "within_1"] == 1.0
    only = gold_accuracy(long, gold, field="score")
    assert set(only["field"]) == {"score"} and len(only) == 2


def test_leniency_known_offsets():
    base = {f"i{j}": v for j, v in enumerate([2, 3, 4, 3, 2])}
    long = pd.DataFrame(_rows("q", {"a": base, "b": dict(base), "c": {k: v + 1 for k, v in base.items()}}))
    res = leniency(long, "q").set_index("annotator")
    assert res.loc["c", "leniency"] == pytest.approx(1.0)
    assert res.loc["a", "leniency"] == pytest.approx(-0.5) and res.loc["b", "leniency"] == pytest.approx(-0.5)
    assert res.loc["c", "n_items"] == 5 and res.loc["c", "mean_rating"] == pytest.approx(3.8)


def test_leniency_with_ordinal_labels_and_lonely_items():
    long = pd.DataFrame(_rows("q", {"a": {"1": "bad", "2": "good", "3": "ok"},
                                    "b": {"1": "ok", "2": "good"}}))
    res = leniency(long, "q", order=["bad", "ok", "good"]).set_index("annotator")
    assert res.loc["a", "leniency"] == pytest.approx(-0.5) and res.loc["a", "n_items"] == 2
    assert res.loc["b", "leniency"] == pytest.approx(0.5)


def test_majority_disagreement():
    long = pd.DataFrame(_rows("c", {"x": {"i1": "A", "i2": "A", "i3": "B", "i4": "C"},
                                    "y": {"i1": "A", "i2": "B", "i3": "B", "i4": "A"},
                                    "z": {"i1": "B", "i2": "C", "i3": "B"}}))
    res = majority_disagreement(long, "c").set_index("annotator")
    assert res.loc["z", "disagreement"] == 0.5 and res.loc["z", "n_items"] == 2
    assert res.loc["x", "disagreement"] == 0.0 and res.loc["y", "n_items"] == 2


def _drift_table():
    truth = ["A" if j % 3 else "B" for j in range(40)]
    rows = []
    for j, t in enumerate(truth):
        rows.append({"record_id": f"r{j:02d}", "annotator": "e", "field": "c", "value": t, "time": 1000 + j})
        rows.append({"record_id": f"r{j:02d}", "annotator": "f", "field": "c", "value": t, "time": 2000 + j})
        wrong = "B" if t == "A" else "A"
        rows.append({"record_id": f"r{j:02d}", "annotator": "d", "field": "c",
                     "value": t if j < 20 else wrong, "time": j})
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0), truth  # shuffled: order comes from time


def test_drift_against_consensus():
    long, _ = _drift_table()
    res = drift(long, "c", window=20)
    d = res[res["annotator"] == "d"].set_index("position")
    assert list(d["record_id"])[:3] == ["r00", "r01", "r02"]
    assert d.loc[19, "rolling_agreement"] == 1.0
    assert d.loc[29, "rolling_agreement"] == pytest.approx(0.5)
    assert d.loc[39, "rolling_agreement"] == 0.0
    e = res[res["annotator"] == "e"].set_index("position")
    assert e.loc[19, "rolling_agreement"] == 1.0
    assert e.loc[30, "agree"] != e.loc[30, "agree"]  # others tie (d vs f): no reference -> NaN


def test_drift_against_gold_and_ratings():
    long, truth = _drift_table()
    gold = pd.DataFrame({"record_id": [f"r{j:02d}" for j in range(40)], "field": "c", "value": truth})
    res = drift(long, "c", window=10, reference="gold", gold=gold)
    d = res[res["annotator"] == "d"].set_index("position")
    assert d.loc[9, "rolling_agreement"] == 1.0 and d.loc[39, "rolling_agreement"] == 0.0
    ratings = pd.DataFrame(_rows("s", {"p": {f"i{j}": 3 + (j >= 5) * 2 for j in range(10)},
                                       "q": {f"i{j}": 3 for j in range(10)},
                                       "r": {f"i{j}": 3 for j in range(10)}}))
    ratings = ratings.assign(time=range(len(ratings)))
    res = drift(ratings, "s", window=5)
    p = res[res["annotator"] == "p"].set_index("position")
    assert p.loc[4, "rolling_deviation"] == 0.0 and p.loc[9, "rolling_deviation"] == 2.0
    assert p.loc[9, "rolling_agreement"] == 0.0
    with pytest.raises(ValueError):
        drift(long, "c", reference="gold")


def test_adjudication_queue_ratings_and_labels():
    ratings = pd.DataFrame(_rows("s", {"a": {"i1": 1, "i2": 2, "i3": 4, "i4": 3},
                                       "b": {"i1": 5, "i2": 2, "i3": 4},
                                       "c": {"i1": 3, "i2": 3}}))
    q = adjudication_queue(ratings, "s")
    assert list(q["record_id"]) == ["i1", "i2"] and list(q["disagreement"]) == [4.0, 1.0]
    assert list(q.columns) == ["record_id", "disagreement", "n_ratings", "a", "b", "c"]
    assert q.loc[0, "b"] == 5.0 and q.loc[0, "n_ratings"] == 3
    std = adjudication_queue(ratings, "s", measure="std")
    assert std.loc[0, "disagreement"] == pytest.approx(np.sqrt(8 / 3))
    labels = pd.DataFrame(_rows("c", {"a": {"i1": "A", "i2": "A", "i3": "A"},
                                      "b": {"i1": "A", "i2": "B", "i3": "A"},
                                      "c": {"i1": "B", "i2": "C"}}))
    q = adjudication_queue(labels, "c")
    assert list(q["record_id"]) == ["i2", "i1"]
    assert q["disagreement"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert list(adjudication_queue(labels, "c", threshold=0.5)["record_id"]) == ["i2"]
    ordered = pd.DataFrame(_rows("o", {"a": {"i1": "bad"}, "b": {"i1": "good"}}))
    q = adjudication_queue(ordered, "o", kind="rating", order=["bad", "ok", "good"])
    assert q.loc[0, "disagreement"] == 2.0 and q.loc[0, "a"] == "bad"


def test_per_category_agreement_finds_unclear_category():
    rng = np.random.default_rng(0)
    rows, cat = [], {}
    for j in range(30):
        rid = f"r{j}"
        cat[rid] = "billing" if j < 15 else "technical"
        truth = int(rng.integers(1, 6))
        for ann in ["a", "b", "c"]:
            v = truth if j < 15 else int(rng.integers(1, 6))
            rows.append({"record_id": rid, "annotator": ann, "field": "s", "value": v, "category": cat[rid]})
    long = pd.DataFrame(rows)
    res = per_category_agreement(long, "s")
    assert list(res["category"]) == ["technical", "billing"]
    assert res.set_index("category").loc["billing", "alpha"] == 1.0
    assert res.set_index("category").loc["billing", "band"] == "excellent"
    assert (res["level"] == "ordinal").all() and (res["n_items"] == 15).all()
    again = per_category_agreement(long.drop(columns="category"), "s", categories=cat)
    pd.testing.assert_frame_equal(res, again)


def test_calibration_report():
    m = {"a": {"c1": "A", "c2": "B", "c3": "A", "x": "B"},
         "b": {"c1": "A", "c2": "A", "c3": "A", "x": "A"},
         "c": {"c1": "A", "c2": "B", "c3": "B", "x": "A"}}
    long = pd.DataFrame(_rows("label", m))
    rep = calibration_report(long, "label", items=["c1", "c2", "c3"])
    assert rep["n_items"] == 3 and rep["n_annotators"] == 3 and rep["level"] == "nominal"
    expected = krippendorff_alpha([["A", "B", "A"], ["A", "A", "A"], ["A", "B", "B"]])
    assert rep["alpha"] == pytest.approx(expected)
    assert isinstance(rep["kappa_matrix"], KappaMatrix)
    items = rep["items"]
    assert list(items["record_id"]) == ["c2", "c3", "c1"]  # most disputed first, agreed items kept
    assert items.loc[0, "a"] == "B" and items.loc[0, "b"] == "A"
    assert rep["band"] in {"low (review the guidelines)", "moderate", "good", "excellent", "undefined"}
