"""One reader of stored tool calls for the review view and the report."""
from __future__ import annotations

import json

from workbench.model.toolcalls import ToolCall, loads_nested, parse_tool_calls
from workbench.report.sections import tool_calls_text
from workbench.ui.render_text import tool_calls


def test_sharegpt_and_openai_shapes_read_the_same():
    sharegpt = json.dumps({"name": "get_weather", "arguments": "{\"city\": \"Oslo\"}"})
    openai = json.dumps([{"type": "function", "function": {"name": "get_weather",
                                                             "arguments": "{\"city\": \"Oslo\"}"}}])
    assert parse_tool_calls(sharegpt) == parse_tool_calls(openai) == [ToolCall("get_weather", '{"city": "Oslo"}')]


def test_nested_json_text_and_odd_calls():
    assert loads_nested(json.dumps(json.dumps({"a": 1}))) == {"a": 1}
    assert parse_tool_calls("") == [] and parse_tool_calls(None) == []
    assert parse_tool_calls("{not json") is None
    assert parse_tool_calls("[3, {\"parameters\": {\"x\": 1}}]") == [ToolCall(None, 3, is_object=False),
                                                                     ToolCall(None, {"x": 1})]


def test_review_and_report_views_agree_on_names_and_arguments():
    raw = json.dumps([{"function": {"name": "lookup", "arguments": {"q": "é"}}}, 7])
    assert tool_calls(raw) == [("lookup", '{\n  "q": "é"\n}'), ("(call)", "7")]
    assert tool_calls_text([{"tool_calls": raw}, {"content": "hi"}]) == 'lookup({"q": "é"}); 7'
    assert tool_calls("{broken") == [("(unreadable call)", "{broken")]
    assert tool_calls_text([{"tool_calls": "{broken"}]) == "{broken"
