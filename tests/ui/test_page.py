"""Pages with the quality package's real signals: badges with reasons, signal filters, duplicate bulk."""
from __future__ import annotations

import pytest

from workbench.ui import ReviewSession
from workbench.ui.page import signal_badges


@pytest.fixture
def auto_session(project):
    return ReviewSession(project, "alice")  # signals="auto": computed by workbench.quality, cached


def test_auto_signals_give_badges_with_reasons(auto_session, project):
    s = auto_session
    assert {"exact_duplicates", "near_duplicates", "pii", "rules"} <= set(s.index.signal_names())
    s.jump("dup1")
    html = s.render_page()
    assert "exact_duplicates: duplicate of s1" in html and "near duplicate of s1" in html
    assert (project.path / "cache").is_dir() and any((project.path / "cache").iterdir())


def test_real_signal_filter_query_and_duplicate_bulk(auto_session, project):
    s = auto_session
    assert s.set_filters(signals=["exact_duplicates"])
    assert list(s.index.ids[s.queue]) == ["dup1"]
    assert s.set_filters(signals=[], query="record_dup_count > 1")
    assert sorted(s.index.ids[s.queue]) == ["dup1", "s1"]
    plan = s.bulk("reject_duplicates")
    assert plan.record_ids == ["dup1"]  # s1 represents the group and is kept
    s.confirm_bulk()
    assert [(e.record_id, e.value) for e in project.log.events(kind="decision")] == [("dup1", "reject")]
    s.clear_filters()
    assert s.bulk("reject_duplicates", signal="near_duplicates").record_ids == ["dup1"]


def test_badge_reasons_from_generic_columns(session):
    sig = session.index.signals
    pos = int(session.dataset.ids.get_loc("s2"))
    assert ("pii", "email") in signal_badges(sig, pos)
    pos = int(session.dataset.ids.get_loc("dup1"))
    assert ("exact_duplicates", "duplicate of s1") in signal_badges(sig, pos)
    assert signal_badges(sig, int(session.dataset.ids.get_loc("s0"))) == []


def test_signals_argument_forms(project, signals):
    class Report:
        frame = signals

    names = ReviewSession(project, "alice", signals=Report()).index.signal_names()
    assert names == ["exact_duplicates", "pii"]
    assert ReviewSession(project, "alice", signals=None).index.signal_names() == []
    with pytest.raises(ValueError):
        ReviewSession(project, "alice", signals="everything")
