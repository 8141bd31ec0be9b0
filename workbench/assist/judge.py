"""LLM-as-judge: criterion scores with a rationale, and preference verdicts with position swapping.

Scores (1-5 on each guideline criterion) and verdicts are stored as suggestion events (source
"judge"): usable to triage and filter the queue, never counted as a human annotation. A preference
pair is judged twice, once as A/B and once as B/A; the same winner both times is a verdict, a
winner that follows the position (A both times) is position bias and becomes a tie with confidence 0.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.assist.common import suggestion_payload, write_suggestions
from workbench.assist.llm import LLMClient
from workbench.model.events import Event

log = logging.getLogger("workbench.assist")
VERDICT_COLUMNS = ["record_id", "winner", "confidence", "consistent", "position_bias", "verdicts"]
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S | re.I)


def extract_json(text: str) -> Any:
    """The first JSON object in a model's answer (code fences and chatter around it are ignored).

    Returns None when there is none.
    """
    candidates = [m.group(1) for m in _FENCE.finditer(text or "")] + [text or ""]
    for chunk in candidates:
        chunk = chunk.strip()
        try:
            return json.loads(chunk)
        except ValueError:
            pass
        start = chunk.find("{")
        while start >= 0:
            depth, in_str, esc = 0, False, False
            for i in range(start, len(chunk)):
                ch = chunk[i]
                if in_str:
                    esc, in_str = (not esc and ch == "\\"), in_str and not (ch == '"' and not esc)
                    continue
                if ch == '"':
                    in_str = True
                elif ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                    if depth == 0:
                        try:
                            return json.loads(re.sub(r",\s*([}\]])", r"\1", chunk[start:i + 1]))
                        except ValueError:
                            break
            start = chunk.find("{", start + 1)
    return None


def parse_scores(text: str, criteria: dict[str, tuple[int, int]]) -> dict[str, dict[str, Any]]:
    """``{criterion: {"score": int, "rationale": str}}`` from a judge's answer; bad entries are dropped.

    Accepts ``{"scores": {c: {"score", "rationale"}}}``, ``{c: n}``, a list of ``{"criterion",
    "score", "rationale"}`` and, without JSON, lines like ``accuracy: 4``. Scores off the scale are
    dropped rather than clipped.
    """
    data = extract_json(text)
    items: dict[str, Any] = {}
    if isinstance(data, dict):
        body = data.get("scores", data)
        if isinstance(body, list):
            body = {str(d.get("criterion") or d.get("name")): d for d in body if isinstance(d, dict)}
        if isinstance(body, dict):
            items = {str(k).lower(): v for k, v in body.items()}
    out = {}
    for name, (lo, hi) in criteria.items():
        v = items.get(name.lower())
        rationale = ""
        if isinstance(v, dict):
            rationale, v = str(v.get("rationale") or v.get("reason") or ""), v.get("score")
        if v is None and not items:
            m = re.search(rf"\b{re.escape(name)}\b\W{{0,5}}(\d+)", text or "", re.I)
            v = m.group(1) if m else None
        try:
            score = float(v)
        except (TypeError, ValueError):
            continue
        if score.is_integer() and lo <= score <= hi:
            out[name] = {"score": int(score), "rationale": rationale.strip()[:500]}
    return out


def parse_choice(text: str) -> str | None:
    """"A", "B" or "tie" from a pairwise judge's answer (JSON ``choice`` or a plain answer); else None."""
    data = extract_json(text)
    raw = data.get("choice", data.get("winner")) if isinstance(data, dict) else None
    if raw is None:  # letters are matched case-sensitively: "a tie" must not read as "A"
        m = re.search(r"(?i:\b(?:choice|winner|verdict|better|prefer\w*)\b)[^.\n]{0,40}?\b(A|B|[Tt]ie)\b",
                      text or "") or re.search(r"\bResponse ([AB])\b(?i:[^.\n]{0,20}\bbetter)", text or "") \
            or re.fullmatch(r"\W*(A|B|tie)\W*", text or "", re.I)
        raw = m.group(1) if m else None
    raw = str(raw).strip().strip('"').lower() if raw is not None else ""
    return {"a": "A", "b": "B", "tie": "tie", "response a": "A", "response b": "B"}.get(raw)


