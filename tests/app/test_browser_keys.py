"""Keys in the served Voila app, in real Chromium: with the mouse anywhere, auto-advance, A/B keys, and
text boxes that keep their letters."""
from __future__ import annotations

import time

import pytest
from app.test_browser import (
    ARTIFACTS,
    Deadline,
    _open_review,
    app_page,
    served_rows,
)
from helpers import msg, sft

pytestmark = pytest.mark.browser

BUDGET = 300.0  # a loaded machine (2 cores shared) can take a minute and more for the first page
BLUE = "rgb(26, 115, 232)"  # the chosen rating's fill (keys_widget.CSS)


def _rows() -> list[dict]:
    rows = [sft(f"r{i}", f"Question {i}?", f"Answer {i}.") for i in range(4)]
    rows[3]["messages"][1]["content"] = "Answer 3, a long one.\n" + "More detail on the answer. " * 80
    rows.append({"id": "pair", "kind": "preference", "messages": [msg("user", "Which is better?")],
                 "chosen": [msg("assistant", "One answer.")], "rejected": [msg("assistant", "Another.")]})
    return rows


@pytest.fixture
def served_keys(tmp_path):
    with served_rows(tmp_path, "keys-review", _rows()) as s:
        yield s


def _mine(project) -> list[tuple]:
    ev = project.log.frame(reviewer="alice")
    ev = ev[ev["record_id"] != "*"]
    return [(r.record_id, r.kind, r.value if r.kind != "preference" else r.value["choice"])
            for r in ev.itertuples()]


def _wait_mine(project, n: int, deadline: Deadline) -> list[tuple]:
    while len(got := _mine(project)) < n:
        deadline.left()
        time.sleep(0.2)
    return got


def test_keys_with_the_mouse_anywhere_auto_advance_and_ab_keys(served_keys):
    project, url, proc, log = served_keys
    deadline = Deadline(BUDGET)
    with app_page(url, proc, log, deadline) as page:
        _open_review(page, deadline)
        status = lambda rid: page.wait_for_selector(  # noqa: E731
            f".wb-record-status:has-text('{rid}')", timeout=deadline.ms())
        status("r0")
        page.wait_for_selector(".wb-review .wb-keys-state", timeout=deadline.ms())

        # Voila: right after the Review tab was clicked (whatever has the focus), keys go to the pane
        page.keyboard.press("j")
        status("r1")
        page.evaluate("document.activeElement && document.activeElement.blur()")  # nothing focused
        page.keyboard.press("k")
        status("r0")
        page.keyboard.press("j")
        status("r1")

        page.locator(".wb-review .wb-rec").first.click(timeout=deadline.ms())
        page.mouse.move(5, 5)  # the mouse leaves the record (and the widget): keys keep working
        page.keyboard.press("4")
        page.wait_for_selector(".wb-keys-line:has-text('saved rating')", timeout=deadline.ms())
        four = page.locator(".wb-review button[title='overall: 4']")
        page.wait_for_function("b => b.classList.contains('mod-active')", arg=four.element_handle(),
                               timeout=deadline.ms())
        assert four.evaluate("b => getComputedStyle(b).backgroundColor") == BLUE  # filled, not grey
        page.keyboard.press("a")  # accept: the next record opens
        status("r2")
        page.wait_for_selector("text=saved decision = accept on r1 · next: r2", timeout=deadline.ms())
        assert _wait_mine(project, 2, deadline) == [("r1", "rating", 4), ("r1", "decision", "accept")]

        page.mouse.move(700, 990)  # anywhere: the bottom of the page
        page.keyboard.press("j")
        status("r3")
        page.keyboard.press("j")
        status("pair")
        page.keyboard.press("Shift+B")
        page.wait_for_selector(".wb-keys-line:has-text('saved preference = B on pair')", timeout=deadline.ms())
        b = page.locator(".wb-review button:has-text('B is better')")
        page.wait_for_function("b => b.classList.contains('mod-primary')", arg=b.element_handle(),
                               timeout=deadline.ms())
        assert _wait_mine(project, 3, deadline)[-1] == ("pair", "preference", "B")

        # a text box keeps its letters, even with the mouse over the record; Esc gives the keys back
        box = page.locator(".wb-review input[placeholder='id or position']")
        box.click(timeout=deadline.ms())
        page.locator(".wb-review .wb-rec").first.hover()
        page.keyboard.type("r0 jar ufe", delay=20)
        assert box.input_value() == "r0 jar ufe"
        page.keyboard.press("Escape")
        page.wait_for_selector(".wb-keys-line:has-text('left the text box')", timeout=deadline.ms())
        page.keyboard.press("k")
        status("r3")
        assert len(_mine(project)) == 3  # typing wrote nothing

        # o expands the folded long answer (and folds it again); i puts the cursor in the editor
        page.wait_for_selector(".wb-review details.wb-fold:not([open])", timeout=deadline.ms())
        page.keyboard.press("o")
        page.wait_for_selector(".wb-review details.wb-fold[open]", timeout=deadline.ms())
        page.keyboard.press("o")
        page.wait_for_selector(".wb-review details.wb-fold:not([open])", timeout=deadline.ms())
        page.keyboard.press("i")
        page.wait_for_function("document.activeElement && document.activeElement.tagName === 'TEXTAREA' && "
                               "document.activeElement.closest('.wb-editor') !== null", timeout=deadline.ms())
        page.keyboard.type(" jak")
        assert page.evaluate("document.activeElement.value").endswith(" jak")
        page.keyboard.press("Escape")
        page.wait_for_selector(".wb-keys-line:has-text('left the text box')", timeout=deadline.ms())
        assert len(_mine(project)) == 3 and "r3" in page.inner_text(".wb-record-status")

        page.keyboard.press("?")
        page.wait_for_selector(".wb-review .wb-keymap", state="visible", timeout=deadline.ms())
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-keys.png"))
        page.keyboard.press("x")
        page.wait_for_selector(".wb-keys-line:has-text('x: no action')", timeout=deadline.ms())
        assert "Traceback" not in page.content()
