"""Two `workbench serve` processes (two servers, as a team would run them) on one project whose event log
lives in a real PostgreSQL (a throwaway cluster): alice accepts a record on one, and bob's open page on
the other counts her action without a reload (LISTEN/NOTIFY wakes his server), then shows it once he
reloads - blind, as on one server."""
from __future__ import annotations

import contextlib
import os
import subprocess

import pytest
from app.test_browser import (
    ARGS,
    CHROMIUM,
    Deadline,
    _free_port,
    _open_review,
    _require_browser,
    _serve_command,
    _stop,
    _wait_events,
    _wait_http,
    _wait_pool,
)
from helpers import make_dataset, sft
from store.pg_cluster import Cluster, pg_bin

pytestmark = pytest.mark.browser

BUDGET = 420.0  # two servers, each with its kernel, on two shared cores


@contextlib.contextmanager
def _server(project_path, folder):
    folder.mkdir()
    port = _free_port()
    log = folder / "serve.log"
    env = {**os.environ, "WORKBENCH_CACHE": str(folder / "cache")}
    with open(log, "w") as out:
        proc = subprocess.Popen([*_serve_command(project_path, port), "--kernels", "1"], stdout=out,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}/", proc, log
    finally:
        _stop(proc)


@pytest.fixture
def team(tmp_path):
    _require_browser()
    if pg_bin() is None:
        pytest.skip("PostgreSQL binaries not installed (.ci/run installs them)")
    pytest.importorskip("psycopg")
    from workbench.store import Project

    cluster = Cluster().start()
    try:
        url = cluster.createdb("team")
        rows = [sft(f"r{i}", f"Question {i}?", f"Answer {i}.") for i in range(3)]
        project = Project.create(tmp_path / "team-project", make_dataset(rows), owner="olga", store=url)
        try:
            with _server(project.path, tmp_path / "a") as a, _server(project.path, tmp_path / "b") as b:
                yield project, a, b
        finally:
            project.close()
    finally:
        cluster.stop()


def _page(browser, url, reviewer, deadline):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url + f"?reviewer={reviewer}", timeout=deadline.ms(cap=240), wait_until="domcontentloaded")
    page.wait_for_selector(".wb-counts", timeout=deadline.ms(cap=240))
    _open_review(page, deadline)
    page.wait_for_selector(".wb-record-status:has-text('r0')", timeout=deadline.ms())
    return page


def test_a_decision_on_one_server_reaches_a_reviewer_on_another(team):
    from playwright.sync_api import sync_playwright

    project, (url_a, proc_a, log_a), (url_b, proc_b, log_b) = team
    assert url_a != url_b
    deadline = Deadline(BUDGET)
    for url, proc, log in ((url_a, proc_a, log_a), (url_b, proc_b, log_b)):
        _wait_http(url, proc, deadline, log)
        _wait_pool(log, deadline)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            bob = _page(browser, url_b, "bob", deadline)
            alice = _page(browser, url_a, "alice", deadline)
            alice.click("button[title='accept']", timeout=deadline.ms())
            ev = _wait_events(project, "alice", "decision", deadline)
            assert ev["record_id"].tolist() == ["r0"] and ev["value"].tolist() == ["accept"]
            # bob's server learns of it from PostgreSQL while his page stays open
            bob.wait_for_selector(".wb-review button:has-text('1 new')", timeout=deadline.ms(cap=90))
            bob.click(".wb-review button:has-text('1 new')")
            bob.wait_for_selector(".wb-record-status:has-text('1 other reviewer worked on it')",
                                  timeout=deadline.ms())
            text = bob.locator(".wb-record-status:has-text('r0')").inner_text()
            assert "alice" not in text and "accept" not in text  # blind: that someone did, not who or what
        finally:
            browser.close()
