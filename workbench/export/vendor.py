"""Vendor batches (the Scale AI / Appen workflow): tasks out with unmarked gold items, answers back
scored against the gold before any of them enters the project.

The batch file holds opaque task ids only; the answer key (task -> record, the gold answers, the
displayed order of pairs) stays in the project folder under ``vendor/``. On import every worker is
scored on the gold items they answered, and only the answers of workers at or above
``min_accuracy`` are appended to the event log, as reviewers named ``<vendor>:<worker>``.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.export.errors import ExportError
from workbench.export.labelstudio import display_fields, response_target
from workbench.model import Event
from workbench.model.events import DECISIONS
from workbench.model.names import check_name
from workbench.model.spreadsheet import restore_cell, write_csv

ANSWERS = ("rating", "category", "decision", "preference", "ideal_response")
SINGLE_ANSWERS = ("rating", "category", "decision", "ideal_response")
PAIR_ANSWERS = ("preference", "category", "decision")
WORKER_KEYS = ("worker_id", "worker", "annotator", "labeler")
GOLD_FIELD = {"overall": "rating", "category": "category", "decision": "decision", "preference": "preference"}


def _task_id(batch_id: str, record_id: str) -> str:
    return "t" + hashlib.sha256(f"{batch_id}\x00{record_id}".encode()).hexdigest()[:12]


def key_path(project: Any, batch_id: str) -> Path:
    """Where the hidden answer key of a batch lives: ``<project>/vendor/<batch_id>.key.json``.

    The batch id comes from a person or from a returned file, so it is checked to be one plain name.
    """
    check_name(batch_id, "batch id", ExportError)
    return Path(project.path) / "vendor" / f"{batch_id}.key.json"


def gold_answers(project: Any) -> dict[str, dict[str, Any]]:
    """record id -> {answer column: expert value} from the project's gold events."""
    pr = project.state().per_reviewer
    g = pr[(pr["kind"] == "gold") & pr["target"].isin(list(GOLD_FIELD))]
    out: dict[str, dict[str, Any]] = {}
    for rid, target, value in zip(g["record_id"], g["target"], g["value"]):
        out.setdefault(rid, {})[GOLD_FIELD[target]] = value
    return out


