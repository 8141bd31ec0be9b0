"""In the served app, another reviewer's work shows up while the page stays open: the reload button
counts their new actions (real Chromium, a real Voila kernel and its event loop)."""
from __future__ import annotations

import pytest
from app.test_browser import Deadline, _open_review, app_page, served_rows
from helpers import sft

pytestmark = pytest.mark.browser

BUDGET = 300.0


@pytest.fixture
def served_follow(tmp_path):
    with served_rows(tmp_path, "follow-review", [sft(f"r{i}", f"Q {i}?", f"A {i}.") for i in range(3)]) as s:
        yield s


def test_other_reviewers_actions_are_counted_without_a_reload(served_follow):
    from workbench.store import Project

    project, url, proc, log = served_follow
    deadline = Deadline(BUDGET)
    with app_page(url, proc, log, deadline) as page:
        _open_review(page, deadline)
        page.wait_for_selector(".wb-record-status:has-text('r0')", timeout=deadline.ms())
        # bob, in another process (another kernel or server), rates and rejects while alice's page is open
        other = Project.open(project.path)
        other.rate("bob", "r0", 2)
        other.decide("bob", "r1", "reject")
        other.close()
        page.wait_for_selector(".wb-review button:has-text('2 new')", timeout=deadline.ms(cap=60))
        tip = page.locator(".wb-review button:has-text('2 new')").get_attribute("title") or ""
        assert "bob" not in tip and "reject" not in tip  # counted, not who or what (blind review)
        page.click(".wb-review button:has-text('2 new')")  # reload: the count clears
        page.wait_for_selector(".wb-review button:has-text('2 new')", state="detached", timeout=deadline.ms())
