"""The served app in real Chromium: a tool-call record shows its function and arguments, a preference pick's
message does not say which side the dataset chose, and the browser tab carries the project's name."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from app.test_browser import (
    Deadline,
    _open_review,
    _wait_events,
    app_page,
    served_rows,
)
from helpers import msg

pytestmark = pytest.mark.browser

GLAIVE = Path(__file__).resolve().parents[1] / "fixtures" / "llamafactory_glaive_toolcall_en_demo_150.json"
BUDGET = 300.0  # a loaded machine (2 cores shared) can take a minute and more for the first page


def _rows() -> list[dict]:
    from workbench.io import load

    table = load(GLAIVE).table
    tool = next(r for r in table.to_pylist() if any(m["tool_calls"] for m in r["messages"]))
    tool["id"] = "tool"
    pref = {"id": "pref", "kind": "preference", "messages": [msg("user", "Which answer is better?")],
            "chosen": [msg("assistant", "The careful answer.")],
            "rejected": [msg("assistant", "The careless answer.")]}
    return [tool, pref]


@pytest.fixture
def served_tools(tmp_path):
    with served_rows(tmp_path, "toolcalls-review", _rows()) as s:
        yield s


def test_tool_call_and_blind_preference_in_browser(served_tools):
    project, url, proc, log = served_tools
    deadline = Deadline(BUDGET)
    call = next(m for m in project.current_record("tool").messages if m.tool_calls)
    name = json.loads(call.tool_calls)["name"]
    first_arg = next(iter(json.loads(call.tool_calls)["arguments"]))
    with app_page(url, proc, log, deadline) as page:
        page.wait_for_function("document.title.includes('toolcalls-review')", timeout=deadline.ms())
        _open_review(page, deadline)
        fn = page.locator(".wb-toolcall .wb-fn").first
        fn.wait_for(timeout=deadline.ms())
        assert fn.inner_text() == name
        args = page.locator(".wb-toolcall .wb-args").first.inner_text()
        assert f'"{first_arg}":' in args and "\n" in args  # pretty-printed, one key per line
        assert page.locator(".wb-tools summary").first.inner_text().startswith("tools offered:")

        page.click("button[title='next page']", timeout=deadline.ms())
        page.wait_for_selector(".wb-record-status:has-text('pref')", timeout=deadline.ms())
        page.get_by_role("button", name="A is better").click(timeout=deadline.ms())
        _wait_events(project, "alice", "preference", deadline)
        page.wait_for_selector("text=saved preference = A on pref", timeout=deadline.ms())
        body = page.inner_text("body")
        assert "chosen" not in body.lower() and "rejected" not in body.lower()
        assert "Traceback" not in page.content()
