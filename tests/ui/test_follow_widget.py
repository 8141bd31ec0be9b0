"""Other reviewers' work reaches an open review widget: the reload button counts their new actions (not
who did what: blind review holds) while the log follower runs, and a reload clears it."""
from __future__ import annotations

import time

from workbench.store import Project
from workbench.ui import review


def test_reload_button_counts_other_reviewers_new_actions(project):
    ui = review(project, "alice")
    assert ui.follower is None and ui.note_new_events() == 0 and ui.toolbar.reload.description == "↻"
    other = Project.open(project.path)  # another kernel, another server: same project, own connection
    rid = ui.session.current_id
    other.rate("bob", rid, 2)
    other.decide("bob", rid, "reject")
    ui.session.rate(5)  # the widget's own reviewer: not counted
    assert ui.note_new_events() == 2
    button = ui.toolbar.reload
    assert button.description == "↻ 2 new" and button.button_style == "info"
    assert "bob" not in button.tooltip and "reject" not in button.tooltip  # no names, no values
    ui.session.refresh()  # the reload button's action
    assert button.description == "↻" and button.button_style == "" and ui.note_new_events() == 0
    other.close()
    ui.close()


def test_follower_thread_updates_the_button(project):
    calls = []
    ui = review(project, "alice")
    # the kernel's event loop runs the callback in a notebook; here the test runs it on the follower thread
    follower = ui.follow(schedule=lambda fn: calls.append(fn()), wait_seconds=0.3)
    follower.poll_seconds = 0.1
    assert follower.running
    other = Project.open(project.path)
    other.comment("bob", ui.session.current_id, "looks fine")
    deadline = time.monotonic() + 20
    while not calls and time.monotonic() < deadline:
        time.sleep(0.1)
    assert calls and calls[-1] == 1 and ui.toolbar.reload.description == "↻ 1 new"
    ui.close()
    time.sleep(0.8)
    assert not follower.running
    other.close()
