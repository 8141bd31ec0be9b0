"""The Voila app in a real browser: `workbench serve` on a fresh project, driven by headless Chromium.

A reviewer (alice) opens the Review tab, moves to the next record, rates it 4, edits the response
and accepts it; the project's store must then hold exactly those events under her name, and a second
page (bob) must see the record as reviewed and accepted. Screenshots go to ``test-artifacts/``; with
``WORKBENCH_UPDATE_SCREENSHOT=1`` the dashboard's is also copied to ``docs/dashboard.png``.

Skips when Chromium is missing, except under CI (``CI=true``), where that is a failure.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
BUDGET = 300.0  # seconds for the whole test, server start included (a loaded 2-core machine is slow)
EDITED = "Thanks for asking. Edited in the browser test: the answer is now complete."


def _require_browser() -> None:
    why = None
    if not CHROMIUM.is_file():
        why = f"no Chromium at {CHROMIUM} (install Debian's `chromium` package; .ci/run does)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            why = "the playwright Python package is not installed"
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the real-browser test cannot run under CI: {why}")
        pytest.skip(f"real-browser test skipped: {why}")


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self, cap: float = 60.0) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise AssertionError(f"the browser test ran over its {BUDGET:.0f} s budget")
        return min(left, cap)

    def ms(self, cap: float = 60.0) -> float:
        return self.left(cap) * 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_command(project: Path, port: int) -> list[str]:
    exe = Path(sys.executable).with_name("workbench")
    base = [str(exe)] if exe.is_file() else [sys.executable, "-m", "workbench.cli"]
    return [*base, "serve", str(project), "--port", str(port)]


@contextlib.contextmanager
def serving(target: Path, tmp_path: Path):
    """`workbench serve TARGET` on a free port with its own signal cache; yields (url, process, log)."""
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "WORKBENCH_CACHE": str(tmp_path / "cache")}
    with open(log, "w") as out:
        proc = subprocess.Popen(_serve_command(target, port), stdout=out, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}/", proc, log
    finally:
        _stop(proc)


@contextlib.contextmanager
def served_rows(tmp_path: Path, name: str, rows: list[dict]):
    """A project named ``name`` of ``rows`` served by `workbench serve` (skips without a browser);
    yields (project, url, process, log)."""
    _require_browser()
    from helpers import make_dataset

    from workbench.store import Project

    project = Project.create(tmp_path / name, make_dataset(rows))
    try:
        with serving(project.path, tmp_path) as (url, proc, log):
            yield project, url, proc, log
    finally:
        project.close()


@contextlib.contextmanager
def app_page(url: str, proc: subprocess.Popen, log: Path, deadline: Deadline, reviewer: str = "alice"):
    """Headless Chromium on the served app as ``reviewer``, once the server answers and its kernel pool
    is warm; yields the page with the Overview's counts shown."""
    from playwright.sync_api import sync_playwright

    _wait_http(url, proc, deadline, log)
    _wait_pool(log, deadline)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + f"?reviewer={reviewer}", timeout=deadline.ms(cap=240), wait_until="domcontentloaded")
            page.wait_for_selector(".wb-counts", timeout=deadline.ms(cap=240))
            yield page
        finally:
            browser.close()


def _wait_http(url: str, proc: subprocess.Popen, deadline: Deadline, log: Path) -> None:
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"workbench serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            deadline.left()
            time.sleep(0.3)


