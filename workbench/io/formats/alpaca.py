"""Alpaca: ``{"instruction", "input", "output", "system"?, "history"?}`` and its common renamings.

Renamings seen in real files: ``response`` / ``completion`` / ``answer`` for ``output`` (self-instruct's
predictions use ``response``), ``context`` for ``input`` (databricks-dolly-15k: the passage a closed-QA,
extraction or summarisation instruction is about, so it belongs in the prompt, not in the metadata),
flat ``prompt`` + ``completion`` rows without an instruction, ``question`` + ``answer`` (GSM8K and most
QA sets), ``query`` + ``response`` (LLaMA-Factory's column names), and prompt lists without answers
(``prompt`` or ``question`` alone: prompt-only records, for exploring what a set of prompts is made of).
"""
from __future__ import annotations

from workbench.io.errors import RowError
from workbench.io.formats.base import Format, assistant_text
from workbench.io.messages import check_turns, make_message, text_field

OUTPUT_KEYS = ("output", "response", "completion", "answer")
INPUT_KEYS = ("input", "context")  # the first one present is the input; another stays in the metadata
PROMPT_KEYS = ("instruction", "prompt", "question", "query")  # the first one present is the prompt
# keys that make a row some other format's (preference, ranking, KTO, chat): never read as Alpaca by alias
OTHER_FORMAT_KEYS = frozenset({"chosen", "rejected", "label", "messages", "conversations", "responses",
                               "completions", "candidates"})


class AlpacaFormat(Format):
    name = "alpaca"

    def sniff(self, row: dict) -> bool:
        if "instruction" in row:
            return True
        # prompt / question / query, with or without an answer, when no other format's keys are there;
        # the string test keeps out rows whose "prompt" is a message list (other formats' prompts)
        key = next((k for k in PROMPT_KEYS if k in row), None)
        return key is not None and isinstance(row[key], str) and not (OTHER_FORMAT_KEYS & row.keys())

    def read_row(self, row: dict) -> dict:
        prompt_key = next((k for k in PROMPT_KEYS if k in row), "instruction")
        instruction = text_field(row, prompt_key)
        used = [prompt_key]
        user = instruction
        in_key = next((k for k in INPUT_KEYS if k in row), None)
        if prompt_key == "instruction" and in_key is not None:
            used.append(in_key)
            inp = text_field(row, in_key, required=False)
            if inp and inp.strip():
                user = f"{instruction}\n\n{inp}"
        out_key = next((k for k in OUTPUT_KEYS if k in row), None)
        msgs = []
        if "system" in row:
            used.append("system")
            system = text_field(row, "system", required=False)
            if system and system.strip():
                msgs.append(make_message("system", system))
        if "history" in row:
            used.append("history")
            hist = row["history"] or []
            if not isinstance(hist, list) or not all(isinstance(p, list) and len(p) == 2 and
                                                     all(isinstance(x, str) for x in p) for p in hist):
                raise RowError("data_type", "'history' must be a list of [prompt, response] pairs")
            for q, a in hist:
                msgs += [make_message("user", q), make_message("assistant", a)]
        msgs.append(make_message("user", user))
        kind = "prompt_only"
        if out_key is not None:
            used.append(out_key)
            output = text_field(row, out_key)
            msgs.append(make_message("assistant", output))
            kind = "sft"
        check_turns(msgs, need_assistant=False)
        return {"kind": kind, "messages": msgs, **self.common(row, tuple(used))}

    def write_row(self, rec: dict) -> dict | None:
        if rec["kind"] not in ("sft", "prompt_only"):
            return None
        msgs = list(rec["messages"])
        out = {}
        if msgs and msgs[0]["role"] == "system":
            out["system"] = msgs.pop(0)["content"]
        output = None
        if msgs and msgs[-1]["role"] == "assistant":
            output = msgs.pop()["content"]
        if not msgs or msgs[-1]["role"] != "user":
            return None
        instruction = msgs.pop()["content"]
        roles = [m["role"] for m in msgs]
        if roles != ["user", "assistant"] * (len(msgs) // 2):
            return None  # tool turns or odd shapes do not fit Alpaca's history pairs
        history = [[msgs[i]["content"], msgs[i + 1]["content"]] for i in range(0, len(msgs), 2)]
        row = {**self.extras(rec), "instruction": instruction, "input": ""}
        if output is not None:
            row["output"] = output
        row.update(out)
        if history:
            row["history"] = history
        return row


__all__ = ["AlpacaFormat", "assistant_text"]
