"""OpenAI chat: ``{"messages": [{"role", "content", "name"?, "tool_calls"?, "weight"?}]}``."""
from __future__ import annotations

import json

from workbench.io.formats.base import Format
from workbench.io.messages import check_turns, normalise_openai


def to_openai_messages(msgs: list[dict] | None) -> list[dict]:
    out = []
    for m in msgs or []:
        d = {"role": m["role"], "content": m["content"]}
        if m.get("name") is not None:
            d["name"] = m["name"]
        if m.get("tool_calls") is not None:
            d["tool_calls"] = json.loads(m["tool_calls"])
        if m.get("weight") is not None:
            d["weight"] = m["weight"]
        out.append(d)
    return out


class OpenAIFormat(Format):
    name = "openai"
    consumed = ("messages",)

    def sniff(self, row: dict) -> bool:
        return isinstance(row.get("messages"), list) and "label" not in row and "chosen" not in row

    def read_row(self, row: dict) -> dict:
        msgs = normalise_openai(row.get("messages"), strict_keys=True)
        check_turns(msgs, need_assistant=False)
        kind = "sft" if any(m["role"] == "assistant" for m in msgs) else "prompt_only"
        return {"kind": kind, "messages": msgs, **self.common(row)}

    def write_row(self, rec: dict) -> dict | None:
        if rec["kind"] not in ("sft", "prompt_only"):
            return None
        return {**self.extras(rec), "messages": to_openai_messages(rec["messages"])}
