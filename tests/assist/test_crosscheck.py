"""Machine against the team, per category: agreement, kappa, alpha, and the categories to review."""
from __future__ import annotations

import numpy as np
import pytest
from assist.conftest import label_records, labelled_rows
from helpers import sft

from workbench.assist import classifier as clf
from workbench.assist import crosscheck, review_queue, score_records
from workbench.assist.crosscheck import human_reference, machine_values


@pytest.fixture
def judged(make_project, client):
    """Judge: 5 for GOOD answers, 2 otherwise. The team agrees on billing, says the opposite on shipping."""
    rows = [sft(f"b{i}", f"Billing question {i}?", f"{'GOOD' if i % 2 else 'poor'} billing answer {i}",
                "billing") for i in range(8)]
    rows += [sft(f"s{i}", f"Shipping question {i}?", f"{'GOOD' if i % 2 else 'poor'} shipping answer {i}",
                 "shipping") for i in range(8)]
    p = make_project(rows)
    score_records(p, client, criteria=["accuracy"])
    for i in range(8):
        p.rate("alice", f"b{i}", 5 if i % 2 else 2, "accuracy")
        p.rate("alice", f"s{i}", 1 if i % 2 else 5, "accuracy")
    return p


def test_judge_against_team_per_category(judged):
    rep = crosscheck(judged, source="judge")
    assert rep["field"].unique().tolist() == ["accuracy"]
    rows = rep.set_index("category")
    assert rows.loc["(all)", "n"] == 16 and rows.loc["billing", "n"] == 8
    assert rows.loc["billing", "agreement"] == 1.0 and rows.loc["billing", "kappa"] == 1.0
    assert rows.loc["billing", "alpha"] == 1.0 and rows.loc["billing", "band"] == "excellent"
    assert rows.loc["shipping", "agreement"] == 0.0 and rows.loc["shipping", "kappa"] < 0
    assert rows.loc["shipping", "band"].startswith("low")
    assert rep["flagged"].tolist() == [False, True, False]  # (all) first, then worst first
    assert rep["category"].tolist() == ["(all)", "shipping", "billing"]
    assert sorted(review_queue(judged, rep)) == [f"s{i}" for i in range(8)]


def test_gold_answers_are_the_reference_where_they_exist(judged):
    judged.add_reviewer("ada", "adjudicator")
    judged.gold("ada", "s1", "accuracy", 5)  # the expert sides with the judge on s1
    ref = human_reference(judged).loc["s1", "accuracy"]
    assert ref == 5 and human_reference(judged, "consensus").loc["s1", "accuracy"] == 1
    assert list(human_reference(judged, "gold").index) == ["s1"]
    rows = crosscheck(judged, against="gold").set_index("category")
    assert rows.loc["shipping", "n"] == 1 and rows.loc["shipping", "agreement"] == 1.0
    assert not rows["flagged"].any()  # one item is below min_items
    with pytest.raises(ValueError, match="against must be"):
        human_reference(judged, "everyone")


def test_machine_values_never_include_drafts(judged):
    judged.suggest("model:x", "b0", "messages[1].content", "a draft")
    mv = machine_values(judged, source=None)
    assert "messages[1].content" not in set(mv["field"]) and set(mv["field"]) == {"accuracy"}


def test_classifier_out_of_fold_against_team(make_project):
    p = make_project(labelled_rows())
    label_records(p, [f"r{i:02d}" for i in range(45)])
    p.add_reviewer("ada", "adjudicator")
    relabelled = ["r01", "r04", "r07"]  # shipping questions called account
    for rid in relabelled:
        p.adjudicate("ada", rid, "account", kind="label", target="category")
    model = clf.train(p)
    rep = crosscheck(p, model=model, fields=["category"]).set_index("category")
    assert rep.loc["(all)", "n"] == 45
    others = min(rep.loc["billing", "agreement"], rep.loc["shipping", "agreement"])
    assert rep.loc["account", "agreement"] < others
    assert np.isnan(rep.loc["billing", "kappa"])  # one team value within a category: kappa undefined
    queue = review_queue(p, source=None, model=model, fields=["category"], min_agreement=0.99)
    assert set(queue) <= set(relabelled) | {f"r{i:02d}" for i in range(45)} and set(queue) & set(relabelled)
