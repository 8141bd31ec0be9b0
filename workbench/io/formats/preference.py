"""Preference pairs: TRL's ``prompt/chosen/rejected`` (strings or message lists, explicit or implicit
prompt) and Anthropic HH transcripts (``"\\n\\nHuman: ...\\n\\nAssistant: ..."``)."""
from __future__ import annotations

import re

from workbench.io.errors import RowError
from workbench.io.formats.base import Format
from workbench.io.formats.openai import to_openai_messages
from workbench.io.messages import check_turns, make_message, normalise_openai

HH_SPLIT = re.compile(r"\n\n(Human|Assistant):")


def parse_hh(text: str, where: str) -> list[dict]:
    """An HH transcript to messages. Text before the first speaker tag is an error."""
    if not isinstance(text, str):
        raise RowError("data_type", f"{where} is not a string")
    parts = HH_SPLIT.split(text)
    if parts[0].strip():
        raise RowError("data_type", f"{where} does not start with a Human/Assistant turn")
    msgs = []
    for speaker, body in zip(parts[1::2], parts[2::2]):
        msgs.append(make_message("user" if speaker == "Human" else "assistant", body.strip()))
    return msgs


def split_shared_prefix(chosen: list[dict], rejected: list[dict]) -> tuple[list, list, list]:
    """Implicit prompt: the longest shared prefix of whole turns that ends before the last turn."""
    n = 0
    while n < min(len(chosen), len(rejected)) - 1 and chosen[n] == rejected[n]:
        n += 1
    return chosen[:n], chosen[n:], rejected[n:]


def _side(value, key: str) -> list[dict]:
    if isinstance(value, str):
        return [make_message("assistant", value)]
    if isinstance(value, list):
        return normalise_openai(value, key, strict_keys=False)
    raise RowError("missing_key" if value is None else "data_type", f"{key!r} must be a string or messages")


def is_hh(text) -> bool:
    return isinstance(text, str) and text.lstrip("\n").startswith("Human:") and "\n\nAssistant:" in text


class PreferenceFormat(Format):
    name = "preference"
    consumed = ("prompt", "chosen", "rejected")

    def sniff(self, row: dict) -> bool:
        return "chosen" in row and "rejected" in row and "conversations" not in row

    def read_row(self, row: dict) -> dict:
        chosen_raw, rejected_raw = row.get("chosen"), row.get("rejected")
        prompt_raw = row.get("prompt")
        if prompt_raw is None and is_hh(chosen_raw):
            prompt, chosen, rejected = split_shared_prefix(parse_hh(chosen_raw, "chosen"),  # type: ignore[arg-type]
                                                           parse_hh(rejected_raw, "rejected"))  # type: ignore[arg-type]
        elif prompt_raw is None:
            if not isinstance(chosen_raw, list) or not isinstance(rejected_raw, list):
                raise RowError("missing_key", "missing key 'prompt' (and chosen/rejected are not conversations)")
            prompt, chosen, rejected = split_shared_prefix(_side(chosen_raw, "chosen"),
                                                           _side(rejected_raw, "rejected"))
        else:
            if isinstance(prompt_raw, str):
                prompt = [make_message("user", prompt_raw)]
            else:
                prompt = normalise_openai(prompt_raw, "prompt", strict_keys=False)
            chosen, rejected = _side(chosen_raw, "chosen"), _side(rejected_raw, "rejected")
        check_turns(prompt, "prompt", need_assistant=False)
        for key, side in (("chosen", chosen), ("rejected", rejected)):
            if not side:
                raise RowError("missing_content", f"{key} has no completion")
            for i, m in enumerate(side):
                if not m["content"].strip() and not m.get("tool_calls"):
                    raise RowError("empty_content", f"{key}[{i}] is empty")
        if chosen == rejected:
            raise RowError("chosen_equals_rejected", "chosen and rejected are identical")
        return {"kind": "preference", "messages": prompt, "chosen": chosen, "rejected": rejected,
                **self.common(row)}

    def write_row(self, rec: dict, conversational: bool | None = None) -> dict | None:
        if rec["kind"] != "preference":
            return None
        simple = (len(rec["messages"]) == 1 and rec["messages"][0]["role"] == "user"
                  and all(len(rec[k]) == 1 and rec[k][0]["role"] == "assistant" for k in ("chosen", "rejected")))
        if conversational is None:
            conversational = not simple
        if not conversational and simple:
            return {**self.extras(rec), "prompt": rec["messages"][0]["content"],
                    "chosen": rec["chosen"][0]["content"], "rejected": rec["rejected"][0]["content"]}
        return {**self.extras(rec), "prompt": to_openai_messages(rec["messages"]),
                "chosen": to_openai_messages(rec["chosen"]), "rejected": to_openai_messages(rec["rejected"])}


class RankingFormat(Format):
    """``{"prompt", "responses": [...], "ranking"?: [...]}`` — N candidates for one prompt."""

    name = "ranking"
    LIST_KEYS = ("responses", "candidates", "completions")

    def sniff(self, row: dict) -> bool:
        return "prompt" in row and any(isinstance(row.get(k), list) for k in self.LIST_KEYS)

    def read_row(self, row: dict) -> dict:
        key = next(k for k in self.LIST_KEYS if isinstance(row.get(k), list))
        prompt_raw = row.get("prompt")
        prompt = [make_message("user", prompt_raw)] if isinstance(prompt_raw, str) else \
            normalise_openai(prompt_raw, "prompt", strict_keys=False)
        cands = row[key]
        if len(cands) < 2 or not all(isinstance(c, str) and c.strip() for c in cands):
            raise RowError("data_type", f"{key!r} must hold at least two non-empty strings")
        check_turns(prompt, "prompt", need_assistant=False)
        return {"kind": "ranking", "messages": prompt, "candidates": list(cands), **self.common(row, (key, "prompt"))}

    def write_row(self, rec: dict) -> dict | None:
        if rec["kind"] != "ranking":
            return None
        prompt = rec["messages"][0]["content"] if len(rec["messages"]) == 1 else to_openai_messages(rec["messages"])
        return {**self.extras(rec), "prompt": prompt, "responses": list(rec["candidates"])}
