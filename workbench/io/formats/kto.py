"""KTO (unpaired preference): ``prompt/completion/label`` or ``messages`` + ``label``."""
from __future__ import annotations

from workbench.io.errors import RowError
from workbench.io.formats.base import Format
from workbench.io.formats.openai import to_openai_messages
from workbench.io.messages import check_turns, make_message, normalise_openai

TRUE = {True, "true", "True", "1", "desirable", "yes"}
FALSE = {False, "false", "False", "0", "undesirable", "no"}


def parse_label(v) -> bool:
    if isinstance(v, (bool, int, str)) and not isinstance(v, float):
        if v in TRUE:
            return True
        if v in FALSE:
            return False
    raise RowError("data_type", f"'label' must be a boolean, got {v!r}")


class KTOFormat(Format):
    name = "kto"
    consumed = ("prompt", "completion", "label", "messages")

    def sniff(self, row: dict) -> bool:
        return "label" in row and ("completion" in row or isinstance(row.get("messages"), list))

    def read_row(self, row: dict) -> dict:
        label = parse_label(row.get("label"))
        if "completion" in row:
            p, c = row.get("prompt"), row.get("completion")
            prompt = [make_message("user", p)] if isinstance(p, str) else normalise_openai(p, "prompt", False)
            completion = [make_message("assistant", c)] if isinstance(c, str) else \
                normalise_openai(c, "completion", False)
        else:
            msgs = normalise_openai(row["messages"], strict_keys=False)
            if not msgs or msgs[-1]["role"] != "assistant":
                raise RowError("example_missing_assistant_message", "messages must end with the completion")
            prompt, completion = msgs[:-1], msgs[-1:]
        check_turns(prompt, "prompt", need_assistant=False)
        if not completion or not all(m["content"].strip() for m in completion):
            raise RowError("empty_content", "completion is empty")
        return {"kind": "kto", "messages": prompt, "completion": completion, "label": label,
                **self.common(row)}

    def write_row(self, rec: dict, conversational: bool | None = None) -> dict | None:
        if rec["kind"] != "kto":
            return None
        simple = len(rec["messages"]) == 1 and len(rec["completion"]) == 1
        if conversational is None:
            conversational = not simple
        if not conversational:
            return {**self.extras(rec), "prompt": rec["messages"][0]["content"],
                    "completion": rec["completion"][0]["content"], "label": bool(rec["label"])}
        return {**self.extras(rec), "prompt": to_openai_messages(rec["messages"]),
                "completion": to_openai_messages(rec["completion"]), "label": bool(rec["label"])}