def _conversation(messages: list[dict]) -> str:
    return "\n\n".join(f"{(m.get('role') or '').upper()}: {m.get('content') or ''}" for m in messages)


def score_messages(conversation: list[dict], response: str, criteria) -> list[dict[str, str]]:
    """The chat messages asking a judge to score ``response`` on ``criteria`` (Criterion objects)."""
    scale = "; ".join(f"{c.name} ({c.scale[0]}-{c.scale[1]}): {c.description}" for c in criteria)
    system = ("You are a strict, fair annotation judge. Score the response on each criterion and give a "
              "one-sentence rationale. Reply with JSON only: "
              '{"scores": {"<criterion>": {"score": <integer>, "rationale": "<sentence>"}}}')
    user = (f"Conversation:\n{_conversation(conversation)}\n\nResponse to judge:\n<<<\n{response}\n>>>\n\n"
            f"Criteria: {scale}")
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def pair_messages(conversation: list[dict], a: str, b: str) -> list[dict[str, str]]:
    """The chat messages asking which of two responses is better (A is shown first)."""
    system = ("You compare two responses to the same conversation for a fine-tuning dataset. Judge quality "
              "only, not length or position. Reply with JSON only: "
              '{"choice": "A" | "B" | "tie", "rationale": "<sentence>"}')
    user = (f"Conversation:\n{_conversation(conversation)}\n\nResponse A:\n<<<\n{a}\n>>>\n\n"
            f"Response B:\n<<<\n{b}\n>>>")
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _rows(project, records, kinds) -> list[dict[str, Any]]:
    """Current (edited) rows of the given kinds, optionally only ``records``."""
    table = project.edited_table()
    mask = pc.is_in(table.column("kind"), pa.array(kinds, pa.string()))
    if records is not None:
        mask = pc.and_(mask, pc.is_in(table.column("id"), pa.array(list(records), pa.string())))
    return table.filter(mask).to_pylist()


def _ask(client: LLMClient, conversations: list, errors: str, params: dict[str, Any]) -> list[Any]:
    """Every answer (an exception in place of a failed one); ``errors`` is checked first."""
    if errors not in ("raise", "skip"):
        raise ValueError(f"errors must be 'raise' or 'skip', got {errors!r}")
    return client.chat_many(conversations, return_exceptions=True, **params)


def _store(project, agent: str, rows: list, results: list, errors: str) -> list[Event]:
    """Write what worked, then raise the first failure (``errors="raise"``) or log the failures."""
    events = write_suggestions(project, agent, rows)
    failed = [r for r in results if isinstance(r, Exception)]
    if failed and errors == "raise":
        raise failed[0]
    if failed:
        log.warning("%d of %d judge calls failed: %s", len(failed), len(results), failed[0])
    return events


def _last_assistant(turns) -> str:
    return next((m["content"] or "" for m in reversed(turns or []) if m["role"] == "assistant"), "")


def score_records(project, client: LLMClient | None = None, records: list[str] | None = None,
                  criteria: list[str] | None = None, agent: str | None = None, errors: str = "raise",
                  **params: Any) -> list[Event]:
    """Score SFT and KTO responses on the guidelines' criteria; store one suggestion per criterion.

    Each payload: ``value`` the integer score, ``rationale``, ``source`` "judge". Criteria the answer
    does not score validly are simply missing. ``errors`` "raise" stores the scores that worked, then
    raises the first failed call; "skip" only logs failures. Returns the events written.
    """
    client = client or LLMClient(project=project)
    agent = agent or f"model:{client.model}"
    g = project.guidelines
    crits = [g.criterion(c) for c in criteria] if criteria else (list(g.criteria) or [g.OVERALL])
    todo = []
    for r in _rows(project, records, ["sft", "kto"]):
        msgs = list(r["messages"] or [])
        if r["kind"] == "sft":
            last = max((i for i, m in enumerate(msgs) if m["role"] == "assistant"), default=None)
            response, msgs = (msgs[last]["content"] or "", msgs[:last]) if last is not None else ("", msgs)
        else:
            response = _last_assistant(r["completion"])
        if response:
            todo.append((r["id"], score_messages(msgs, response, crits)))
    results = _ask(client, [m for _, m in todo], errors, params)
    scales = {c.name: tuple(c.scale) for c in crits}
    rows = []
    for (rid, _), res in zip(todo, results):
        for name, s in ([] if isinstance(res, Exception) else parse_scores(res.text, scales).items()):
            rows.append((rid, name, suggestion_payload(s["score"], None, agent, rationale=s["rationale"],
                                                       source="judge", version=res.model,
                                                       scale=list(scales[name]))))
    return _store(project, agent, rows, results, errors)


