"""In the served app, another reviewer's work shows up while the page stays open: the reload button
counts their new actions (real Chromium, a real Voila kernel and its event loop)."""
from __future__ import annotations

import pytest
from app.test_browser import (
    ARGS,
    CHROMIUM,
    Deadline,
    _open_review,
    _require_browser,
    _wait_http,
    _wait_pool,
    serving,
)
from helpers import make_dataset, sft

pytestmark = pytest.mark.browser

BUDGET = 300.0


@pytest.fixture
def served_follow(tmp_path):
    _require_browser()
    from workbench.store import Project

    project = Project.create(tmp_path / "follow-review", make_dataset([sft(f"r{i}", f"Q {i}?", f"A {i}.")
                                                                       for i in range(3)]))
    try:
        with serving(project.path, tmp_path) as (url, proc, log):
            yield project, url, proc, log
    finally:
        project.close()


def test_other_reviewers_actions_are_counted_without_a_reload(served_follow):
    from playwright.sync_api import sync_playwright

    from workbench.store import Project

    project, url, proc, log = served_follow
    deadline = Deadline(BUDGET)
    _wait_http(url, proc, deadline, log)
    _wait_pool(log, deadline)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + "?reviewer=alice", timeout=deadline.ms(cap=240), wait_until="domcontentloaded")
            page.wait_for_selector(".wb-counts", timeout=deadline.ms(cap=240))
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
        finally:
            browser.close()
