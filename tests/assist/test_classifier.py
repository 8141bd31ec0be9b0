"""The classifier learns the team's labels, reports cross-validated accuracy and stores suggestions apart."""
from __future__ import annotations

import numpy as np
import pytest
from assist.conftest import label_records, truth

from workbench.assist import classifier as clf
from workbench.assist import human_values, suggestion_summary, suggestions_frame
from workbench.model.events import value_hash


@pytest.fixture
def model(labelled):
    return clf.train(labelled)


def test_training_sets_come_from_consolidated_human_labels(labelled):
    sets = clf.training_sets(labelled)
    assert len(sets["category"]) == 45 and set(sets["category"]) == {"billing", "shipping", "account"}
    assert sets["tag:pii"].sum() == 9 and len(sets["tag:pii"]) == 45  # every 5th of r00..r44
    assert sets["low_quality"].sum() == 7  # r00, r07, ..., r42 rated 1
    assert clf.count_labels(labelled) == 45 * 3  # category, tag set and quality flag per record


def test_report_shows_cross_validated_accuracy_above_chance(model):
    rep = model.report().set_index("label")
    cat = rep.loc["category"]
    assert cat["n_train"] == 45 and cat["classes"] == 3 and cat["cv_folds"] == 5
    assert cat["cv_accuracy"] > 0.8 > 1 / 3 and cat["baseline"] == pytest.approx(1 / 3, abs=1e-3)
    assert bool(cat["calibrated"])  # 15 per class >= calibrate_min
    assert rep.loc["low_quality", "cv_accuracy"] > rep.loc["low_quality", "baseline"]
    assert "tag:health" in model.skipped and "only one class" in model.skipped["tag:health"]
    assert len(model.version) == 12


def test_version_hashes_data_and_params(labelled, model):
    assert clf.train(labelled).version == model.version
    assert clf.train(labelled, params={"C": 1.0}).version != model.version


def test_suggestions_stored_with_score_and_model_for_unlabelled_records_only(labelled, model):
    before = labelled.annotations_long().copy()
    events = clf.suggest(labelled, model=model)
    targets = {e.target for e in events}
    assert targets == {"category", "tags", "low_quality"}
    assert {e.record_id for e in events} == {f"r{i:02d}" for i in range(45, 60)}
    assert all(e.kind == "suggestion" and e.reviewer == "model:tfidf-logreg" for e in events)
    cats = [e for e in events if e.target == "category"]
    assert len(cats) == 15
    right = sum(e.value["value"] == truth(e.record_id)["category"] for e in cats)
    assert right >= 12  # well above chance (5 of 15)
    for e in cats:
        v = e.value
        assert v["model"] == "model:tfidf-logreg" and v["version"] == model.version
        assert 0 < v["score"] <= 1 and v["score"] == pytest.approx(max(v["probs"].values()), abs=1e-4)
        assert sum(v["probs"].values()) == pytest.approx(1, abs=1e-3) and 0 <= v["margin"] <= 1
    tags = {e.record_id: e.value["value"] for e in events if e.target == "tags"}
    assert sum(("pii" in v) == truth(r)["pii"] for r, v in tags.items()) >= 12
    # never a human annotation: the long table, the status frame and the reviewers are unchanged
    assert labelled.annotations_long().equals(before)
    assert labelled.status_frame().set_index("record_id").loc["r50", "n_reviews"] == 0
    assert "model:tfidf-logreg" not in labelled.reviewers
    assert "r50" not in human_values(labelled).index


def test_rerun_writes_nothing_new(labelled, model):
    first = clf.suggest(labelled, model=model)
    n = labelled.log.count()
    assert clf.suggest(labelled, model=model) == [] and labelled.log.count() == n
    n_first = len([e for e in first if e.target == "category"])
    assert len(suggestions_frame(labelled, target="category")) == n_first


def test_retrain_every_n_new_labels(labelled, model):
    assert clf.retrain(labelled, model, every=5) is model
    label_records(labelled, ["r45", "r46"])
    assert clf.retrain(labelled, model, every=7) is model  # 2 records x 3 fields = 6 new labels
    label_records(labelled, ["r47"])
    new = clf.retrain(labelled, model, every=7)
    assert new is not model and new.n_labels == model.n_labels + 9 and new.version != model.version
    assert clf.retrain(labelled, new, every=7) is new
    assert clf.retrain(labelled, new, force=True) is not new


def test_suggest_skips_records_labelled_since(labelled, model):
    label_records(labelled, ["r50"])
    events = clf.suggest(labelled, model=model)
    assert "r50" not in {e.record_id for e in events}


def test_auto_suggest_trains_when_needed(labelled):
    model, events = clf.auto_suggest(labelled)
    assert isinstance(model, clf.TextClassifier) and events


def test_small_projects_are_skipped_not_crashed(make_project):
    from assist.conftest import labelled_rows

    p = make_project(labelled_rows(12))
    label_records(p, ["r00", "r01", "r02"])
    model = clf.train(p)
    assert model.labels == {} and "fewer than min_examples" in model.skipped["category"]
    assert clf.suggest(p, model=model) == []


def test_probabilities_out_of_fold_for_labelled_records(labelled, model):
    probs = model.probabilities(labelled, "category")
    assert list(probs.columns) == ["account", "billing", "shipping"] and len(probs) == 60
    oof = model.labels["category"].oof
    assert np.allclose(probs.loc[oof.index].to_numpy(), oof.to_numpy())
    with pytest.raises(ValueError, match="no model for"):
        model.probabilities(labelled, "nope")


def test_summary_counts_acceptances_by_reference(labelled, model):
    events = clf.suggest(labelled, model=model)
    e = next(x for x in events if x.target == "category")
    labelled.label("bob", e.record_id, e.value["value"], seen_hash=value_hash(e.value))
    s = suggestion_summary(labelled).set_index("target")
    assert s.loc["category", "suggestions"] == 15 and s.loc["category", "accepted"] == 1
    assert s.loc["category", "agree_with_team"] == 1.0


def test_write_suggestions_checks_rows(labelled):
    from workbench.assist.common import suggestion_payload, write_suggestions

    ok = suggestion_payload("billing", 0.5, "model:x")
    with pytest.raises(ValueError, match="unknown record id"):
        write_suggestions(labelled, "model:x", [("nope", "category", ok)])
    with pytest.raises(ValueError, match="needs the field"):
        write_suggestions(labelled, "model:x", [("r01", "", ok)])
    with pytest.raises(ValueError, match="must be a dict"):
        write_suggestions(labelled, "model:x", [("r01", "category", "billing")])
    n = labelled.log.count()
    assert len(write_suggestions(labelled, "model:x", [("r01", "category", ok)])) == 1
    assert labelled.log.count() == n + 1  # one event; the agent is not enrolled as a reviewer
    assert suggestion_payload(1, float("nan"), "m")["score"] is None
