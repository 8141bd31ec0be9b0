"""Hand-off to Label Studio: an import file of tasks plus the matching labeling configuration, and the
way back: a Label Studio JSON export of that project appended to the project as reviewer events.

Tasks carry ``record_id`` so annotations map back to the project. Preference pairs are shown in a
seeded random order (position bias) and the displayed order travels in the task as ``order``.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model import Dataset, Event, Guidelines
from workbench.model.events import DECISIONS

CONFIG, TASKS = "label_config.xml", "tasks.json"
ROLE_NAMES = {"system": "System", "user": "User", "assistant": "Assistant", "tool": "Tool"}


def _choices(name: str, to: str, values: list[str], multiple: bool = False) -> str:
    inner = "".join(f"\n    <Choice value={quoteattr(v)}/>" for v in values)
    return (f'  <Choices name="{name}" toName="{to}" choice="{"multiple" if multiple else "single"}" '
            f'showInline="true">{inner}\n  </Choices>')


def labelstudio_config(guidelines: Guidelines | None = None, kind: str = "sft") -> str:
    """The labeling configuration (XML) for a project of ``kind`` records.

    SFT and KTO: Text (prompt, response), TextArea ``ideal_response`` pre-filled with the response,
    Rating ``overall`` and one per criterion, Choices ``category``, ``tags`` and ``decision``.
    Preference: Text (prompt, answer1, answer2) and Pairwise, with the same Ratings and Choices.
    """
    g = guidelines or Guidelines()
    target = "answer1" if kind == "preference" else "response"
    parts = ["<View>"]
    if g.task:
        parts.append(f"  <Header value={quoteattr(' '.join(g.task.split()))}/>")
    parts.append('  <Text name="prompt" value="$prompt"/>')
    if kind == "preference":
        parts += ['  <Header value="Response 1"/>', '  <Text name="answer1" value="$answer1"/>',
                  '  <Header value="Response 2"/>', '  <Text name="answer2" value="$answer2"/>',
                  '  <Header value="Which response is better?"/>',
                  '  <Pairwise name="pairwise" toName="answer1,answer2"/>']
    else:
        parts += ['  <Header value="Response"/>', '  <Text name="response" value="$response"/>',
                  '  <Header value="Ideal response (fix the response in place)"/>',
                  '  <TextArea name="ideal_response" toName="response" value="$response" rows="8" '
                  'editable="true" maxSubmissions="1"/>']
    for c in [Guidelines.OVERALL, *g.criteria]:
        lo, hi = c.scale
        title = f"{c.name} ({lo}-{hi})" + (f": {c.description}" if c.description else "")
        parts += [f"  <Header value={quoteattr(title)}/>",
                  f'  <Rating name="{c.name}" toName="{target}" maxRating="{hi}"/>']
    if g.categories:
        parts += ['  <Header value="Category"/>', _choices("category", "prompt", list(g.categories))]
    if g.tags:
        parts += ['  <Header value="Tags"/>', _choices("tags", target, list(g.tags), multiple=True)]
    parts += ['  <Header value="Decision"/>', _choices("decision", target, list(DECISIONS))]
    parts.append("</View>")
    return "\n".join(parts) + "\n"


def render_turns(messages: list[dict]) -> str:
    """A conversation as text; a single user turn is shown as itself."""
    if len(messages) == 1 and messages[0]["role"] == "user":
        return messages[0]["content"] or ""
    return "\n\n".join(f"{ROLE_NAMES.get(m['role'], m['role'])}: {m['content'] or ''}" for m in messages)


def display_fields(rec: dict[str, Any], swap: bool = False) -> dict[str, Any]:
    """What an annotator is shown: ``prompt`` and ``response``, or for a pair ``prompt``, ``answer1``,
    ``answer2`` and the displayed ``order`` (``swap`` shows the rejected response first)."""
    msgs = rec["messages"] or []
    if rec["kind"] == "preference":
        a, b = (rec["rejected"], rec["chosen"]) if swap else (rec["chosen"], rec["rejected"])
        return {"prompt": render_turns(msgs), "answer1": render_turns(a), "answer2": render_turns(b),
                "order": ["rejected", "chosen"] if swap else ["chosen", "rejected"]}
    if rec["kind"] == "kto":
        return {"prompt": render_turns(msgs), "response": render_turns(rec["completion"] or [])}
    last = max((i for i, m in enumerate(msgs) if m["role"] == "assistant"), default=None)
    return {"prompt": render_turns(msgs[:last] if last is not None else msgs),
            "response": msgs[last]["content"] if last is not None else ""}


def labelstudio_tasks(table: pa.Table, seed: int = 0, blind: bool = True) -> list[dict[str, Any]]:
    """Label Studio tasks (``{"data": {...}}``) for canonical records, in table order."""
    rng = np.random.default_rng(seed)
    tasks = []
    for rec in table.to_pylist():
        swap = bool(blind and rec["kind"] == "preference" and rng.random() < 0.5)
        data: dict[str, Any] = {"record_id": rec["id"], **display_fields(rec, swap)}
        if rec.get("category"):
            data["category"] = rec["category"]
        tasks.append({"data": data})
    return tasks


def write_labelstudio(source: Any, out: str | Path, guidelines: Guidelines | None = None,
                      record_ids: list[str] | None = None, seed: int = 0,
                      blind: bool = True) -> dict[str, Any]:
    """Write ``tasks.json`` and ``label_config.xml`` into ``out`` for a Label Studio project.

    Parameters
    ----------
    source : Project, Dataset or pyarrow.Table
        A project's records go out with their current edits applied.
    out : str or Path
        Folder to write into (created).
    guidelines : Guidelines, optional
        Defaults to the project's.
    record_ids : list of str, optional
        Only these records.
    """
    if hasattr(source, "edited_table"):
        from workbench.export.source import apply_labels

        table = apply_labels(source.edited_table(), source.state().consolidated)
        guidelines = guidelines or source.guidelines
    else:
        table = source.table if isinstance(source, Dataset) else source
    if record_ids is not None:
        table = table.filter(pc.is_in(table.column("id"), pa.array(list(record_ids), pa.string())))
    kinds = set(table.column("kind").to_pylist())
    kind = "preference" if kinds == {"preference"} else "sft"
    if "preference" in kinds and len(kinds) > 1:
        raise ValueError("export preference records and the others to separate Label Studio projects")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = labelstudio_tasks(table, seed, blind)
    (out / TASKS).write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / CONFIG).write_text(labelstudio_config(guidelines, kind), encoding="utf-8")
    return {"tasks": len(tasks), "kind": kind, "files": [str(out / TASKS), str(out / CONFIG)]}


def _event_id(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def project_events(dataset: Dataset, project: Any) -> tuple[list[Event], dict[str, int]]:
    """The loaded export's reviewer events, kept when they name a record of ``project``.

    The Label Studio reader already speaks the store's terms (decisions, tag lists, response edits
    skipped when unchanged, pair choices with the displayed order, record ids from the tasks this
    module wrote). Event ids derive from the content, so importing the same export twice adds
    nothing the second time.
    """
    known = project.dataset.ids
    out, skipped = [], {"unmapped": 0}
    for e in dataset.extra_events:
        if e.record_id not in known:
            skipped["unmapped"] += 1
            continue
        eid = _event_id(e.record_id, e.reviewer, e.kind, e.target, e.value, e.time)
        out.append(Event(e.record_id, e.kind, e.reviewer, e.target, e.value, id=eid, time=e.time,
                         session="labelstudio"))
    return out, skipped


def response_target(row: dict[str, Any]) -> str | None:
    """Edit target of the response under review: last assistant turn, or the KTO completion."""
    if row["kind"] == "kto":
        return "completion[0].content" if row.get("completion") else None
    msgs = row.get("messages") or []
    last = max((i for i, m in enumerate(msgs) if m["role"] == "assistant"), default=None)
    return None if last is None else f"messages[{last}].content"


def _text_at(row: dict[str, Any], target: str | None) -> str | None:
    if target is None:
        return None
    from workbench.store.edits import text_at

    return text_at(row, target)


def import_labelstudio(project: Any, path: str | Path) -> dict[str, Any]:
    """Append a Label Studio JSON export of a project made by :func:`write_labelstudio` as events.

    Returns ``{"events", "reviewers", "skipped"}``; new reviewers are enrolled with role reviewer.
    """
    from workbench.io import load
    from workbench.store.fold import PROJECT_RECORD

    ds = load(path, format="labelstudio")
    events, skipped = project_events(ds, project)
    have = set(project.log.frame()["id"])
    events = [e for e in events if e.id not in have]
    skipped["already_imported"] = len(ds.extra_events) - skipped["unmapped"] - len(events)
    roles = project.reviewers
    new = sorted({e.reviewer for e in events} - set(roles))
    enrol = [Event(PROJECT_RECORD, "role", r, r, {"role": "reviewer"}, session="labelstudio") for r in new]
    project.log.append_many(enrol + events)
    return {"events": len(events), "reviewers": sorted({e.reviewer for e in events}), "skipped": skipped}
