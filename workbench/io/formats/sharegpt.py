"""ShareGPT: ``{"conversations": [{"from", "value"}], "system"?, "tools"?}``, incl. preference rows."""
from __future__ import annotations

from workbench.io.errors import RowError
from workbench.io.formats.base import Format
from workbench.io.messages import check_turns, make_message, normalise_sharegpt

TO_FROM = {"system": "system", "user": "human", "assistant": "gpt", "tool": "observation"}


def to_sharegpt_turns(msgs: list[dict] | None) -> list[dict]:
    out = []
    for m in msgs or []:
        if m["role"] == "assistant" and m.get("tool_calls") and not m["content"]:
            out.append({"from": "function_call", "value": m["tool_calls"]})
        else:
            out.append({"from": TO_FROM[m["role"]], "value": m["content"]})
    return out


class ShareGPTFormat(Format):
    name = "sharegpt"
    consumed = ("conversations", "system", "chosen", "rejected")

    def sniff(self, row: dict) -> bool:
        return isinstance(row.get("conversations"), list)

    def read_row(self, row: dict) -> dict:
        msgs = normalise_sharegpt(row.get("conversations"))
        system = row.get("system")
        if system is not None:
            if not isinstance(system, str):
                raise RowError("data_type", "'system' is not a string")
            if system.strip():
                msgs = [make_message("system", system)] + msgs
        if "chosen" in row or "rejected" in row:  # LLaMA-Factory's ShareGPT-shaped preference rows
            pair = {}
            for key in ("chosen", "rejected"):
                turn = row.get(key)
                if turn is None:
                    raise RowError("missing_key", f"missing key {key!r}")
                turns = turn if isinstance(turn, list) else [turn]
                pair[key] = normalise_sharegpt(turns, key)
                check_turns([make_message("user", "x")] + pair[key], key)
            check_turns(msgs, need_assistant=False)
            if pair["chosen"] == pair["rejected"]:
                raise RowError("chosen_equals_rejected", "chosen and rejected are identical")
            return {"kind": "preference", "messages": msgs, **pair, **self.common(row)}
        check_turns(msgs, "conversations", need_assistant=False)
        kind = "sft" if any(m["role"] == "assistant" for m in msgs) else "prompt_only"
        return {"kind": kind, "messages": msgs, **self.common(row)}

    def write_row(self, rec: dict) -> dict | None:
        if rec["kind"] in ("sft", "prompt_only"):
            return {**self.extras(rec), "conversations": to_sharegpt_turns(rec["messages"])}
        if rec["kind"] == "preference":
            ch, rj = to_sharegpt_turns(rec["chosen"]), to_sharegpt_turns(rec["rejected"])
            return {**self.extras(rec), "conversations": to_sharegpt_turns(rec["messages"]),
                    "chosen": ch[0] if len(ch) == 1 else ch, "rejected": rj[0] if len(rj) == 1 else rj}
        return None
