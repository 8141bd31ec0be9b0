"""LLM drafts: the model writes a response, the reviewer accepts or edits it, provenance records which.

A draft is a suggestion event on the text it would fill: ``messages[n].content`` one past the last
turn of a prompt-only record (accepting it adds the assistant turn), or the last assistant turn of
an SFT record when asked to propose a better response (accepting it is an edit). The review session
accepts a draft by writing its text verbatim as the reviewer's own event, then the reviewer's
changes as a further edit, so :func:`provenance_frame` can tell "model" (kept as drafted) from
"model_edited" and "human".
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.assist.common import suggestion_payload, suggestions_frame, write_suggestions
from workbench.assist.llm import LLMClient, LLMError
from workbench.model.events import Event
from workbench.model.guidelines import Guidelines
from workbench.store.edits import text_at

log = logging.getLogger("workbench.assist")
PROVENANCE_COLUMNS = ["record_id", "provenance", "origin", "model", "target"]
_META_PROVENANCE = r'"provenance":\s*"(?P<p>[^"]*)"'


def draft_system_prompt(g: Guidelines) -> str:
    """The instructions a drafting model gets: the task and the guidelines' rules, in plain text."""
    lo, hi = g.length_window.get("min_words", 0), g.length_window.get("max_words", 0)
    lines = ["You write the ideal assistant response for a fine-tuning dataset.", f"Task: {g.task}".strip()]
    lines += [f"- {c.name}: {c.description}" for c in g.criteria]
    if hi:
        lines.append(f"Length: {lo}-{hi} words unless the question needs less.")
    if g.forbidden_phrases:
        lines.append("Never write: " + "; ".join(f'"{p}"' for p in g.forbidden_phrases))
    if g.refusals:
        lines.append(f"Refusals: {g.refusals}")
    if g.sensitive_topics:
        lines.append(f"Sensitive topics: {g.sensitive_topics}")
    lines.append(f"Reasoning steps are {g.reasoning}. Answer with the response text only.")
    return "\n".join(lines)


def draft_targets(project, records: list[str] | None = None, improve: bool = False) -> list[dict[str, Any]]:
    """What to draft: ``{"record_id", "target", "messages"}`` per record.

    Prompt-only records whose conversation does not end with an assistant turn get a new turn;
    with ``improve``, SFT records get a proposal for their last assistant turn.
    """
    table = project.edited_table()
    kinds = ["prompt_only", "sft"] if improve else ["prompt_only"]
    mask = pc.is_in(table.column("kind"), pa.array(kinds))
    if records is not None:
        mask = pc.and_(mask, pc.is_in(table.column("id"), pa.array(list(records), pa.string())))
    out = []
    for row in table.filter(mask).select(["id", "kind", "messages"]).to_pylist():
        msgs = [{"role": m["role"], "content": m["content"] or ""} for m in row["messages"] or []]
        if row["kind"] == "prompt_only" and (not msgs or msgs[-1]["role"] != "assistant"):
            out.append({"record_id": row["id"], "target": f"messages[{len(msgs)}].content", "messages": msgs})
        elif improve:
            last = max((i for i, m in enumerate(msgs) if m["role"] == "assistant"), default=None)
            if last is not None:
                out.append({"record_id": row["id"], "target": f"messages[{last}].content",
                            "messages": msgs[:last]})
    return out


def draft(project, client: LLMClient | None = None, records: list[str] | None = None, improve: bool = False,
          agent: str | None = None, errors: str = "raise", **params: Any) -> list[Event]:
    """Ask the model for drafts and store them as suggestions; return the events written.

    Parameters
    ----------
    project : Project
    client : LLMClient, optional
        Default: a client configured from the project (and environment).
    records : list of str, optional
        Only these records.
    improve : bool
        Also propose better responses for SFT records (their last assistant turn).
    agent : str, optional
        The suggestions' author; default ``"model:<model name>"``.
    errors : {"raise", "skip"}
        After storing the drafts that worked, raise the first failure, or only log failures.
    **params
        Chat parameters (``temperature``, ``max_tokens``, ...).
    """
    if errors not in ("raise", "skip"):
        raise ValueError(f"errors must be 'raise' or 'skip', got {errors!r}")
    client = client or LLMClient(project=project)
    agent = agent or f"model:{client.model}"
    todo = draft_targets(project, records, improve)
    system = {"role": "system", "content": draft_system_prompt(project.guidelines)}
    results = client.chat_many([[system, *t["messages"]] for t in todo], return_exceptions=True, **params)
    rows, failed = [], []
    for t, r in zip(todo, results):
        if isinstance(r, Exception) or not r.text.strip():
            failed.append(r if isinstance(r, Exception) else LLMError("the model returned an empty draft"))
            continue
        rows.append((t["record_id"], t["target"], suggestion_payload(
            r.text.strip(), None, agent, source="draft", kind="draft", version=r.model, usage=r.usage)))
    events = write_suggestions(project, agent, rows)
    if failed:
        if errors == "raise":
            raise failed[0]
        log.warning("%d of %d drafts failed: %s", len(failed), len(todo), failed[0])
    return events