def combine_verdicts(first: str | None, second: str | None) -> tuple[str | None, float, bool, bool]:
    """(winner, confidence, consistent, position_bias) from the winners of the A/B and B/A calls.

    Winners are candidate names ("chosen", "rejected") or "tie"; None means the answer was unreadable.
    """
    if first is None and second is None:
        return None, 0.0, False, False
    if first is None or second is None:
        return first or second, 0.5, False, False
    if first == second:
        return first, 1.0, True, False
    if "tie" in (first, second):
        return first if second == "tie" else second, 0.5, False, False
    return "tie", 0.0, False, True  # each call preferred the response in the same position


def judge_preferences(project, client: LLMClient | None = None, records: list[str] | None = None,
                      agent: str | None = None, errors: str = "raise",
                      **params: Any) -> tuple[list[Event], pd.DataFrame]:
    """Judge preference pairs twice with the positions swapped; store the verdicts as suggestions.

    Payload ``value``: ``{"choice": "A"|"B"|"tie", "order": ["chosen", "rejected"]}`` (A: the source's
    chosen response wins), ``score`` the confidence (1 consistent, 0.5 partly, 0 position-biased),
    plus ``winner``, ``verdicts``, ``consistent``, ``position_bias`` and ``rationale``. A pair whose
    calls failed is left out (``errors`` as in :func:`score_records`).

    Returns
    -------
    (list of Event, DataFrame)
        The events written and one row per pair (:data:`VERDICT_COLUMNS`).
    """
    client = client or LLMClient(project=project)
    agent = agent or f"model:{client.model}"
    pairs, convs = [], []
    for r in _rows(project, records, ["preference"]):
        texts = {k: _last_assistant(r[k]) for k in ("chosen", "rejected")}
        msgs = list(r["messages"] or [])
        pairs.append(r["id"])
        convs += [pair_messages(msgs, texts["chosen"], texts["rejected"]),
                  pair_messages(msgs, texts["rejected"], texts["chosen"])]
    results = _ask(client, convs, errors, params)
    rows, table = [], []
    for i, rid in enumerate(pairs):
        a, b = results[2 * i], results[2 * i + 1]
        if isinstance(a, Exception) or isinstance(b, Exception):
            continue
        w1 = {"A": "chosen", "B": "rejected", "tie": "tie"}.get(parse_choice(a.text))
        w2 = {"A": "rejected", "B": "chosen", "tie": "tie"}.get(parse_choice(b.text))
        winner, conf, consistent, bias = combine_verdicts(w1, w2)
        table.append([rid, winner, conf, consistent, bias, [w1, w2]])
        if winner is None:
            continue
        choice = {"chosen": "A", "rejected": "B"}.get(winner, "tie")
        why = [str(d.get("rationale") or "") if isinstance(d := extract_json(x.text), dict) else ""
               for x in (a, b)]
        rows.append((rid, "preference", suggestion_payload(
            {"choice": choice, "order": ["chosen", "rejected"]}, conf, agent, winner=winner,
            verdicts=[w1, w2], consistent=consistent, position_bias=bias,
            rationale=" / ".join(w for w in why if w)[:500], source="judge", version=a.model)))
    verdicts = pd.DataFrame(table, columns=VERDICT_COLUMNS)
    return _store(project, agent, rows, results, errors), verdicts
