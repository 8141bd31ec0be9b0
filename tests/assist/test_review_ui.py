"""Suggestions in the review widget: pre-filled and marked, accepted with one key, active-learning order."""
from __future__ import annotations

import numpy as np
import pytest
from assist.conftest import prompt_rows

from workbench.assist import active, draft, provenance_frame, suggestions_frame
from workbench.assist import classifier as clf
from workbench.model.events import value_hash
from workbench.ui import ReviewSession
from workbench.ui.widget import ReviewWidget


@pytest.fixture
def suggested(labelled):
    model = clf.train(labelled)
    clf.suggest(labelled, model=model)
    labelled.model = model
    return labelled


def key(ui, k):
    ui.on_key({"type": "keydown", "key": k})


def test_suggestions_prefilled_and_marked_but_not_saved(suggested):
    ui = ReviewWidget(ReviewSession(suggested, "bob", signals=None))
    ui.session.jump("r50")
    sugg = ui.session.record_state().suggestions
    n = suggested.log.count()
    assert ui.labels.category.value == sugg["category"]["value"]
    assert list(ui.labels.tags.value) == sugg["tags"]["value"]
    badge = ui.labels.suggested.value
    assert "suggested" in badge and "model:tfidf-logreg" in badge and "not saved" in badge and "%" in badge
    assert "dashed" in ui.suggestions.html.value and "pre-filled, not saved" in ui.suggestions.html.value
    assert ui.suggestions.target.options[0] in ("category", "tags", "low_quality")
    assert suggested.log.count() == n and suggested.state("bob").empty  # showing is not answering
    assert "<b>s</b> accept the selected suggestion" in ui.help.value


def test_s_key_accepts_as_the_reviewers_own_event(suggested):
    ui = ReviewWidget(ReviewSession(suggested, "bob", signals=None))
    ui.session.jump("r50")
    payload = ui.session.record_state().suggestions["category"]
    ui.suggestions.target.value = "category"
    key(ui, "s")
    ev = suggested.log.events(reviewer="bob", kind="label")[-1]
    assert ev.record_id == "r50" and ev.value == payload["value"] and ev.seen_hash == value_hash(payload)
    assert ui.labels.category.value == payload["value"] and "category" not in ui.labels.suggested.value
    long = suggested.annotations_long()
    assert long[(long["record_id"] == "r50")]["annotator"].tolist() == ["bob"]


def test_accepting_tags_adds_to_the_reviewers_own(suggested):
    s = ReviewSession(suggested, "bob", signals=None)
    s.jump("r50")  # r50 mentions an email: pii
    s.tag(["health"])
    ev = s.accept_suggestion("tags")
    assert ev.value == sorted({"health", *s.record_state().suggestions["tags"]["value"]})


def test_low_quality_flag_accepts_as_reject(suggested):
    s = ReviewSession(suggested, "bob", signals=None)
    sugg = suggestions_frame(suggested, target="low_quality").set_index("record_id")["value"]
    flagged, clean = sugg[sugg.astype(bool)].index[0], sugg[~sugg.astype(bool)].index[0]
    assert s.accept_suggestion("low_quality", record_id=flagged).value == "reject"
    assert s.accept_suggestion("low_quality", record_id=clean) is None and "does not flag" in s.message
    assert s.accept_suggestion("nonsense", record_id=clean) is None and "no suggestion for" in s.message


def test_draft_shown_editable_and_accepted_with_changes(make_project, client):
    p = make_project(prompt_rows())
    draft(p, client)
    ui = ReviewWidget(ReviewSession(p, "alice", signals=None))
    assert ui.suggestions.target.value == "messages[1].content"
    assert ui.suggestions.text.layout.display is None and ui.suggestions.text.value.startswith("Draft answer")
    ui.suggestions.text.value = "Alice's reworded answer."
    ui.suggestions.accept.click()
    assert p.current_record("q0").messages[-1].content == "Alice's reworded answer."
    kinds = [e.kind for e in p.log.events(reviewer="alice") if e.record_id == "q0"]
    assert kinds == ["add_turn", "edit"]
    assert provenance_frame(p).set_index("record_id").loc["q0", "provenance"] == "model_edited"


def test_queue_sorted_by_uncertainty(suggested):
    s = ReviewSession(suggested, "bob", signals=None)
    assert s.set_filters(sort="uncertainty")
    ids = list(s.index.ids[s.queue])
    scores = active.queue_scores(suggested).set_index("record_id")["uncertainty"]
    assert ids[0] == scores.idxmax() and set(ids[:15]) == {f"r{i}" for i in range(45, 60)}
    u = scores.loc[ids[:15]].to_numpy()
    assert np.all(np.diff(u) <= 0) and scores.loc[ids[15:]].isna().all()  # unscored last
    assert s.set_filters(descending=True) and s.index.ids[s.queue][0] == scores.idxmin()
    assert s.set_filters(sort=None, descending=False, query="uncertainty > 0") and len(s.queue) <= 15
    assert "uncertainty" in s.index.columns() and "disagreement" in s.index.columns()


def test_queue_scores_from_a_model(suggested):
    s = ReviewSession(suggested, "bob", signals=None)
    suggested.label("carol", "r03", "shipping")
    suggested.add_reviewer("ada", "adjudicator")
    suggested.adjudicate("ada", "r03", "shipping", kind="label", target="category")
    s.set_queue_scores(active.queue_scores(suggested, clf.train(suggested)))
    assert s.set_filters(sort="disagreement") and s.index.ids[s.queue][0] == "r03"
    s.set_queue_scores(None)  # back to the suggestion events
    assert s.set_filters(sort="disagreement") and s.index.ids[s.queue][0] != "r03"