def _op_text(kind: str, target: str, value: Any) -> tuple[str, str] | None:
    """(edit target, text) an applied op wrote, for edits and added turns."""
    if kind == "edit" and isinstance(value, str):
        return target, value
    if kind == "add_turn" and isinstance(value, dict):
        return f"{target}[{value.get('index')}].content", value.get("content") or ""
    return None


def provenance_frame(project) -> pd.DataFrame:
    """Per record: who wrote the response - "human", "model" or "model_edited" (None when unknown).

    Rules: a record whose draft (a draft suggestion) a reviewer accepted is "model" while its text is
    the draft, "model_edited" once changed; a prompt-only record a reviewer answered without
    accepting a draft is "human". Otherwise the source metadata's ``provenance`` holds, with "model"
    turned "model_edited" when reviewers edited it (as the export counts it).

    Returns
    -------
    DataFrame
        Columns :data:`PROVENANCE_COLUMNS`; ``origin`` is "events" or "metadata".
    """
    ds = project.dataset
    ids = ds.ids
    found = pc.extract_regex(pc.fill_null(ds.table.column("metadata"), ""), _META_PROVENANCE)
    meta = pc.struct_field(found, "p")
    prov = np.array(meta.to_pylist(), dtype=object)
    out = pd.DataFrame({"record_id": ids, "provenance": prov,
                        "origin": np.where(pd.notna(prov), "metadata", None), "model": None, "target": None},
                       dtype=object).set_index("record_id", drop=False)
    ops = project.fold().ops
    ops = ops[ops["applied"].astype(bool)]
    edited = set(ops.loc[ops["kind"] == "edit", "record_id"])
    out.loc[(out["provenance"] == "model") & out.index.isin(edited), "provenance"] = "model_edited"
    drafts = suggestions_frame(project, source="draft", latest=False)
    texts: dict[tuple[str, str], dict[str, str]] = {}
    for rid, target, value, agent in drafts[["record_id", "target", "value", "agent"]].itertuples(False):
        texts.setdefault((rid, target), {})[value] = agent
    kinds = dict(zip(ids, ds.table.column("kind").to_pylist()))
    for rid, group in ops.groupby("record_id", sort=False):
        written = [w for w in map(_op_text, group["kind"], group["target"], group["value"]) if w]
        accepted = next(((t, texts[(rid, t)][x]) for t, x in written if x in texts.get((rid, t), {})), None)
        if accepted is not None:
            target, model = accepted
            current = text_at(project.current_row(rid), target)
            out.loc[rid, ["provenance", "origin", "model", "target"]] = [
                "model" if current in texts[(rid, target)] else "model_edited", "events", model, target]
        elif kinds.get(rid) == "prompt_only" and (group["kind"] == "add_turn").any():
            out.loc[rid, ["provenance", "origin"]] = ["human", "events"]
    return out.reset_index(drop=True)[PROVENANCE_COLUMNS]


def provenance_counts(project) -> dict[str, Any]:
    """Counts per provenance and the synthetic-to-human ratio (the export report's shape)."""
    p = provenance_frame(project)["provenance"]
    counts = p.fillna("unknown").value_counts().sort_index()
    human, model = int(counts.get("human", 0)), int(counts.get("model", 0))
    edited = int(counts.get("model_edited", 0))
    n = len(p)
    return {"counts": {k: int(v) for k, v in counts.items()},
            "synthetic_to_human": round(model / human, 4) if human else None,
            "machine_drafted_share": round((model + edited) / n, 4) if n else None}
