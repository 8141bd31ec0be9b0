"""Tool calls as stored in a turn's ``tool_calls`` text, read one way for every view (review, report).

The loader keeps ShareGPT ``function_call`` (``{"name", "arguments"}``) and OpenAI ``tool_calls``
(``[{"function": {"name", "arguments"}}]``) as JSON text; arguments are often JSON text themselves.
"""
from __future__ import annotations

import json
from typing import Any, NamedTuple


class ToolCall(NamedTuple):
    """One call: the function's name (None when unnamed), its arguments (None when absent), and whether
    the call was an object at all (a bare value is kept whole in ``arguments``)."""

    name: str | None
    arguments: Any
    is_object: bool = True


def loads_nested(text: Any) -> Any:
    """JSON text parsed (strings inside strings too, as LLaMA-Factory and OpenAI nest them), else None."""
    value = text
    for _ in range(2):
        if not isinstance(value, str):
            return value
        try:
            value = json.loads(value)
        except (ValueError, TypeError):
            return None if value is text else value
    return value


def parse_tool_calls(raw: str | None) -> list[ToolCall] | None:
    """The calls in ``raw`` ([] when there are none), or None when ``raw`` is not readable JSON.

    A call that is not an object comes back as ``ToolCall(None, call, is_object=False)``.
    """
    if not raw:
        return []
    parsed = loads_nested(raw)
    if parsed is None:
        return None
    out = []
    for call in parsed if isinstance(parsed, list) else [parsed]:
        if not isinstance(call, dict):
            out.append(ToolCall(None, call, is_object=False))
            continue
        fn: dict[str, Any] = call["function"] if isinstance(call.get("function"), dict) else call
        name = fn.get("name")
        out.append(ToolCall(str(name) if name else None, fn.get("arguments", fn.get("parameters"))))
    return out