def _wait_pool(log: Path, deadline: Deadline, seconds: float = 40.0) -> None:
    """Wait (bounded) until Voila reports its pre-heated kernel ready, so first paint measures a warm server."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and "is filled with" not in log.read_text(errors="replace"):
        deadline.left()
        time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server's whole process group (Voila shuts its kernels down on SIGTERM)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def _wait_events(project, reviewer: str, kind: str, deadline: Deadline):
    while True:
        ev = project.log.frame(reviewer=reviewer)
        ev = ev[ev["kind"] == kind]
        if len(ev):
            return ev
        deadline.left()
        time.sleep(0.2)


@pytest.fixture
def served(tmp_path):
    _require_browser()
    from workbench.sample import sample_project

    project = sample_project(tmp_path / "brightwell-support", annotations=False)
    try:
        with serving(project.path, tmp_path) as (url, proc, log):
            yield project, url, proc, log
    finally:
        project.close()


def _open_dashboard(page, url: str, deadline: Deadline) -> float:
    """Load the app and wait for the Overview; return the first-paint time in seconds."""
    t0 = time.monotonic()
    page.goto(url, timeout=deadline.ms(), wait_until="domcontentloaded")
    page.wait_for_selector(".wb-counts", timeout=deadline.ms())
    return time.monotonic() - t0


def _open_review(page, deadline: Deadline) -> None:
    page.get_by_role("tab", name="Review").click(timeout=deadline.ms())
    page.wait_for_selector(".wb-record-status", timeout=deadline.ms())


def test_review_in_browser(served):
    from playwright.sync_api import sync_playwright

    project, url, proc, log = served
    deadline = Deadline(BUDGET)
    ARTIFACTS.mkdir(exist_ok=True)
    _wait_http(url, proc, deadline, log)
    _wait_pool(log, deadline)
    ids = list(project.dataset.ids)
    rid = ids[1]  # the queue follows the source order: "next" moves from the first record to the second
    record = project.current_record(rid)
    turn = max(i for i, m in enumerate(record.messages) if m.role == "assistant")
    target = f"messages[{turn}].content"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            first_paint = _open_dashboard(page, url + "?reviewer=alice", deadline)
            page.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"), full_page=True)
            assert "alice" in page.inner_text(".wb-reviewer")
            assert "Traceback" not in page.content()

            _open_review(page, deadline)
            page.wait_for_selector(f".wb-record-status:has-text('{ids[0]}')", timeout=deadline.ms())
            page.click("button[title='next page']", timeout=deadline.ms())
            page.wait_for_selector(f".wb-record-status:has-text('{rid}')", timeout=deadline.ms())

            page.click("button[title='overall: 4']", timeout=deadline.ms())
            _wait_events(project, "alice", "rating", deadline)
            # the rating rebuilds the editor's text areas: wait until that update has reached the page
            # (the message line is the last thing refreshed), or the edit would go into a replaced box
            page.wait_for_selector(f"text=saved rating overall = 4 on {rid}", timeout=deadline.ms())

            page.get_by_text("Edit text (diff below)").click(timeout=deadline.ms())
            # the editor lists one text area and one Save button per turn, in turn order
            editor = page.locator(".jupyter-widget-Collapse", has=page.locator(
                ".jupyter-widget-Collapse-header", has_text="Edit text"))
            editor.locator("textarea").nth(turn).fill(EDITED, timeout=deadline.ms())
            editor.get_by_role("button", name="Save", exact=True).nth(turn).click(timeout=deadline.ms())
            _wait_events(project, "alice", "edit", deadline)

            page.click("button[title='accept']", timeout=deadline.ms())
            _wait_events(project, "alice", "decision", deadline)
            # the decision opens the next record (the widget's "next record after a decision", on by default)
            page.wait_for_selector(f"text=saved decision = accept on {rid} · next: {ids[2]}", timeout=deadline.ms())
            page.wait_for_selector(f".wb-record-status:has-text('{ids[2]}')", timeout=deadline.ms())
            assert "Traceback" not in page.content()
            page.get_by_text("Edit text (diff below)").click(timeout=deadline.ms())  # fold the editor away
            page.locator(".wb-header").scroll_into_view_if_needed(timeout=deadline.ms())
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"))

            events = project.log.frame(reviewer="alice")
            events = events[events["record_id"] != "*"]  # the enrolment (role) event is project-level
            got = [(r.record_id, r.kind, r.target, r.value) for r in events.itertuples()]
            assert got == [(rid, "rating", "overall", 4), (rid, "edit", target, EDITED),
                           (rid, "decision", "decision", "accept")]
            assert set(events["reviewer"]) == {"alice"}

            other = browser.new_page(viewport={"width": 1400, "height": 1000})
            second_paint = _open_dashboard(other, url + "?reviewer=bob", deadline)
            (ARTIFACTS / "first_paint.json").write_text(json.dumps(
                {"first_page_seconds": round(first_paint, 2), "second_page_seconds": round(second_paint, 2)}))
            assert "1 accepted" in other.inner_text(".wb-counts").replace("\n", " ")
            _open_review(other, deadline)
            other.click("button[title='next page']", timeout=deadline.ms())
            status = other.locator(f".wb-record-status:has-text('{rid}')")
            status.wait_for(timeout=deadline.ms())
            text = status.inner_text()
            # blind review: bob sees that someone worked on it, not who or what they decided
            assert "1 other reviewer worked on it" in text and "alice" not in text and "accept" not in text
            assert "bob" in other.inner_text(".wb-reviewer")
            # the Overview's figures are drawn once it stays on screen (not with the page: ui.plot_events)
            other.get_by_role("tab", name="Overview").click(timeout=deadline.ms())
            other.wait_for_selector(".js-plotly-plot .barlayer .point path", timeout=deadline.ms())
        finally:
            browser.close()
    if os.environ.get("WORKBENCH_UPDATE_SCREENSHOT"):  # refresh the README's picture on request only,
        docs = REPO / "docs"                            # so a test run leaves the work tree clean
        docs.mkdir(exist_ok=True)
        shutil.copyfile(ARTIFACTS / "dashboard.png", docs / "dashboard.png")
    print(f"first paint of the dashboard: {first_paint:.1f} s (second page: {second_paint:.1f} s)")


def test_missing_browser_skips_locally_and_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        _require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run under CI"):
        _require_browser()


SAMPLE_CATEGORIES = ("billing", "shipping", "returns", "technical", "(none)")
REAL_ROWS = 180  # self-instruct's first 180 prompts: a real file, small enough that the map needs no UMAP compile
BUDGET_REAL = 200.0  # serve computes the file's signals first (about 30 s on an idle two-core machine)


@pytest.fixture
def served_real(tmp_path, monkeypatch):
    """`workbench serve` on a third-party data file (not the sample): no categories, no guidelines."""
    _require_browser()
    src = REPO / "tests" / "fixtures" / "selfinstruct_text-davinci-003_predictions.jsonl"
    data = tmp_path / "selfinstruct.jsonl"
    data.write_text("".join(src.read_text(encoding="utf-8").splitlines(True)[:REAL_ROWS]), encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))  # the test reads the same cache
    with serving(data, tmp_path) as (url, proc, log):
        yield data, url, proc, log


def test_overview_of_a_real_file_shows_its_composition_and_links_the_queue(served_real):
    from playwright.sync_api import sync_playwright

    from workbench.app import resolve_target
    from workbench.quality import compute_signals
    from workbench.store import Project

    data, url, proc, log = served_real
    deadline = Deadline(BUDGET_REAL)
    ARTIFACTS.mkdir(exist_ok=True)
    _wait_http(url, proc, deadline, log)  # serve warmed the project's signals before Voila started
    with Project.open(resolve_target(data)) as project:
        frame = compute_signals(project.dataset, project.guidelines, cache_dir=project.path / "cache").frame
    types = frame["task_type"].value_counts()
    labels = frame.groupby("topic")["topic_label"].first()
    _wait_pool(log, deadline)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            # the page may wait for a kernel that is still building the dashboard: a longer cap than 60 s
            page.goto(url + "?reviewer=alice", timeout=deadline.ms(150), wait_until="domcontentloaded")
            page.wait_for_selector(".wb-task-types", timeout=deadline.ms(150))
            page.wait_for_selector(".js-plotly-plot .barlayer .point path", timeout=deadline.ms())
            # drawn by the dashboard's own PlotlyView with the plotly package's plotly.min.js: the page
            # never loads the jupyterlab-plotly extension (its 4.8 MB chunk held every page back)
            loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
            assert not [u for u in loaded if "jupyterlab-plotly" in u]
            assert [u for u in loaded if u.endswith("voila/files/wb-static/plotly.min.js")]
            assert page.locator(".wb-plotly-view.js-plotly-plot").count() >= 2
            text = page.inner_text(".wb-dashboard")
            assert "The data has no categories" in text
            assert f"{REAL_ROWS}\nrecords" in text or f"{REAL_ROWS} records" in text
            for name in types.index[:4]:
                assert name in page.inner_text(".wb-task-types")
            for t in frame["topic"].value_counts().index[:3]:
                assert labels[t] in page.inner_text(".wb-topics")
            assert not [c for c in SAMPLE_CATEGORIES if c in text.lower()], text[:2000]
            assert "Traceback" not in page.content()
            page.set_viewport_size({"width": 1200, "height": 2250})  # Voila scrolls inside: show the map too
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / "overview-real.png"))

            # the first row of bars is the task types (no categories): its first bar is the most common type
            bar = page.locator(".js-plotly-plot .cartesianlayer .subplot.xy .barlayer .point path").first
            box = bar.bounding_box(timeout=deadline.ms())
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            top = types.index[0]
            status = page.locator(".wb-info[role=status]", has_text=f"records where task type = {top}")
            status.wait_for(timeout=deadline.ms())
            assert f"review queue: {types.iloc[0]:,} records where task type = {top}" in status.inner_text()
            page.wait_for_selector(f"text=1 of {types.iloc[0]:,}", timeout=deadline.ms())
            assert page.get_by_role("tab", name="Review").get_attribute("aria-selected") == "true"

            # a lasso drawn on the map (the figure's last subplot) filters the queue to the records inside
            page.get_by_role("tab", name="Overview").click()
            drag = page.locator(".js-plotly-plot").first.locator(".draglayer .nsewdrag").last
            box = drag.bounding_box(timeout=deadline.ms())
            x0, y0, w, h = box["x"], box["y"], box["width"], box["height"]
            page.mouse.move(x0 + 0.1 * w, y0 + 0.1 * h)
            page.mouse.down()
            for fx, fy in ((0.9, 0.15), (0.85, 0.9), (0.15, 0.85), (0.1, 0.12)):
                page.mouse.move(x0 + fx * w, y0 + fy * h, steps=8)
            page.mouse.up()
            status = page.locator(".wb-info[role=status]", has_text="points on the map (")
            status.wait_for(timeout=deadline.ms())
            n = int(status.inner_text().split("review queue: ")[1].split(" records")[0].replace(",", ""))
            assert 0 < n < REAL_ROWS, status.inner_text()
            # the queue's position line ("K of N": the record on screen stays when it is inside the region)
            page.wait_for_selector(f"text=/\\b\\d+ of {n:,}\\b/", timeout=deadline.ms())
            assert page.get_by_role("tab", name="Review").get_attribute("aria-selected") == "true"
        finally:
            browser.close()
    if os.environ.get("WORKBENCH_UPDATE_SCREENSHOT"):  # the README's Overview of a real file, on request
        shutil.copyfile(ARTIFACTS / "overview-real.png", REPO / "docs" / "overview-composition.png")
