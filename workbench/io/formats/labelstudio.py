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


def _response_target(rec: dict[str, Any]) -> str | None:
    """Edit target of the response under review (last assistant turn / chosen / KTO completion)."""
    if rec["kind"] == "preference":
        return "chosen[0].content"
    last = max((i for i, m in enumerate(rec.get("messages") or []) if m["role"] == "assistant"), default=None)
    return None if last is None else f"messages[{last}].content"


def _text_at(rec: dict[str, Any], target: str) -> str | None:
    field, rest = target.split("[", 1)
    turns = rec.get(field) or []
    i = int(rest.split("]", 1)[0])
    return turns[i]["content"] if i < len(turns) else None


def result_events(record_id: str, ann: dict, rec: dict[str, Any]) -> list[Event]:
    """The events one annotation stands for, in the store's terms (kinds, targets, value shapes).

    Choices named ``decision`` become decisions, ``tags`` (or several selected choices) a tag list, any
    other Choices the record's category; Rating keeps its name as the criterion; a TextArea for the
    response becomes an edit of the response turn (or a new assistant turn on a prompt-only task);
    Pairwise and pair choices keep the display order the task recorded in ``data.order``.
    """
    reviewer = annotator_name(ann)
    time = ann.get("updated_at") or ann.get("created_at")
    extra = {"time": time} if time else {}
    order = list(rec.get("display_order") or ["chosen", "rejected"])
    events = []

    def add(kind, target, value):
        events.append(Event(record_id, kind, reviewer, target, value, session="labelstudio", **extra))

    for res in ann.get("result") or []:
        rtype, value, name = res.get("type"), res.get("value") or {}, res.get("from_name") or "overall"
        if rtype == "choices" and value.get("choices"):
            choices = value["choices"]
            if rec["kind"] == "preference" and name in ("preference", "pairwise", "comparison"):
                add("preference", "preference", {"choice": choices[0], "order": order})
            elif name == "decision":
                add("decision", "decision", str(choices[0]).strip().lower().replace(" ", "_").replace("-", "_"))
            elif name == "tags" or len(choices) > 1:
                add("tags", "tags", list(choices))
            else:
                add("label", "category", choices[0])
        elif rtype == "rating" and "rating" in value:
            add("rating", name, int(value["rating"]))
        elif rtype == "textarea" and value.get("text"):
            text = "\n".join(value["text"])
            if name in RESPONSE_KEYS + ("ideal_response",):
                target = _response_target(rec)
                if target is None:
                    add("add_turn", "messages", {"index": len(rec["messages"]), "role": "assistant",
                                                 "content": text})
                elif text != _text_at(rec, target):
                    add("edit", target, text)
            else:
                add("comment", "comment", text)
        elif rtype == "pairwise" and value.get("selected"):
            choice = {"left": "A", "right": "B"}.get(value["selected"], value["selected"])
            add("preference", "preference", {"choice": choice, "order": order})
        elif rtype == "ranker" and value.get("ranker"):
            add("preference", "preference", {"ranking": value["ranker"], "order": order})
    if ann.get("ground_truth"):
        events = [Event(e.record_id, "gold", e.reviewer, e.target if e.kind != "label" else "category",
                        e.value, session="labelstudio", time=e.time) for e in events
                  if e.kind in ("label", "tags", "decision", "preference", "rating")]
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
        # tasks the workbench wrote carry the record's own id; Label Studio's task id otherwise
        src_id = data.get("record_id", row.get("id"))
        used.add("record_id")
        meta.pop("record_id", None)
        if isinstance(data.get("order"), list):
            rec["display_order"] = list(data["order"])
            meta.pop("order", None)
        rec.update(messages=msgs, metadata=meta, category=data.get("category"),
                   source_id=None if src_id is None else str(src_id),
                   annotations=[a for a in anns if isinstance(a, dict) and not a.get("was_cancelled")])
        return rec

    def write_row(self, rec: dict) -> dict | None:
        return None
