"""Label Studio JSON export: tasks with ``data`` and ``annotations`` (one per annotator).

A task becomes a record (its ``data`` fields); each annotation's results become reviewer events, so
agreement is computed from them exactly as from the workbench's own reviews. Cancelled annotations
(``was_cancelled``) are recognised and left out of the events; ``ground_truth`` annotations become gold.
"""
from __future__ import annotations

from typing import Any

from workbench.io.errors import RowError
from workbench.io.formats.base import Format
from workbench.io.messages import make_message
from workbench.model.events import Event

PROMPT_KEYS = ("prompt", "instruction", "question", "query", "text", "input")
RESPONSE_KEYS = ("response", "answer", "output", "completion")
PAIR_KEYS = (("chosen", "rejected"), ("answer1", "answer2"), ("response_a", "response_b"))


def annotator_name(ann: dict) -> str:
    who = ann.get("completed_by")
    if isinstance(who, dict):
        return str(who.get("email") or who.get("id") or "unknown")
    return str(who) if who is not None else "unknown"


def result_events(record_id: str, ann: dict, kind: str) -> list[Event]:
    """The events one annotation stands for."""
    reviewer = annotator_name(ann)
    time = ann.get("updated_at") or ann.get("created_at")
    events = []
    extra = {"time": time} if time else {}
    for res in ann.get("result") or []:
        rtype, value, name = res.get("type"), res.get("value") or {}, res.get("from_name") or "overall"
        if rtype == "choices" and value.get("choices"):
            choices = value["choices"]
            if kind == "preference" and name in ("preference", "pairwise", "comparison"):
                events.append(Event(record_id, "preference", reviewer, "preference",
                                    {"choice": choices[0], "order": ["chosen", "rejected"]}, **extra))
            elif len(choices) == 1:
                events.append(Event(record_id, "label", reviewer, name, choices[0], **extra))
            else:
                events.append(Event(record_id, "tags", reviewer, name, list(choices), **extra))
        elif rtype == "rating" and "rating" in value:
            events.append(Event(record_id, "rating", reviewer, name, int(value["rating"]), **extra))
        elif rtype == "textarea" and value.get("text"):
            text = "\n".join(value["text"])
            events.append(Event(record_id, "edit" if name in RESPONSE_KEYS + ("ideal_response",) else "comment",
                                reviewer, "response" if name != "comment" else "comment", text, **extra))
        elif rtype == "pairwise" and value.get("selected"):
            choice = {"left": "A", "right": "B"}.get(value["selected"], value["selected"])
            events.append(Event(record_id, "preference", reviewer, "preference",
                                {"choice": choice, "order": ["chosen", "rejected"]}, **extra))
        elif rtype == "ranker" and value.get("ranker"):
            events.append(Event(record_id, "preference", reviewer, "ranking", {"ranking": value["ranker"]}, **extra))
    if ann.get("ground_truth"):
        events = [Event(e.record_id, "gold", e.reviewer, e.target, e.value, time=e.time) for e in events]
    return events


class LabelStudioFormat(Format):
    name = "labelstudio"
    writable = False

    def sniff(self, row: dict) -> bool:
        return isinstance(row.get("data"), dict) and any(k in row for k in ("annotations", "completions",
                                                                            "predictions"))

    def read_row(self, row: dict) -> dict:
        data = row.get("data")
        if not isinstance(data, dict):
            raise RowError("data_type", "task 'data' must be an object")
        pkey = next((k for k in PROMPT_KEYS if isinstance(data.get(k), str)), None)
        if pkey is None:
            pkey = next((k for k, v in data.items() if isinstance(v, str)), None)
        if pkey is None:
            raise RowError("missing_key", f"task data has no text field (keys: {', '.join(data)})")
        msgs = [make_message("user", data[pkey])]
        rec: dict[str, Any] = {"kind": "prompt_only"}
        pair = next((p for p in PAIR_KEYS if all(isinstance(data.get(k), str) for k in p)), None)
        rkey = next((k for k in RESPONSE_KEYS if isinstance(data.get(k), str)), None)
        used = {pkey}
        if pair:
            rec.update(kind="preference", chosen=[make_message("assistant", data[pair[0]])],
                       rejected=[make_message("assistant", data[pair[1]])])
            used |= set(pair)
        elif rkey:
            msgs.append(make_message("assistant", data[rkey]))
            rec["kind"] = "sft"
            used.add(rkey)
        if not data[pkey].strip():
            raise RowError("empty_content", f"task data {pkey!r} is empty")
        meta = {k: v for k, v in data.items() if k not in used}
        anns = row.get("annotations") or row.get("completions") or []
        cancelled = sum(1 for a in anns if isinstance(a, dict) and a.get("was_cancelled"))
        if cancelled:
            meta["cancelled_annotations"] = cancelled
        src_id = row.get("id")
        rec.update(messages=msgs, metadata=meta, category=data.get("category"),
                   source_id=None if src_id is None else str(src_id),
                   annotations=[a for a in anns if isinstance(a, dict) and not a.get("was_cancelled")])
        return rec

    def write_row(self, rec: dict) -> dict | None:
        return None
