"""The report's content as Markdown sections: a summary and what to fix first, then one section per signal
with a few example records. Every piece of data text is escaped before it is placed in Markdown."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.model.dataset import Dataset
from workbench.model.markdown import md_inline
from workbench.model.text import prompt_text, record_text, response_text
from workbench.model.toolcalls import parse_tool_calls
from workbench.quality.engine import SignalReport
from workbench.quality.textops import snippet


def esc(text: Any, limit: int = 140) -> str:
    """``text`` cut to ``limit`` characters as one escaped Markdown line (inline markup and raw HTML
    neutralised by :func:`workbench.model.markdown.md_inline`)."""
    return md_inline(snippet("" if text is None else str(text), limit))


def pct(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    share = 100 * part / whole
    return "<0.1%" if 0 < share < 0.1 else f"{share:.1f}%"


@dataclass
class Section:
    key: str
    title: str
    body: str


class Examples:
    """A few flagged records per column, with escaped snippets of their prompt or response."""

    def __init__(self, dataset: Dataset, frame: pd.DataFrame, limit: int = 3) -> None:
        self.table, self.frame, self.limit = dataset.table, frame, limit

    def lines(self, column: str, text: str = "response", extra: str | None = None) -> list[str]:
        if column not in self.frame.columns or not len(self.frame):
            return []
        pos = np.flatnonzero(self.frame[column].fillna(False).to_numpy(dtype=bool))[: self.limit]
        if not len(pos):
            return []
        sub = self.table.take(pa.array(pos, pa.int64()))
        texts = (response_text(sub) if text == "response" else prompt_text(sub)).to_pylist()
        fallback = record_text(sub).to_pylist()  # e.g. a conversation without a response
        turns = sub.column("messages").to_pylist()
        out = []
        for p, t, whole, msgs in zip(pos.tolist(), texts, fallback, turns):
            t = t or whole
            note = f" ({esc(self.frame[extra].iloc[p], 60)})" if extra and extra in self.frame else ""
            calls = tool_calls_text(msgs)
            shown = f"{esc(t)} · tool calls: {esc(calls, 120)}" if calls and t else esc(t or calls)
            out.append(f"- `{esc(self.frame['id'].iloc[p], 60)}`{note}: {shown}")
        return out


def tool_calls_text(messages: list[dict] | None) -> str:
    """The conversation's tool calls as ``name({args})`` (a function-call turn has no text of its own, so
    an example would otherwise show nothing of it); "" when there are none."""
    out = []
    for m in messages or []:
        raw = m.get("tool_calls")
        calls = parse_tool_calls(raw)
        if calls is None:
            out.append(str(raw))
            continue
        for c in calls:
            if not c.is_object:
                out.append(str(c.arguments))
                continue
            args = c.arguments if isinstance(c.arguments, str) else json.dumps(c.arguments, ensure_ascii=False)
            out.append(f"{c.name or '?'}({args})")
    return "; ".join(out)


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return esc(value, 80)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"{int(value):,}"
    return str(value)


def what_to_fix(q: dict[str, Any], s: dict[str, dict]) -> list[tuple[int, str]]:
    """(records, advice) pairs, most records first."""
    n = max(q["rows"]["valid"], 1)
    items: list[tuple[int, str]] = []

    def add(count: int, text: str) -> None:
        if count:
            noun = "record" if count == 1 else "records"
            items.append((int(count), f"**{count:,} {noun}** ({pct(count, n)}) {text}"))

    d, pd_ = q["duplicates"], q["prompt_duplicates"]
    add(d["exact_extra_rows"], "are exact copies of an earlier record (after normalising case, spacing and "
                               "punctuation): drop them.")
    add(d["near_extra_rows"] - d["exact_extra_rows"], f"are near duplicates (Jaccard >= "
        f"{s.get('near_duplicates', {}).get('threshold', 0.8)}) of another record: keep one per cluster.")
    add(pd_["near_extra_rows"], "repeat a prompt already in the data: check the prompt mix.")
    rules = {"forbidden_phrase": "contain a forbidden phrase (e.g. \"As an AI language model\").",
             "apology": "apologise where the user reported no problem.",
             "unwarranted_refusal": "refuse where the prompt is not harmful.",
             "length_window": "have a response outside the length window.",
             "repeats_question": "repeat the user's question in the answer.",
             "placeholder": "contain an unfilled template placeholder."}
    for rule, count in q["rules"].items():
        add(count, rules.get(rule, f"break rule {rule}."))
    pii = {k: v for k, v in q["pii"].items() if v and k != "name"}  # names alone do not flag (PII section)
    add(s.get("pii", {}).get("records_with_pii", 0),
        "contain personal data or secrets (" + ", ".join(f"{k}: {v:,}" for k, v in pii.items()) +
        "): redact before export.")
    harm = s.get("safety", {}).get("response", {})
    for cat in s.get("safety", {}).get("issue_categories", []):
        add(harm.get(cat, 0), f"have a response with {cat.replace('_', '-')} content.")
    lang = s.get("language", {})
    add(lang.get("mixed_language", 0), "answer in a different language than the question.")
    add(lang.get("mixed_script", 0), "mix writing systems within a turn.")
    for check, count in q["multiturn"].items():
        add(count, f"have a conversation-structure problem: {check.replace('_', ' ')}.")
    add(s.get("text_stats", {}).get("outliers", 0), "are length outliers for their category.")
    pref = q["preference"]
    add(pref["identical_pairs"] + pref["near_identical_pairs"], "are preference pairs whose chosen and "
                                                                 "rejected responses are (nearly) identical.")
    share = pref.get("chosen_longer_share")
    if share is not None and pref["pairs"] >= 20 and not 0.3 <= share <= 0.7:
        items.append((pref["pairs"], f"**Length bias**: the chosen response is the longer one in {share:.0%} of "
                                     f"{pref['pairs']:,} pairs; a reward model will learn length."))
    for cat in s.get("coverage", {}).get("over_represented", []):
        c = s["coverage"]["categories"][cat]
        items.append((c["count"], f"**{esc(cat, 60)}** is {c['share']:.0%} of the data against a target of "
                                  f"{c['target']:.0%}."))
    add(q["rows"]["quarantined"], "were quarantined when loading (see quarantine.jsonl).")
    return sorted(items, key=lambda kv: -kv[0])


def build_sections(dataset: Dataset, report: SignalReport, q: dict[str, Any]) -> list[Section]:
    """Summary and what to fix first, then one section per signal (each with a few escaped examples)."""
    s = report.summaries
    ex = Examples(dataset, report.frame)
    fixes = what_to_fix(q, s)
    return [
        _summary(dataset, q),
        Section("fix", "What to fix", "\n".join(f"{i}. {t}" for i, (_, t) in enumerate(fixes, 1))
                or "Nothing stands out: no signal flagged any record."),
        _duplicates(q, ex),
        _lengths(q, s, ex),
        _language(q, s, ex),
        _counted("pii", "Personal data and secrets", q["pii"], ex, "is_pii_issue", "pii_types",
                 "Counts are records; spans can be replaced by typed placeholders with "
                 "`workbench.quality.redact`. " + _names_only(s)),
        _counted("safety", "Safety", q["safety"], ex, "is_safety_issue", "safety_categories",
                 "Counts are records with a hit in the prompt or the response; health and legal are sensitive "
                 "topics, the others harms (issues when in the response)."),
        _counted("rules", "Guideline rules", q["rules"], ex, "is_rules_issue", "rules_failed",
                 "Rules come from the guidelines file (forbidden phrases, apologies, refusals, length window)."),
        _counted("multiturn", "Conversation structure", q["multiturn"], ex, "is_multiturn_issue", None, ""),
        _preference(q, ex),
        _coverage(q, s),
        _quarantine(q),
    ]


def _summary(dataset: Dataset, q: dict[str, Any]) -> Section:
    n = q["rows"]["valid"]
    return Section("summary", "Summary", _join([
        f"Source: {esc(dataset.source or '(in memory)')} - format {esc(dataset.format)}, kind "
        f"{esc(dataset.kind)}, fingerprint `{esc((q['source']['fingerprint'] or '')[:16])}`.",
        table(["rows read", "valid", "quarantined"], [[q["rows"]["read"], n, q["rows"]["quarantined"]]]),
        table(["signal", "records flagged", "share"], [[k, v, pct(v, n)] for k, v in q["issues"].items()]),
    ]))


def _duplicates(q: dict[str, Any], ex: Examples) -> Section:
    rows = [[lvl, q[key]["exact_groups"], q[key]["exact_extra_rows"], q[key]["near_clusters"],
             q[key]["near_extra_rows"]] for lvl, key in (("records", "duplicates"), ("prompts", "prompt_duplicates"))]
    near = ex.lines("is_near_duplicates_issue", "response", "near_dup_cluster")
    return Section("duplicates", "Duplicates", _join([
        table(["level", "exact groups", "exact extra rows", "near clusters", "near extra rows"], rows),
        "Examples (near duplicates; in brackets their cluster's representative):\n" + "\n".join(near)
        if near else "",
    ]))


def _lengths(q: dict[str, Any], s: dict[str, dict], ex: Examples) -> Section:
    lengths = q["lengths"]
    rows = [[r, v["mean"], v["median"], v["p5"], v["p95"], v["max"]] for r, v in lengths.items()
            if isinstance(v, dict)]
    return Section("lengths", "Lengths", _join([
        table(["role", "mean", "median", "p5", "p95", "max"], rows) + "\n\n(words)",
        f"Length outliers (robust z > {s.get('text_stats', {}).get('outlier_z', 3.5)} within their category): "
        f"{lengths['outliers']:,}; empty turns: {lengths['empty_turns']:,}.",
        "\n".join(ex.lines("is_length_outlier", "response", "response_words")),
    ]))


def _language(q: dict[str, Any], s: dict[str, dict], ex: Examples) -> Section:
    lang = s.get("language", {})
    return Section("language", "Language", _join([
        table(["language", "records"], [[k, v] for k, v in q["languages"].items()]),
        f"Question and answer in different languages: {lang.get('mixed_language', 0):,}; mixed scripts in a "
        f"turn: {lang.get('mixed_script', 0):,}.",
        "\n".join(ex.lines("is_mixed_language", "response", "prompt_language")),
    ]))


def _preference(q: dict[str, Any], ex: Examples) -> Section:
    pref = q["preference"]
    if not pref["applies"]:
        return Section("preference", "Preference data", "No preference, ranking or KTO records.")
    share = "-" if pref["chosen_longer_share"] is None else f"{pref['chosen_longer_share']:.0%}"
    return Section("preference", "Preference data", _join([
        table(["pairs", "identical", "near identical", "chosen longer", "prompts in many pairs"],
              [[pref["pairs"], pref["identical_pairs"], pref["near_identical_pairs"], share,
                pref["prompts_in_many_pairs"]]]),
        "\n".join(ex.lines("is_preference_issue", "prompt")),
    ]))


def _names_only(s: dict[str, dict]) -> str:
    n = s.get("pii", {}).get("records_naming_people_only", 0)
    return (f"{n:,} of the records with a name hold no other personal data: they are counted, not flagged "
            "(public figures and story characters look the same as private people); redact names too if "
            "the data holds users' own text.") if n else ""


def _coverage(q: dict[str, Any], s: dict[str, dict]) -> Section:
    cats = s.get("coverage", {}).get("categories", {})
    if all(k == "(none)" and v["target"] is None for k, v in cats.items()):
        # no categories and no target mix: nothing to cover; Composition owns the inferred task types
        return Section("coverage", "Coverage", "The data has no categories and the guidelines no target mix; "
                                               "the inferred task types are under Composition.")
    return Section("coverage", "Coverage", table(
        ["category", "records", "share", "target", "status"],
        [[k, v["count"], f"{v['share']:.1%}", "-" if v["target"] is None else f"{v['target']:.0%}", v["status"]]
         for k, v in cats.items()]))


def _quarantine(q: dict[str, Any]) -> Section:
    reasons = q["source"]["quarantine_reasons"]
    if not reasons:
        return Section("quarantine", "Quarantine", "No row was quarantined.")
    return Section("quarantine", "Quarantine", table(["reason", "rows"], [[k, v] for k, v in reasons.items()])
                   + "\n\nRows are in `quarantine.jsonl`.")


def _counted(key: str, title: str, counts: dict[str, int], ex: Examples, flag: str, extra: str | None,
             note: str) -> Section:
    rows = [[k, v] for k, v in counts.items()]
    parts = [table(["type", "records"], rows) if rows else "Not computed.", note]
    parts.append("\n".join(ex.lines(flag, "response", extra)))
    return Section(key, title, _join(parts))


def _join(parts: list[str]) -> str:
    return "\n\n".join(p for p in parts if p)
