"""The review widget's keys inside the real JupyterLab and Notebook 7 front-ends, driven by headless Chromium.

Each test starts ``jupyter lab`` / ``jupyter notebook`` on a free loopback port with a token, in a temp
folder holding a small project and a two-cell notebook that builds the review widget; runs the cell;
clicks into the widget; moves the mouse away; and presses keys. A widget key must change the widget
(and the store) and must not reach the notebook: no cell is inserted, deleted or turned into Markdown.
Keys that are not the widget's (Esc, Ctrl+C) still reach the page, Shift+Enter still runs the cell, and a
widget text box keeps the letters typed into it.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from app.test_browser import ARGS, CHROMIUM, Deadline, _free_port, _require_browser, _stop
from helpers import make_dataset, msg, sft

pytestmark = pytest.mark.browser

BUDGET = 300.0  # a front-end's first load and a kernel start take a minute or more on a loaded machine

RECORDER = """() => {
  window.__reached = [];
  document.addEventListener('keydown', (e) => window.__reached.push(e.key), false);
}"""


def _project(tmp_path: Path):
    from workbench.store import Project

    rows = [sft(f"r{i}", f"Question {i}?", f"Answer {i}.") for i in range(4)]
    rows.append({"id": "pair", "kind": "preference", "messages": [msg("user", "Which is better?")],
                 "chosen": [msg("assistant", "One answer.")], "rejected": [msg("assistant", "Another.")]})
    project = Project.create(tmp_path / "keys-project", make_dataset(rows))
    project.add_reviewer("alice", "reviewer")
    return project


def _notebook(folder: Path, project_path: Path) -> Path:
    code = ("from workbench.store import Project\nfrom workbench.ui import review\n"
            f"rw = review(Project.open({str(project_path)!r}), 'alice', signals=None, restore=False)\nrw")
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": code},
             {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "1 + 1"}]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = folder / "review.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@contextlib.contextmanager
def frontend(app: str, root: Path, tmp_path: Path):
    """``jupyter lab`` or ``jupyter notebook`` on a free loopback port with a token; yields (base url, token)."""
    port, token = _free_port(), secrets.token_hex(16)
    # the user's own Jupyter config, kernels and workspaces stay out of it (extensions come from sys.prefix)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "jcfg"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "jrt"),
           "JUPYTER_DATA_DIR": str(tmp_path / "jdata"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "jws")}
    log = tmp_path / f"{app}.log"
    cmd = [sys.executable, "-m", "jupyter", app, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
           # nothing from the network: no extension manager look-ups, no news, no update check
           "--LabApp.extension_manager=readonly", "--LabApp.news_url=",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI runs as root
        cmd.append("--allow-root")
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        end = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"jupyter {app} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > end:
                    raise AssertionError(f"jupyter {app} did not start:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.5)
        yield url, token
    finally:
        _stop(proc)


def _events(project_path: Path, kind: str | None = None) -> list:
    from workbench.store import Project

    with Project.open(project_path) as p:
        return [e for e in p.log.events(reviewer="alice", kind=kind) if e.record_id != "*"]


def _wait_events(project_path: Path, kind: str, n: int, deadline: Deadline) -> list:
    while True:
        got = _events(project_path, kind)
        if len(got) >= n:
            return got
        deadline.left()
        time.sleep(0.3)


def _cells(page) -> list[str]:
    """The notebook's cells as their types ("code", "markdown", "raw")."""
    return page.eval_on_selector_all(
        ".jp-Notebook .jp-Cell",
        "cells => cells.map(c => c.classList.contains('jp-CodeCell') ? 'code' : "
        "c.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw')")


def _feedback(page, text: str, deadline: Deadline) -> None:
    """Wait for the widget's key line to show ``text``; on a time-out say what it shows and who has the focus."""
    try:
        page.locator(".wb-review .wb-keys-line", has_text=text).first.wait_for(timeout=deadline.ms())
    except Exception as exc:  # noqa: BLE001 - re-raised with the page's state
        state = page.evaluate("() => [document.querySelector('.wb-keys-line')?.innerText, "
                              "document.activeElement?.tagName, document.activeElement?.className, window.__reached]")
        raise AssertionError(f"waited for {text!r}; key line, focus, keys that reached the page: {state}") from exc


def _run_first_cell(page, deadline: Deadline) -> None:
    """Shift+Enter in the widget cell until it runs (a key pressed before the kernel is connected is
    dropped by the front-end), then wait for the widget."""
    page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=deadline.ms(150))
    prompt = page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputPrompt")
    while True:
        page.locator(".jp-Notebook .jp-Cell .cm-content").first.click(timeout=deadline.ms())
        page.keyboard.press("Shift+Enter")  # runs the widget cell and selects the second cell
        try:
            page.wait_for_function("p => /\\[(\\*|\\d+)\\]/.test(p.innerText)", arg=prompt.element_handle(),
                                   timeout=min(20_000, deadline.ms()))
            break
        except Exception:  # noqa: BLE001 - not run yet: the kernel was still starting
            deadline.left()
    page.wait_for_selector(".wb-review .wb-rec", timeout=deadline.ms(150))


