"""Free-text tags: any sensible tag is saved, guideline tags are suggestions, a refused tag says why."""
from __future__ import annotations

import pytest

from workbench.ui.panels import LabelPanel


def _stored_tags(project, rid: str, who: str = "alice"):
    """The reviewer's current tags on ``rid``, folded from the stored events."""
    frame = project.log.frame(record_id=rid, kind="tags")
    frame = frame[frame["reviewer"] == who].sort_values("seq")
    return frame["value"].iloc[-1] if len(frame) else None


def test_a_tag_outside_the_guidelines_is_saved(session, project):
    assert "needs-source" not in project.guidelines.tags
    event = session.tag(["needs-source", " billing "])
    assert event is not None and event.value == ["billing", "needs-source"]
    assert list(_stored_tags(project, session.current_id)) == ["billing", "needs-source"]


@pytest.mark.parametrize("tag, reason", [("", "cannot be empty"), ("   ", "cannot be empty"),
                                         ("a,b", "contains a comma"), ("x" * 41, "at most 40"),
                                         ("two\nlines", "line break")])
def test_a_refused_tag_says_why_and_nothing_is_stored(session, project, tag, reason):
    n = project.log.count()
    assert session.tag([tag]) is None
    assert session.message.startswith("tag not saved: ") and reason in session.message
    assert session.level == "error" and project.log.count() == n


def test_panel_accepts_free_text_suggests_guideline_tags_and_explains_refusals(session, project):
    panel = LabelPanel(session)
    panel.refresh()
    assert panel.tags.allowed_tags == []  # not a closed list
    assert set(project.guidelines.tags) <= set(panel.tag_suggest.options)
    assert panel.tag_suggest.ensure_option is False
    assert panel.tags.layout.width == "100%"
    panel.tag_suggest.value = "follow-up"  # typed or picked from the suggestions
    assert list(_stored_tags(project, session.current_id)) == ["follow-up"]
    panel.refresh()  # what the widget does on the session's "record" change
    assert panel.tags.value == ["follow-up"] and panel.tag_suggest.value == ""
    assert "follow-up" in panel.tag_suggest.options
    panel.tags.value = ["follow-up", "bad,tag"]
    assert "contains a comma" in panel.tag_error.value
    assert panel.tags.value == ["follow-up"]  # the stored tags come back
    session.next()
    panel.refresh()
    assert panel.tag_error.value == ""  # the refusal belonged to the previous record
