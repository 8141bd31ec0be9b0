import json

import numpy as np
import pandas as pd
import pytest

from workbench.agreement import agreement_summary, alpha_ci, krippendorff_alpha, write_agreement_report
from workbench.agreement.report import to_jsonable


def _long():
    rng = np.random.default_rng(3)
    rows = []
    annotators = ["ann", "bob", "cid", "dee"]
    for j in range(40):
        rid = f"r{j:02d}"
        truth = int(rng.integers(1, 6))
        cat = ["qa", "code", "chat"][j % 3]
        raters = annotators if j < 12 else [annotators[j % 4]]  # 12 overlap items, the rest single
        for a in raters:
            lenient = 1 if a == "dee" else 0
            rows += [
                {"record_id": rid, "annotator": a, "field": "helpfulness", "value": min(5, truth + lenient)},
                {"record_id": rid, "annotator": a, "field": "task",
                 "value": cat if rng.random() < 0.8 else "other"},
                {"record_id": rid, "annotator": a, "field": "safety", "value": ["pii"] if j % 4 == 0 else []},
                {"record_id": rid, "annotator": a, "field": "pref",
                 "value": ({"choice": "A", "order": ["x", "y"]} if j % 2
                           else {"choice": "B", "order": ["y", "x"]})},
            ]
    long = pd.DataFrame(rows)
    gold = pd.DataFrame({"record_id": ["r00", "r01"], "field": ["task", "task"], "value": ["qa", "code"]})
    return long, gold


def test_summary_structure_and_values():
    long, gold = _long()
    s = agreement_summary(long, gold=gold, n_boot=100, seed=1)
    json.dumps(s, allow_nan=False)  # serialisable, no NaN
    assert s["n_records"] == 40 and s["n_annotators"] == 4
    assert set(s["fields"]) == {"helpfulness", "task", "safety", "pref"}
    h = s["fields"]["helpfulness"]
    assert h["kind"] == "rating" and h["n_items_multi"] == 12
    expected_metrics = {"alpha_ordinal", "alpha_interval", "percent_agreement", "mean_pairwise_kappa"}
    assert set(h["metrics"]) == expected_metrics
    for m in h["metrics"].values():
        assert set(m) == {"value", "low", "high", "band"}
        assert m["low"] <= m["value"] <= m["high"]
    wide = long[long["field"] == "helpfulness"].pivot(index="annotator", columns="record_id", values="value")
    wide = wide.astype(float)
    expected = alpha_ci(wide, "ordinal", n_boot=100, seed=1)
    assert h["metrics"]["alpha_ordinal"]["value"] == pytest.approx(krippendorff_alpha(wide, "ordinal"))
    assert h["metrics"]["alpha_ordinal"]["low"] == pytest.approx(expected.low)
    km = h["kappa_matrix"]
    assert km["annotators"] == ["ann", "bob", "cid", "dee"] and km["n_shared"][0][1] == 12
    assert km["weights"] == "quadratic" and len(km["pairs"]) == 6
    lenient = {r["annotator"]: r["leniency"] for r in h["leniency"]}
    assert max(lenient, key=lenient.get) == "dee"
    assert s["fields"]["task"]["kind"] == "category"
    assert {"fleiss_kappa", "randolph_kappa", "alpha_nominal"} <= set(s["fields"]["task"]["metrics"])
    assert {r["annotator"] for r in s["fields"]["task"]["gold_accuracy"]} == {"ann", "bob", "cid", "dee"}
    assert s["fields"]["safety"]["kind"] == "tags" and s["fields"]["safety"]["per_tag"][0]["tag"] == "pii"
    pref = s["fields"]["pref"]
    assert pref["kind"] == "preference" and pref["metrics"]["percent_agreement"]["value"] == 1.0
    assert len(h["adjudication_queue"]) <= 20


def test_undefined_values_become_null():
    long = pd.DataFrame({"record_id": [1, 1, 2, 2], "annotator": ["a", "b", "a", "b"], "value": [3, 3, 3, 3]})
    s = agreement_summary(long, n_boot=20)
    m = s["fields"]["value"]["metrics"]["alpha_ordinal"]
    assert m["value"] is None and m["band"] == "undefined"
    json.dumps(s, allow_nan=False)


def test_to_jsonable():
    obj = {1: np.float64("nan"), "b": (np.int64(2), np.bool_(True)), "c": pd.DataFrame({"x": [1.5]})}
    out = to_jsonable(obj)
    assert out == {"1": None, "b": [2, True], "c": [{"x": 1.5}]}


def test_write_report_files(tmp_path):
    long, gold = _long()
    paths = write_agreement_report(long, tmp_path / "out", gold=gold, n_boot=50, kinds={"task": "category"})
    assert paths["json"].name == "agreement.json" and paths["markdown"].name == "agreement_report.md"
    data = json.loads(paths["json"].read_text())
    assert {"n_records", "n_annotators", "bootstrap", "fields"} <= set(data)
    md = paths["markdown"].read_text()
    for heading in ["# Inter-annotator agreement", "## helpfulness (rating)", "## task (category)",
                    "Cohen's kappa matrix", "Gold accuracy", "Leniency", "Adjudication queue", "95% CI"]:
        assert heading in md
    assert "(n=12)" in md
    assert "| alpha_ordinal |" in md