def _drive(page, project_path: Path, deadline: Deadline) -> None:
    """Run the widget cell, then check keys, pass-through and text boxes (the same in both front-ends)."""
    _run_first_cell(page, deadline)
    page.wait_for_selector(".wb-review .wb-keys-state", timeout=deadline.ms())
    assert _cells(page) == ["code", "code"]
    page.evaluate(RECORDER)

    page.locator(".wb-review .wb-rec").first.click(timeout=deadline.ms())  # a click inside gives it focus
    page.wait_for_function("document.activeElement && document.activeElement.closest('.wb-review') !== null",
                           timeout=deadline.ms())
    ring = page.evaluate("getComputedStyle(document.querySelector('.wb-review')).outlineStyle")
    assert ring == "solid"  # the visible focus ring
    page.locator(".wb-review .wb-keys-state", has_text="keys on").wait_for(timeout=deadline.ms())
    page.mouse.move(2, 2)  # the mouse leaves the widget: keys still work, nothing changes on hover

    page.keyboard.press("j")
    _feedback(page, "j → next: r1", deadline)
    page.keyboard.press("a")
    _feedback(page, "saved decision = accept on r1 · next: r2", deadline)
    got = _wait_events(project_path, "decision", 1, deadline)
    assert [(e.record_id, e.value) for e in got] == [("r1", "accept")]
    for k in ("m", "r", "d", "d", "b"):  # JupyterLab: Markdown, Raw, delete cell, insert below
        page.keyboard.press(k)
    _feedback(page, "b: no action", deadline)
    assert _cells(page) == ["code", "code"] and page.locator(".wb-review").count() == 1
    assert [(e.record_id, e.value) for e in _events(project_path, "decision")] == [("r1", "accept"),
                                                                                   ("r2", "reject")]
    reached = page.evaluate("window.__reached")
    assert not set(reached) & {"j", "a", "m", "r", "d", "b"}, reached  # none reached the notebook

    page.keyboard.press("Control+c")  # not the widget's: reaches the page untouched
    page.keyboard.press("Escape")
    reached = page.evaluate("window.__reached")
    assert "c" in reached and "Escape" in reached, reached

    # a text box keeps its letters: a comment typed with the focus in it (then the mouse over the record)
    box = page.locator(".wb-review textarea[placeholder='comment']")
    box.click(timeout=deadline.ms())
    page.keyboard.type("fine but rude", delay=20)
    page.locator(".wb-review .wb-rec").first.hover()
    page.keyboard.type(" ujar", delay=20)
    page.wait_for_function("document.querySelector(\".wb-review textarea[placeholder='comment']\").value"
                           " === 'fine but rude ujar'", timeout=deadline.ms())
    page.keyboard.press("Escape")  # leaves the text box: keys work again
    _feedback(page, "left the text box", deadline)
    page.keyboard.press("k")
    _feedback(page, "k → previous: r2", deadline)
    assert [e.kind for e in _events(project_path)] == ["decision", "decision"]  # typing wrote nothing
    assert _cells(page) == ["code", "code"]
    page.locator(".wb-review .wb-rec").first.click(timeout=deadline.ms())

    # focus on a widget button (the usual state after a click): keys are the widget's; and when that button
    # is hidden by the next record (the A/B buttons), the keys still reach the widget, not the notebook
    page.keyboard.press("j")
    _feedback(page, "j → next: r3", deadline)
    page.keyboard.press("j")
    _feedback(page, "j → next: pair", deadline)
    page.locator(".wb-review button:has-text('A is better')").click(timeout=deadline.ms())
    _wait_events(project_path, "preference", 1, deadline)
    page.keyboard.press("k")
    _feedback(page, "k → previous: r3", deadline)
    page.keyboard.press("k")
    _feedback(page, "k → previous: r2", deadline)
    assert _cells(page) == ["code", "code"]

    # Shift+Enter with the focus in the widget is the notebook's: it runs the widget's cell again
    prompt = page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputPrompt")
    assert "[1]" in prompt.inner_text()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("p => p.innerText.includes('[2]')", arg=prompt.element_handle(), timeout=deadline.ms())
    assert _cells(page) == ["code", "code"]


@pytest.mark.parametrize("app, path", [("lab", "lab/tree/review.ipynb"), ("notebook", "notebooks/review.ipynb")])
def test_widget_keys_in_jupyter_frontends(app, path, tmp_path):
    _require_browser()
    pytest.importorskip("notebook" if app == "notebook" else "jupyterlab")
    from playwright.sync_api import sync_playwright

    deadline = Deadline(BUDGET)
    project = _project(tmp_path)
    project_path = project.path
    project.close()
    root = tmp_path / "nb"
    root.mkdir()
    _notebook(root, project_path)
    with frontend(app, root, tmp_path) as (url, token), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}{path}?token={token}", timeout=deadline.ms(150), wait_until="domcontentloaded")
            _drive(page, project_path, deadline)
        finally:
            browser.close()
