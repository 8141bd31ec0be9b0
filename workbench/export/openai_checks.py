"""The OpenAI cookbook's format checks for chat fine-tuning files ("Data preparation and analysis for
chat model fine-tuning"), run on a written file.

The cookbook's error names are kept. Its role and key sets predate tool calling; the current API's
``tool`` role and ``tool_calls`` / ``tool_call_id`` keys are accepted too, so a valid tool-calling
example is not reported.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

ERRORS = ("data_type", "missing_messages_list", "message_missing_key", "message_unrecognized_key",
          "unrecognized_role", "missing_content", "example_missing_assistant_message")
OPENAI_ROLES = ("system", "user", "assistant", "function", "tool")
KEYS = ("role", "content", "name", "function_call", "weight", "tool_calls", "tool_call_id")


def example_errors(ex) -> list[str]:
    """The cookbook's errors for one parsed example (a line of the file)."""
    if not isinstance(ex, dict):
        return ["data_type"]
    messages = ex.get("messages", None)
    if not messages:
        return ["missing_messages_list"]
    out = []
    for message in messages:
        if not isinstance(message, dict) or "role" not in message or "content" not in message:
            out.append("message_missing_key")
            if not isinstance(message, dict):
                continue
        if any(k not in KEYS for k in message):
            out.append("message_unrecognized_key")
        if message.get("role", None) not in OPENAI_ROLES:
            out.append("unrecognized_role")
        content = message.get("content", None)
        calls = message.get("function_call", None) or message.get("tool_calls", None)
        if (not content and not calls) or (content is not None and not isinstance(content, str)):
            out.append("missing_content")
    if not any(isinstance(m, dict) and m.get("role", None) == "assistant" for m in messages):
        out.append("example_missing_assistant_message")
    return out


def openai_format_errors(path: str | Path) -> dict[str, int]:
    """Count the cookbook's format errors in an OpenAI chat JSONL file.

    Parameters
    ----------
    path : str or Path
        A JSONL file (one example a line).

    Returns
    -------
    dict
        Every error name of the cookbook with its count (all zero for a valid file); a line that is
        not JSON counts as ``data_type``.
    """
    counts: Counter = Counter({e: 0 for e in ERRORS})
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                ex = json.loads(line)
            except json.JSONDecodeError:
                counts["data_type"] += 1
                continue
            counts.update(example_errors(ex))
    return dict(counts)