def export_vendor_batch(project: Any, out: str | Path, record_ids: list[str] | None = None,
                        n: int | None = None, gold_share: float = 0.1, seed: int = 0,
                        batch_id: str | None = None) -> dict[str, Any]:
    """Write a batch for an external workforce (``.jsonl`` or ``.csv`` by the suffix of ``out``).

    Parameters
    ----------
    project : Project
        Records go out with their current edits; gold items come from its gold answers.
    out : str or Path
        The batch file for the vendor.
    record_ids : list of str, optional
        Records to annotate (default: all that have no gold answer).
    n : int, optional
        Sample this many of them (seeded).
    gold_share : float
        Share of gold items mixed in (unmarked), at least one.
    batch_id : str, optional
        Defaults to a name derived from the content.

    Returns
    -------
    dict
        ``batch_id``, ``tasks``, ``gold``, ``file`` and ``key`` (the answer key's path, in the project).
    """
    out = Path(out)
    if out.suffix.lower() not in (".jsonl", ".csv"):
        raise ExportError(f"a vendor batch is .jsonl or .csv, got {out.name}")
    gold = gold_answers(project)
    if not gold:
        raise ExportError("the project has no gold answers to mix in; record some with Project.gold() first")
    rng = np.random.default_rng(seed)
    pool = [r for r in (record_ids if record_ids is not None else project.dataset.ids) if r not in gold]
    if n is not None and n < len(pool):
        pool = [pool[i] for i in sorted(rng.choice(len(pool), n, replace=False))]
    if not pool:
        raise ExportError("no records to send: the selection is empty")
    gold_ids = sorted(gold)
    k = min(len(gold_ids), max(1, int(round(gold_share * len(pool)))))
    chosen_gold = [gold_ids[i] for i in sorted(rng.choice(len(gold_ids), k, replace=False))]
    ids = pool + chosen_gold
    batch_id = batch_id or "batch-" + hashlib.sha256("\n".join(ids).encode()).hexdigest()[:10]
    check_name(batch_id, "batch id", ExportError)
    table = project.edited_table()
    table = table.filter(pc.is_in(table.column("id"), pa.array(ids, pa.string())))
    rows, key = [], {"batch_id": batch_id, "tasks": {}, "gold": {}, "order": {}}
    for rec in table.to_pylist():
        tid = _task_id(batch_id, rec["id"])
        row: dict[str, Any] = {"batch_id": batch_id, "task_id": tid}
        shown = display_fields(rec, swap=rec["kind"] == "preference" and bool(rng.random() < 0.5))
        if "order" in shown:
            key["order"][tid] = shown.pop("order")
            shown["response_1"], shown["response_2"] = shown.pop("answer1"), shown.pop("answer2")
        row.update(shown)
        row.update({a: "" for a in (PAIR_ANSWERS if rec["kind"] == "preference" else SINGLE_ANSWERS)})
        row["worker_id"] = ""
        rows.append(row)
        key["tasks"][tid] = rec["id"]
        if rec["id"] in gold:
            key["gold"][tid] = gold[rec["id"]]
    rows.sort(key=lambda r: r["task_id"])  # opaque ids: gold items land anywhere
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_rows(rows, out)
    kp = key_path(project, batch_id)
    kp.parent.mkdir(parents=True, exist_ok=True)
    kp.write_text(json.dumps(key, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return {"batch_id": batch_id, "tasks": len(rows), "gold": len(key["gold"]), "file": str(out),
            "key": str(kp)}


def _write_rows(rows: list[dict], path: Path) -> None:
    if path.suffix.lower() == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return
    write_csv(rows, path)  # cells a spreadsheet would run as formulas get a leading '


def read_returned(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a returned batch (JSONL or CSV); empty answers are dropped, and the ``'`` that
    :func:`write_csv` put before formula-like cells is taken off again."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        rows = [{restore_cell(k): restore_cell(v) for k, v in r.items()}
                for r in csv.DictReader(io.StringIO(text))]
    else:
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [{k: v for k, v in r.items() if v not in ("", None)} for r in rows]


def _norm(field: str, value: Any, g, order: list[str] | None) -> Any:
    """A returned answer in the project's terms; ValueError when it is not valid."""
    if field == "rating":
        v = float(value)
        if v != int(v):
            raise ValueError(f"rating {value!r} is not an integer")
        return g.criterion("overall").check(int(v))
    if field == "category":
        if g.categories and value not in g.categories:
            raise ValueError(f"unknown category {value!r}")
        return str(value)
    if field == "decision":
        if value not in DECISIONS:
            raise ValueError(f"unknown decision {value!r}")
        return value
    if field == "preference":
        choice = {"1": "A", "2": "B", "a": "A", "b": "B", "tie": "tie"}.get(str(value).strip().lower())
        if choice is None:
            raise ValueError(f"preference must be 1, 2 or tie, got {value!r}")
        return {"choice": choice, "order": order or ["chosen", "rejected"]}
    return str(value)


def _same(field: str, answer: Any, gold: Any, tolerance: float) -> bool:
    if field == "rating":
        return abs(float(answer) - float(gold)) <= tolerance
    if field == "preference":
        from workbench.store.fold import preference_key

        return preference_key(answer) == (preference_key(gold) if isinstance(gold, dict) else gold)
    return answer == gold


def score_vendor_batch(project: Any, path: str | Path, batch_id: str | None = None, tolerance: float = 0,
                       vendor: str = "vendor") -> dict[str, Any]:
    """Score a returned batch against the hidden gold, per worker; nothing is written.

    Returns
    -------
    dict
        ``batch_id``, ``workers`` (per worker: ``tasks``, ``gold_answered``, ``gold_correct``,
        ``accuracy``), ``accuracy`` (all gold answers), ``invalid`` (answers that did not validate)
        and ``events`` (the events the batch stands for, gold tasks excluded).
    """
    rows = read_returned(path)
    batch_id = batch_id or next((r["batch_id"] for r in rows if r.get("batch_id")), None)
    if batch_id is None or not key_path(project, batch_id).is_file():
        raise ExportError(f"no answer key for batch {batch_id!r} in {Path(project.path) / 'vendor'}")
    key = json.loads(key_path(project, batch_id).read_text(encoding="utf-8"))
    g = project.guidelines
    workers: dict[str, dict[str, Any]] = {}
    events, invalid = [], []
    for r in rows:
        worker = next((str(r[k]) for k in WORKER_KEYS if r.get(k) not in (None, "")), "unknown")
        tid = r.get("task_id")
        rid = key["tasks"].get(tid)
        w = workers.setdefault(worker, {"tasks": 0, "gold_answered": 0, "gold_correct": 0})
        if rid is None:
            invalid.append({"worker": worker, "task_id": tid, "reason": "unknown task id"})
            continue
        w["tasks"] += 1
        gold = key["gold"].get(tid)
        for field in ANSWERS:
            if field not in r:
                continue
            try:
                value = _norm(field, r[field], g, key["order"].get(tid))
            except (ValueError, TypeError) as exc:
                invalid.append({"worker": worker, "task_id": tid, "field": field, "reason": str(exc)})
                continue
            if gold is not None:
                if field in gold:
                    w["gold_answered"] += 1
                    w["gold_correct"] += _same(field, value, gold[field], tolerance)
                continue
            ev = _event(project, rid, f"{vendor}:{worker}", field, value, batch_id, tid)
            if ev is not None:
                events.append((worker, ev))
    for w in workers.values():
        w["accuracy"] = w["gold_correct"] / w["gold_answered"] if w["gold_answered"] else None
    answered = sum(w["gold_answered"] for w in workers.values())
    return {"batch_id": batch_id, "workers": workers, "invalid": invalid, "events": events,
            "accuracy": sum(w["gold_correct"] for w in workers.values()) / answered if answered else None}


def _event(project: Any, rid: str, reviewer: str, field: str, value: Any, batch_id: str,
           tid: str) -> Event | None:
    kind, target = {"rating": ("rating", "overall"), "category": ("label", "category"),
                    "decision": ("decision", "decision"), "preference": ("preference", "preference"),
                    "ideal_response": ("edit", None)}[field]
    if kind == "edit":
        from workbench.store.edits import text_at

        row = project.current_row(rid)
        target = response_target(row)
        if target is None or text_at(row, target) == value:
            return None
    eid = hashlib.sha256(f"{batch_id}\x00{tid}\x00{reviewer}\x00{field}".encode()).hexdigest()[:32]
    return Event(rid, kind, reviewer, target, value, id=eid, session=f"vendor:{batch_id}")


def import_vendor_batch(project: Any, path: str | Path, batch_id: str | None = None,
                        min_accuracy: float = 0.8, tolerance: float = 0,
                        vendor: str = "vendor") -> dict[str, Any]:
    """Score a returned batch against the gold, then append the answers of the workers who pass.

    Workers who answered no gold item cannot be checked and are not accepted. Importing the same
    batch twice appends nothing the second time (event ids derive from batch, task, worker, field).

    Returns
    -------
    dict
        The score (see :func:`score_vendor_batch`, without ``events``) plus ``accepted_workers``,
        ``rejected_workers`` and ``events_appended``.
    """
    from workbench.store.fold import PROJECT_RECORD

    score = score_vendor_batch(project, path, batch_id, tolerance, vendor)
    ok = {w for w, s in score["workers"].items()
          if s["accuracy"] is not None and s["accuracy"] >= min_accuracy}
    have = set(project.log.frame()["id"])
    events = [e for w, e in score.pop("events") if w in ok and e.id not in have]
    new = sorted({e.reviewer for e in events} - set(project.reviewers))
    enrol = [Event(PROJECT_RECORD, "role", r, r, {"role": "reviewer"}, session=f"vendor:{score['batch_id']}")
             for r in new]
    if events:
        project.log.append_many(enrol + events)
    return {**score, "accepted_workers": sorted(ok), "rejected_workers": sorted(set(score["workers"]) - ok),
            "events_appended": len(events)}
