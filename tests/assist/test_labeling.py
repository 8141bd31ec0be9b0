"""Labeling functions over whole columns: votes, coverage / overlap / conflict, majority and label model."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from helpers import make_dataset, sft

from workbench.assist import labeling as lab
from workbench.assist import labelmodel as lm
from workbench.assist import suggestions_frame
from workbench.model import Guidelines
from workbench.sample import support_guidelines_path

TEXTS = {"a": "invoice refund", "b": "invoice parcel", "c": "parcel", "d": "hello",
         "e": "refund parcel invoice", "f": "refund"}


def rows():
    return [sft(k, v, "Thanks for asking.") for k, v in TEXTS.items()]


def functions() -> lab.LabelingFunctions:
    lfs = lab.LabelingFunctions()
    lfs.add(lab.keyword_function("kw_invoice", "category", "billing", ["invoice"], field="prompt"))

    @lfs.register(target="category", label="billing")
    def mentions_refund(cols):
        return pc.match_substring(cols.prompt, "refund")

    @lfs.register(target="category")
    def parcel_is_shipping(cols):  # returns labels, None abstains
        return ["shipping" if "parcel" in t else None for t in cols.prompt.to_pylist()]

    return lfs


@pytest.fixture
def votes():
    return lab.apply_functions(functions(), make_dataset(rows()).table)


def test_votes_per_function(votes):
    assert list(votes.columns) == ["kw_invoice", "mentions_refund", "parcel_is_shipping"]
    assert votes["kw_invoice"].tolist() == ["billing", "billing", None, None, "billing", None]
    assert votes["mentions_refund"].tolist() == ["billing", None, None, None, "billing", "billing"]
    assert votes["parcel_is_shipping"].tolist() == [None, "shipping", "shipping", None, "shipping", None]
    assert votes.attrs["origins"]["kw_invoice"] == "rule"


def test_coverage_overlap_conflict(votes):
    rep = lm.lf_report(votes).set_index("name")
    assert rep["coverage"].tolist() == [0.5, 0.5, 0.5]
    assert rep["overlap"].tolist() == [0.5, round(2 / 6, 4), round(2 / 6, 4)]
    assert rep["conflict"].tolist() == [round(2 / 6, 4), round(1 / 6, 4), round(2 / 6, 4)]
    assert rep.loc["kw_invoice", "labels"] == ["billing"] and rep["n_human"].eq(0).all()


def test_majority_vote_abstains_on_ties(votes):
    out = lm.combine(votes, "majority")["category"]
    assert out["value"].to_dict() == {"a": "billing", "c": "shipping", "e": "billing", "f": "billing"}
    assert out.loc["e", "score"] == pytest.approx(0.6667) and out.loc["a", "score"] == 1.0
    assert out.loc["e", "n_votes"] == 3 and "b" not in out.index and "d" not in out.index


def test_label_model_weighs_by_accuracy(votes):
    acc = pd.DataFrame({"weight_accuracy": [0.95, 0.6, 0.55], "n_human": 0, "accuracy": np.nan},
                       index=["kw_invoice", "mentions_refund", "parcel_is_shipping"])
    out = lm.combine(votes, "weighted", acc, {"category": ["billing", "shipping", "account"]})["category"]
    assert out.loc["b", "value"] == "billing"  # the reliable function wins the tie
    assert 0.5 < out.loc["b", "score"] < out.loc["a", "score"] <= 1
    acc.loc["parcel_is_shipping", "weight_accuracy"] = 0.99
    out = lm.combine(votes, "weighted", acc, {"category": ["billing", "shipping", "account"]})["category"]
    assert out.loc["b", "value"] == "shipping" and out.loc["e", "value"] == "shipping"


def test_accuracies_from_team_labels(votes):
    human = {"category": pd.Series({k: "billing" for k in "abef"} | {"c": "shipping"})}
    acc = lm.accuracies(votes, human, min_human=2)
    assert acc.loc["kw_invoice", "accuracy"] == 1.0 and acc.loc["kw_invoice", "n_human"] == 3
    assert acc.loc["parcel_is_shipping", "accuracy"] == pytest.approx(1 / 3)
    assert acc.loc["kw_invoice", "weight_accuracy"] == pytest.approx(4 / 5)  # Laplace (3+1)/(3+2)


def test_rules_from_guidelines():
    g = Guidelines.load(support_guidelines_path())  # the support guidelines' keyword rules
    rules = {r.name: r for r in lab.rules_from_guidelines(g)}
    assert "rule:category:billing" in rules and rules["rule:low_quality:true"].target == "low_quality"
    table = make_dataset([sft("x", "I was charged twice", "As an AI language model I cannot."),
                          sft("y", "Where is my parcel?", "It ships today."),
                          sft("z", "A recharge question", "Fine.")]).table
    v = lab.apply_functions(rules.values(), table)
    assert v.loc["x", "rule:category:billing"] == "billing" and v.loc["x", "rule:low_quality:true"] is True
    assert v.loc["y", "rule:category:shipping"] == "shipping" and v.loc["y", "rule:low_quality:true"] is None
    assert v.loc["z", "rule:category:billing"] is None  # whole words only: "recharge" is not "charge"


def test_guidelines_rules_are_validated():
    with pytest.raises(ValueError, match="labeling_rules target"):
        Guidelines.from_dict({"labeling_rules": {"sentiment": {"x": ["y"]}}})
    with pytest.raises(ValueError, match="list of non-empty strings"):
        Guidelines.from_dict({"labeling_rules": {"category": {"billing": [""]}}})
    rules = {"tags": {"pii": "re:\\d{3}-\\d{4}"}, "low_quality": {True: ["x"]}}
    g = Guidelines.from_dict({"labeling_rules": rules})
    assert g.labeling_rules == {"tags": {"pii": ["re:\\d{3}-\\d{4}"]}, "low_quality": {"true": ["x"]}}


def test_bad_functions_are_refused():
    with pytest.raises(ValueError, match="target must be"):
        lab.labeling_function(target="sentiment")
    with pytest.raises(ValueError, match="invalid pattern"):
        lab.keyword_function("bad", "category", "x", ["re:(unclosed"])
    lfs = functions()
    with pytest.raises(ValueError, match="already registered"):
        lfs.add(lab.keyword_function("kw_invoice", "category", "billing", ["x"]))
    short = lab.labeling_function()(lambda cols: ["billing"])
    with pytest.raises(ValueError, match="returned 1 votes for 6"):
        lab.apply_functions([short], make_dataset(rows()).table)


def test_suggestions_stored_for_unlabelled_records(tmp_path):
    from workbench.store import Project

    extra = [sft("g", "my invoice", "As an AI language model I cannot see invoices."),
             sft("h", "email me at a@b.com", "Sure.")]
    p = Project.create(tmp_path / "p", make_dataset(rows() + extra), support_guidelines_path())
    p.label("alice", "a", "billing")
    p.label("alice", "c", "shipping")
    pii = lab.keyword_function("pii_email", "tag:pii", True, [r"re:[\w.]+@[\w.]+"])
    before = p.annotations_long().copy()
    events, report = lab.suggest(p, list(functions()) + [pii], method="majority")
    got = {(e.record_id, e.target): e.value for e in events}
    assert ("a", "category") not in got and ("c", "category") not in got  # the team labelled these
    e = got[("e", "category")]  # 3 billing votes (two functions, one guideline rule) against 2 shipping
    assert e["value"] == "billing" and e["score"] == 0.6 and e["method"] == "majority"
    assert e["votes"] == {"kw_invoice": "billing", "mentions_refund": "billing",
                          "parcel_is_shipping": "shipping", "rule:category:billing": "billing",
                          "rule:category:shipping": "shipping"}
    assert got[("g", "low_quality")]["value"] is True  # the guidelines' rule
    assert got[("h", "tags")]["value"] == ["pii"]
    assert all(e.reviewer == "model:labeling-functions" and e.value["source"] == "labeling" for e in events)
    assert p.annotations_long().equals(before)
    assert set(report["name"]) >= {"kw_invoice", "pii_email", "rule:category:billing"}
    assert report.set_index("name").loc["kw_invoice", "n_human"] == 1  # votes on "a", labelled billing
    assert lab.suggest(p, list(functions()) + [pii], method="majority")[0] == []  # rerun: nothing new
    assert len(suggestions_frame(p, source="labeling")) == len(events)


def test_accuracy_counts_votes_against_classes_no_function_votes(votes):
    human = {"category": pd.Series({"a": "returns", "b": "billing"})}  # nobody votes "returns"
    acc = lm.accuracies(votes, human, min_human=1)
    assert acc.loc["kw_invoice", "n_human"] == 2 and acc.loc["kw_invoice", "accuracy"] == 0.5


@pytest.mark.slow  # 200k records and a wall-clock bound
def test_label_model_scales_to_many_records():
    import time

    n = 200_000
    words = np.array(["invoice refund", "invoice parcel", "parcel", "hello"], dtype=object)[np.arange(n) % 4]
    table = make_dataset([sft(f"x{i}", w, "ok") for i, w in enumerate(words[:2000])]).table
    big = table.take(pa.array(np.arange(n) % 2000))  # same rows repeated: ids repeat, votes are what count
    t0 = time.perf_counter()
    votes = lab.apply_functions(functions(), big)
    out = lm.combine(votes, "weighted")["category"]
    rep = lm.lf_report(votes)
    assert len(out) == n * 3 // 4 and rep["coverage"].tolist() == [0.5, 0.25, 0.5]
    assert time.perf_counter() - t0 < 20
