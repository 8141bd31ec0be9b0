"""Turn normalisation and the row checks shared by every chat-shaped format.

Reason codes follow the OpenAI cookbook's fine-tuning data checks where one applies (``data_type``,
``missing_messages_list``, ``message_missing_key``, ``message_unrecognized_key``, ``unrecognized_role``,
``missing_content``, ``example_missing_assistant_message``) and add our own for the rest.
"""
from __future__ import annotations

import json
from typing import Any, Literal, overload

from workbench.io.errors import RowError

OPENAI_MESSAGE_KEYS = {"role", "content", "name", "tool_calls", "weight", "function_call", "tool_call_id",
                       "refusal", "audio"}
ROLE_ALIASES = {
    "system": "system", "user": "user", "assistant": "assistant", "tool": "tool",
    "human": "user", "gpt": "assistant", "bot": "assistant", "model": "assistant", "chatgpt": "assistant",
    "function": "tool", "observation": "tool", "function_call": "assistant", "ipython": "tool",
}

# OpenAI's own roles only (the cookbook's unrecognized_role check); aliases belong to ShareGPT
OPENAI_ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant",
                "tool": "tool", "function": "tool"}


def flatten_content(content: Any, where: str) -> str:
    """Content as text. A list of parts is flattened when it holds only text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and part.get("type") in ("text", "input_text", "output_text") \
                    and isinstance(part.get("text"), str):
                texts.append(part["text"])
            else:
                kind = part.get("type") if isinstance(part, dict) else type(part).__name__
                raise RowError("non_text_content", f"{where}: content part of type {kind!r} is not text")
        return "".join(texts)
    raise RowError("non_string_content", f"{where}: content is {type(content).__name__}, not text")


def make_message(role: str, content: str, name=None, tool_calls=None, weight=None) -> dict[str, Any]:
    if tool_calls is not None and not isinstance(tool_calls, str):
        tool_calls = json.dumps(tool_calls, ensure_ascii=False, sort_keys=True)
    return {"role": role, "content": content, "name": name, "tool_calls": tool_calls,
            "weight": None if weight is None else int(weight)}


def normalise_openai(messages: Any, where: str = "messages", strict_keys: bool = True) -> list[dict]:
    """OpenAI-style ``[{role, content, ...}]`` to canonical messages, raising RowError on problems."""
    if not isinstance(messages, list):
        raise RowError("missing_messages_list" if messages is None else "data_type",
                       f"{where} must be a list of messages")
    out, codes, details = [], [], []
    for i, m in enumerate(messages):
        w = f"{where}[{i}]"
        if not isinstance(m, dict):
            raise RowError("data_type", f"{w} is {type(m).__name__}, not an object")
        if "role" not in m or ("content" not in m and "tool_calls" not in m and "function_call" not in m):
            codes.append("message_missing_key")
            details.append(f"{w} lacks {'role' if 'role' not in m else 'content'}")
            continue
        unknown = set(m) - OPENAI_MESSAGE_KEYS
        if strict_keys and unknown:
            codes.append("message_unrecognized_key")
            details.append(f"{w} has unrecognised key(s) {', '.join(sorted(unknown))}")
        role = m["role"]
        if not isinstance(role, str) or OPENAI_ROLES.get(role) is None:
            codes.append("unrecognized_role")
            details.append(f"{w} has unrecognised role {role!r}")
            continue
        tool_calls = m.get("tool_calls") or m.get("function_call")
        content = m.get("content")
        if content is None:
            if tool_calls is None:
                codes.append("missing_content")
                details.append(f"{w} has no content")
                continue
            content = ""
        try:
            text = flatten_content(content, w)
        except RowError as e:
            codes.extend(e.codes)
            details.append(e.detail)
            continue
        name = m.get("name")
        if name is not None and not isinstance(name, str):
            codes.append("data_type")
            details.append(f"{w} name is {type(name).__name__}, not text")
            continue
        weight = m.get("weight")
        if weight is not None and weight not in (0, 1):
            codes.append("data_type")
            details.append(f"{w} weight must be 0 or 1")
            continue
        out.append(make_message(OPENAI_ROLES[role], text, m.get("name"), tool_calls, weight))
    if codes:
        raise RowError(sorted(set(codes)), "; ".join(details))
    return out


def normalise_sharegpt(turns: Any, where: str = "conversations") -> list[dict]:
    """ShareGPT ``[{from, value}]`` turns to canonical messages."""
    if not isinstance(turns, list):
        raise RowError("data_type", f"{where} must be a list of turns")
    out, codes, details = [], [], []
    for i, t in enumerate(turns):
        w = f"{where}[{i}]"
        if not isinstance(t, dict):
            raise RowError("data_type", f"{w} is {type(t).__name__}, not an object")
        if "from" not in t or "value" not in t:
            codes.append("message_missing_key")
            details.append(f"{w} lacks {'from' if 'from' not in t else 'value'}")
            continue
        role = ROLE_ALIASES.get(t["from"]) if isinstance(t["from"], str) else None
        if role is None:
            codes.append("unrecognized_role")
            details.append(f"{w} has unrecognised role {t['from']!r}")
            continue
        try:
            text = flatten_content(t["value"], w)
        except RowError as e:
            codes.extend(e.codes)
            details.append(e.detail)
            continue
        if t["from"] == "function_call":
            out.append(make_message("assistant", "", tool_calls=text))
        else:
            out.append(make_message(role, text))
    if codes:
        raise RowError(sorted(set(codes)), "; ".join(details))
    return out


def check_turns(messages: list[dict], where: str = "messages", need_assistant: bool = True) -> None:
    """Row-level checks: empty turns, no assistant turn, roles out of order.

    Consecutive same-role turns are *kept* (the multi-turn quality signal flags them); a conversation
    whose first non-system turn is not the user's, or with a system turn after the start, is out of order.
    """
    codes, details = [], []
    for i, m in enumerate(messages):
        if not m["content"].strip() and not m.get("tool_calls"):
            codes.append("empty_content")
            details.append(f"{where}[{i}] ({m['role']}) is empty")
    roles = [m["role"] for m in messages]
    non_system = [r for r in roles if r != "system"]
    if not non_system:
        codes.append("missing_messages_list" if not roles else "example_missing_user_message")
        details.append(f"{where} has no user or assistant turn")
    elif non_system[0] != "user":
        codes.append("roles_out_of_order")
        details.append(f"{where} starts with {non_system[0]!r}, not 'user'")
    first_other = next((i for i, r in enumerate(roles) if r != "system"), len(roles))
    if "system" in roles[first_other:]:
        codes.append("roles_out_of_order")
        details.append(f"{where} has a system turn after the conversation started")
    if need_assistant and "assistant" not in roles:
        codes.append("example_missing_assistant_message")
        details.append(f"{where} has no assistant turn")
    if codes:
        raise RowError(sorted(set(codes)), "; ".join(details))


@overload
def text_field(row: dict, key: str, required: Literal[True] = ...) -> str: ...
@overload
def text_field(row: dict, key: str, required: bool) -> str | None: ...
def text_field(row: dict, key: str, required: bool = True) -> str | None:
    """A string field of a flat row, with the reason codes the loader reports."""
    if key not in row or row[key] is None:
        if required:
            raise RowError("missing_key", f"missing key {key!r}")
        return None
    v = row[key]
    if not isinstance(v, str):
        raise RowError("data_type", f"{key!r} is {type(v).__name__}, not a string")
    return v
