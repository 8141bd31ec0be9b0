"""Messages name fields as people do, count in proper English, and do not outlive their record."""
from __future__ import annotations

import re

import pytest

from workbench.ui.wording import field_label, plural, project_title

RAW_TARGET = re.compile(r"\b(messages|chosen|rejected|completion|candidates)\[\d+\]")


@pytest.mark.parametrize("target, order, n, label", [
    ("messages[1].content", None, 2, "response"),
    ("messages[1].content", None, 4, "turn 2"),
    ("messages[0].content", None, None, "turn 1"),
    ("chosen[0].content", ["rejected", "chosen"], None, "Response B"),
    ("rejected[0].content", ["rejected", "chosen"], None, "Response A"),
    ("chosen[0].content", None, None, "a response"),
    ("candidates[2]", [2, 0, 1], None, "Response A"),
    ("completion[0].content", None, None, "completion"),
    ("overall", None, None, "overall"),
    ("needs_fix", None, None, "needs fix"),
])
def test_field_label(target, order, n, label):
    assert field_label(target, order, n) == label


def test_plural():
    assert plural(1, "reviewer") == "1 reviewer"
    assert plural(2, "reviewer") == "2 reviewers"
    assert plural(0, "record") == "0 records"
    assert plural(1200, "entry", "entries") == "1,200 entries"


def test_edit_messages_say_response_not_the_storage_path(session):
    session.jump("s1")
    assert session.edit("messages[1].content", "A better answer.") is not None
    assert session.message == "saved edit of response on s1"
    assert session.edit("messages[1].content", "A better answer.") is None
    assert session.message == "response unchanged: nothing saved"
    session.undo()
    assert not RAW_TARGET.search(session.message) and session.message.startswith("undo: ")


def test_no_session_message_shows_a_storage_path(session):
    session.jump("s1")
    session.rate(4)
    session.tag(["billing"])
    session.decide("accept")
    session.jump("pref")
    session.prefer("A")
    session.edit(session.current_order()[0] + "[0].content", "Rewritten.")
    assert session.message == "saved edit of Response A on pref"
    assert not RAW_TARGET.search(session.message)


def test_a_saved_message_does_not_outlive_its_record(session):
    session.jump("s1")
    session.tag(["billing"])
    assert session.message.startswith("saved tags")
    session.next()
    assert session.message == ""
    session.last()
    session.next()
    assert session.message == "end of the queue"  # messages about the move itself still show


def test_project_title_is_the_data_file_for_a_served_file(project, tmp_path):
    class Served:
        path = tmp_path / "alpaca_data-3f9c2a1b07"
        meta = {"source": {"path": "/data/in/alpaca_data.json"}}

    assert project_title(Served()) == "alpaca_data.json"
    Served.meta = {"source": {"path": "/data/in/other.json"}}  # not this folder's file: the folder's name
    assert project_title(Served()) == "alpaca_data-3f9c2a1b07"
    assert project_title(project) == project.path.name  # a named project keeps its folder's name


def test_opening_the_page_does_not_enrol_and_counts_pluralise(make_project):
    from workbench.ui.dashboard import Dashboard

    p = make_project()
    n = p.log.count()
    d = Dashboard(p, reviewer="newbie")
    for tab in (1, 2, 3):
        d.build_tab(tab)
    assert p.log.count() == n and p.role_of("newbie") is None
    assert "new here: your first saved answer adds you as a reviewer" in d.header.value
    assert "<b>1</b> reviewer</span>" in d.counts_html.value  # the owner only
    d.session.rate(4)
    assert p.role_of("newbie") == "reviewer"
    d._update_header()
    assert "(reviewer, typed name)" in d.header.value
