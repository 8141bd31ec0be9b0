"""Queue filters and sort: column operations over the table, the status frame and the signal frame."""
from __future__ import annotations

import pandas as pd

from workbench.ui import Filters, ReviewSession
from workbench.ui.filters import QueueIndex, align_signals


def ids(session):
    return list(session.index.ids[session.queue])


def test_category_single_and_several(session):
    assert session.set_filters(category="account")
    assert ids(session) == ["s1", "s3", "s5", "s7", "dup1"]
    assert session.set_filters(category=["technical", "other"])
    assert ids(session) == ["evil", "kto"]
    assert "2 records match" in session.message


def test_search_text_regex_and_fields(session):
    session.set_filters(search="QUESTION 3")
    assert ids(session) == ["s3"]
    session.set_filters(search=r"answer [0-2]:", regex=True, search_in="response")
    assert ids(session) == ["s0", "s1", "s2", "s3", "dup1"]  # s3 repeats s1's answer
    session.set_filters(search="the good", regex=False, search_in="response")
    assert ids(session) == ["pref"]
    session.set_filters(search="second", search_in="all")
    assert ids(session) == ["rank"]
    before = ids(session)
    assert not session.set_filters(search="(", regex=True)
    assert "invalid regular expression" in session.message and ids(session) == before
    assert not session.set_filters(search="x", search_in="title")


def test_signal_flags_language_and_unknown_signal(session):
    session.set_filters(signals=["pii"])
    assert ids(session) == ["s2"]
    session.set_filters(signals=["pii", "exact_duplicates"])
    assert ids(session) == ["s2", "dup1"]
    session.set_filters(signals=[], language="de")
    assert ids(session) == ["s4"]
    assert not session.set_filters(signals=["toxicity"])
    assert "unknown signal" in session.message and "pii" in session.message


def test_language_without_a_language_signal(project):
    s = ReviewSession(project, "alice", signals=None)
    assert not s.set_filters(language="en") and "no language signal" in s.message


def test_status_filters(session, project):
    project.decide("alice", "s0", "accept")
    project.decide("bob", "s1", "reject")
    project.rate("alice", "s2", 5)
    project.rate("bob", "s2", 1)  # disputed: ratings too far apart
    project.decide("bob", "s3", "escalate")
    session.set_filters(status="mine")
    assert ids(session) == ["s0", "s2"]
    session.set_filters(status="unreviewed")
    assert "s0" not in ids(session) and "s1" in ids(session)
    assert len(session.queue) == len(project.dataset) - 2
    session.set_filters(status="accepted")
    assert ids(session) == ["s0"]
    session.set_filters(status="rejected")
    assert ids(session) == ["s1"]
    session.set_filters(status="disputed")
    assert ids(session) == ["s2"]
    session.set_filters(status="escalated")
    assert ids(session) == ["s3"]
    assert not session.set_filters(status="done")


def test_annotator_filter(session, project):
    project.label("bob", "s4", "billing")
    project.comment("bob", "s5", "only a comment")
    session.set_filters(annotator="bob")
    assert ids(session) == ["s4"]


def test_query_over_signals_status_and_fields(session, project):
    project.rate("bob", "s6", 4)
    session.set_filters(query="exact_duplicates_score < 1 and category == 'account'")
    assert ids(session) == ["s1", "dup1"]
    session.set_filters(query="n_reviews > 0")
    assert ids(session) == ["s6"]
    session.set_filters(query="kind in ['ranking', 'kto']")
    assert ids(session) == ["rank", "kto"]
    assert not session.set_filters(query="no_such_column > 1")
    assert "failed" in session.message
    assert not session.set_filters(query="length_score + 1")
    assert "True/False" in session.message


def test_sort_by_score_and_field(session, project):
    session.set_filters(sort="length_score", descending=True)
    assert ids(session)[0] == "kto" and ids(session)[-1] == "s0"
    session.set_filters(sort="category", descending=False, category=["billing", "account"])
    cats = [session.record_state(i).record.category for i in ids(session)]
    assert cats == sorted(cats)
    assert not session.set_filters(sort="nope") and "cannot sort" in session.message


def test_filters_keep_the_current_record_when_it_still_matches(session):
    session.jump("s4")
    session.set_filters(category="billing")
    assert session.current_id == "s4"
    session.set_filters(category="account")
    assert session.current_id == "s1" and session.position == 0
    session.clear_filters()
    assert len(session.queue) == 13


def test_filters_roundtrip_dict():
    f = Filters(category="x", signals=["pii"], regex=True, sort="n_reviews", descending=True)
    assert Filters.from_dict(f.to_dict()) == f
    assert Filters.from_dict({"category": "y", "unknown": 1}).category == "y"
    assert not Filters().active() and Filters(search="a").active() and not Filters(sort="id").active()


def test_align_signals_reorders_by_id(project):
    t = project.dataset.table
    frame = pd.DataFrame({"id": list(reversed(project.dataset.ids)), "x_score": range(len(project.dataset))})
    aligned = align_signals(frame, project.dataset.ids)
    assert aligned["x_score"].iloc[0] == len(project.dataset) - 1
    assert QueueIndex(t).signals.shape[1] == 0
