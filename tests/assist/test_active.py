"""Active learning: the most uncertain records first, and records where the model contradicts the team."""
from __future__ import annotations

import numpy as np
import pytest
from assist.conftest import label_records, labelled_rows
from helpers import sft

from workbench.assist import active
from workbench.assist import classifier as clf


def test_margin_and_entropy():
    p = np.array([[0.5, 0.5, 0.0], [0.9, 0.05, 0.05], [1 / 3, 1 / 3, 1 / 3]])
    assert np.allclose(active.margin(p), [0.0, 0.85, 0.0])
    assert np.allclose(active.uncertainty(p, "margin"), [1.0, 0.15, 1.0])
    h = active.entropy(p)
    assert h[2] == pytest.approx(1.0) and h[1] < h[0] < h[2]
    assert active.entropy(np.array([[1.0, 0.0]]))[0] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="method must be"):
        active.uncertainty(p, "variance")


@pytest.fixture
def project(make_project):
    rows = labelled_rows()
    question = "My refund for the parcel delivery invoice and the courier payment?"
    rows.append(sft("amb", question, "We will check."))
    p = make_project(rows)
    label_records(p, [f"r{i:02d}" for i in range(45)])
    return p


def test_most_uncertain_first(project):
    model = clf.train(project)
    scores = active.queue_scores(project, model).set_index("record_id")
    ids = active.order(project, model=model)
    u = scores.loc[ids, "uncertainty"].to_numpy()
    assert np.all(np.diff(u) <= 1e-12)  # non-increasing: most uncertain first
    unlabelled = [r for r in ids if r == "amb" or int(r[1:]) >= 45]
    assert "amb" in unlabelled[:3]  # billing and shipping words in equal measure
    entropy_first = active.order(project, model=model, method="entropy")[0]
    assert scores.loc[entropy_first, "uncertainty"] >= scores["uncertainty"].median()


def test_log_scores_match_the_model_for_suggested_records(project):
    model = clf.train(project)
    clf.suggest(project, model=model)
    from_log = active.queue_scores(project).set_index("record_id")
    from_model = active.queue_scores(project, model).set_index("record_id")
    todo = [f"r{i}" for i in range(45, 60)] + ["amb"]
    assert np.allclose(from_log.loc[todo, "uncertainty"], from_model.loc[todo, "uncertainty"], atol=1e-3)
    assert from_log.loc["r00"].isna().all()  # labelled before the model ran: nothing suggested
    assert active.order(project)[0] == from_model.loc[todo, "uncertainty"].idxmax()


def test_disagreement_surfaces_a_wrong_team_label(project):
    project.label("bob", "r03", "shipping")  # r03 is a billing question
    project.add_reviewer("ada", "adjudicator")
    project.adjudicate("ada", "r03", "shipping", kind="label", target="category")
    model = clf.train(project)
    scores = active.queue_scores(project, model).set_index("record_id")
    assert scores.loc["r03", "disagreement"] > 0.5
    assert active.order(project, by="disagreement", model=model)[0] == "r03"
    assert np.isnan(scores.loc["r50", "disagreement"])  # no team value to disagree with
    first = active.order(project, by="disagreement", model=model, records=["r10", "r03", "r50"])
    assert first == ["r03", "r10", "r50"]


def test_log_disagreement_once_humans_label_suggested_records(project):
    clf.suggest(project, model=clf.train(project))
    label_records(project, ["r45"])  # the right category (billing)
    project.label("bob", "r46", "account")  # r46 is a shipping question
    scores = active.queue_scores(project).set_index("record_id")
    assert scores.loc["r45", "disagreement"] < 0.5 < scores.loc["r46", "disagreement"]
    assert active.order(project, by="disagreement")[0] == "r46"


def test_order_rejects_unknown_key(project):
    with pytest.raises(ValueError, match="by must be"):
        active.order(project, by="length")
