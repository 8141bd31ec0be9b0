"""Tool use shows as tool use: a call names its function with pretty JSON arguments, a result is a
block, the ``tools`` schema can be opened, and such turns are not "empty turns" (review and report)."""
from __future__ import annotations

import json
from pathlib import Path

from ui.ui_data import assert_safe

from workbench.io import load
from workbench.model.records import Record
from workbench.quality import compute_signals
from workbench.ui import render, render_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GLAIVE = FIXTURES / "llamafactory_glaive_toolcall_en_demo_150.json"


def _first_tool_record(ds) -> tuple[int, Record]:
    for i, row in enumerate(ds.table.to_pylist()):
        if any(m["tool_calls"] for m in row["messages"]):
            return i, Record.from_dict(row)
    raise AssertionError("no tool call in the fixture")


def _openai_file(tmp_path: Path) -> Path:
    """An OpenAI chat record with tool_calls, a tool result and a tools list (the shape OpenAI documents)."""
    rec = {"messages": [
        {"role": "user", "content": "What's the weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\", \"unit\": \"celsius\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "{\"temperature\": 21, \"sky\": \"<b>clear</b>\"}"},
        {"role": "assistant", "content": "It is 21 °C and clear in Paris."}],
        "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Current weather",
                                                      "parameters": {"type": "object"}}}]}
    path = tmp_path / "openai_tools.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    return path


def test_sharegpt_function_call_and_observation_render_as_tool_use():
    ds = load(GLAIVE)
    _, rec = _first_tool_record(ds)
    out = render.record_html(rec)
    assert_safe(out)
    call = next(m for m in rec.messages if m.tool_calls)
    name = json.loads(call.tool_calls)["name"]
    assert f'<code class="wb-fn">{name}</code>' in out
    assert "tool call" in out and "tool result" in out
    args = json.dumps(json.loads(call.tool_calls)["arguments"], indent=2, ensure_ascii=False)
    assert render.esc(args) in out  # pretty-printed, one key per line
    assert '<pre class="wb-code wb-result"' in out
    assert '<details class="wb-tools"><summary>tools offered: ' in out and name in out.split("wb-tools")[1]


def test_openai_tool_calls_and_tool_results(tmp_path):
    ds = load(_openai_file(tmp_path))
    assert len(ds) == 1 and not len(ds.quarantine)
    rec = Record.from_dict(ds.table.to_pylist()[0])
    out = render.record_html(rec)
    assert_safe(out)
    assert '<code class="wb-fn">get_weather</code>' in out
    assert render.esc('{\n  "city": "Paris",\n  "unit": "celsius"\n}') in out
    assert render.esc('"temperature": 21') in out and "&lt;b&gt;clear&lt;/b&gt;" in out
    assert "tools offered: get_weather" in out


def test_tool_turns_are_not_empty_turns(tmp_path):
    for path in (GLAIVE, _openai_file(tmp_path)):
        ds = load(path)
        frame = compute_signals(ds).frame
        has_call = [any(m["tool_calls"] for m in r["messages"]) for r in ds.table.to_pylist()]
        calls = frame[has_call]
        assert len(calls)
        assert not calls["mt_empty_turn"].any()
        assert (calls["empty_turns"] == 0).all()


def test_tool_call_helpers_accept_both_shapes_and_bad_json():
    assert render_text.tool_calls('{"name": "f", "arguments": {"x": 1}}') == [("f", '{\n  "x": 1\n}')]
    openai = json.dumps([{"function": {"name": "g", "arguments": "{\"y\": 2}"}}])
    assert render_text.tool_calls(openai) == [("g", '{\n  "y": 2\n}')]
    bad = render_text.tool_calls_html("{not json <script>")
    assert "(unreadable call)" in bad and "&lt;script&gt;" in bad
    assert render_text.tools_schema_html("[]") == ""


def test_report_examples_show_the_tool_calls():
    from workbench.report.sections import Examples

    ds = load(GLAIVE)
    i, rec = _first_tool_record(ds)
    frame = compute_signals(ds).frame.copy()
    frame["is_probe"] = [j == i for j in range(len(frame))]
    (line,) = Examples(ds, frame).lines("is_probe")
    name = json.loads(next(m for m in rec.messages if m.tool_calls).tool_calls)["name"]
    assert f"tool calls: {name}(" in line
