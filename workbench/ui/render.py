"""Pure functions from records to HTML strings (no widgets, no I/O).

Text from the data becomes HTML only through :mod:`workbench.ui.render_text` (escaped first, hidden
direction and zero-width characters shown, light markdown with tables, tool calls); this module lays
records out: turns, compared responses, header, diffs, annotation tables and messages.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from rapidfuzz.distance import Levenshtein

from workbench.model.records import Message, Record
from workbench.ui.render_text import (  # noqa: F401
    FOLD_CHARS,
    PREVIEW_CHARS,
    esc,
    fold,
    markdown,
    tool_calls_html,
    tool_result_html,
    tools_schema_html,
)

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FONTS = ('system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,'
         '"Noto Sans CJK SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans Arabic",'
         '"Noto Sans Hebrew",sans-serif,"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji"')

STYLE = """<style>
.wb-rec{font-family:FONTS;font-size:13px;line-height:1.45}
.wb-head{color:#555;font-size:12px;margin-bottom:4px}
.wb-turn{border-left:3px solid #ccc;margin:4px 0;padding:2px 8px}
.wb-role-user{border-color:#4a90d9}.wb-role-assistant{border-color:#5cb85c}
.wb-role-system{border-color:#999;background:#f7f7f7}.wb-role-tool{border-color:#d9a74a;background:#fffaf0}
.wb-role{font-weight:bold;font-size:11px;text-transform:uppercase;color:#666}
.wb-badge{display:inline-block;border-radius:8px;padding:0 6px;margin:1px;font-size:11px;
 background:#fde2e1;color:#8a1f11;border:1px solid #f3b3ad}
.wb-cols{display:flex;gap:8px;box-sizing:border-box;max-width:100%;padding-right:2px}
.wb-col{flex:1 1 0;min-width:0;border:1px solid #ddd;padding:4px;box-sizing:border-box}
.wb-diff del{background:#fdd;text-decoration:line-through}.wb-diff ins{background:#dfd;text-decoration:none}
.wb-table{border-collapse:collapse}.wb-table td,.wb-table th{border:1px solid #ddd;padding:2px 6px;
 vertical-align:top;text-align:start}
pre.wb-code{background:#f5f5f5;padding:6px;overflow-x:auto;white-space:pre-wrap}
.wb-preview{white-space:pre-wrap}details[open]>summary .wb-preview{display:none}
.wb-fold-note{color:#777;font-size:11px}.wb-fn{font-weight:bold}
.wb-ctl{background:#fff0b3;color:#7a5b00;border:1px solid #e0c060;border-radius:3px;font-size:10px}
.wb-tools summary{color:#555;font-size:12px;cursor:pointer}
</style>""".replace("FONTS", FONTS)


def turn(role: str | None, content: str | None, label: str | None = None, calls: str | None = None,
         force_fold: bool | None = None) -> str:
    """One chat turn with its role (``label`` overrides the role shown, e.g. "assistant · turn 3").

    A turn with tool ``calls`` shows each function's name and arguments; a ``tool`` turn shows its
    result as a block (pretty JSON when it is JSON).
    """
    role_cls = re.sub(r"[^a-z]", "", (role or "").lower()) or "other"
    if role_cls == "tool":
        body = tool_result_html(content)
    else:
        body = fold(content, force=force_fold) if (content or not calls) else ""
    if calls:
        body += tool_calls_html(calls)
    return (f'<div class="wb-turn wb-role-{role_cls}" dir="auto"><div class="wb-role">{esc(label or role)}'
            f"</div>{body}</div>")


def _turn_label(m: Message, text: str) -> str:
    if m.role == "tool":
        return f"tool result{' · ' + m.name if m.name else ''} · {text}"
    if m.tool_calls and not (m.content or "").strip():
        return f"{m.role} · tool call · {text}"
    return f"{m.role} · {text}"


def turns(messages: Iterable[Message] | None, start_label: str = "") -> str:
    """Chat turns in order, numbered from 1 as people count (the editor and messages say "turn 2" too)."""
    return "".join(turn(m.role, m.content, _turn_label(m, f"{start_label}{i + 1}"), m.tool_calls)
                   for i, m in enumerate(messages or []))


def badges(items: Sequence[tuple[str, str]]) -> str:
    """Signal badges: ``(name, reason)`` pairs; the reason is shown beside the name and as a tooltip."""
    if not items:
        return ""
    spans = "".join(f'<span class="wb-badge" title="{esc(reason)}">{esc(name)}'
                    f'{": " + esc(reason) if reason else ""}</span>' for name, reason in items)
    return f'<div class="wb-badges">{spans}</div>'


def _last_text(messages: Sequence[Message] | None) -> str:
    for m in reversed(messages or []):
        if m.role == "assistant":
            return m.content or ""
    return (messages[-1].content or "") if messages else ""


def candidate_texts(record: Record) -> dict[str | int, str]:
    """Name -> text of the candidates a preference or ranking record compares."""
    if record.kind == "ranking":
        return {i: c for i, c in enumerate(record.candidates or [])}
    return {"chosen": _last_text(record.chosen), "rejected": _last_text(record.rejected)}


def side_by_side(record: Record, order: Sequence[str | int]) -> str:
    """Candidates in display ``order`` as columns labelled A, B, C... (never chosen/rejected).

    One folding rule for all columns: when any candidate is long, every one folds, so neither side
    looks different (or more important) only because of its length.
    """
    texts = candidate_texts(record)
    fold_all = any(len(texts.get(name) or "") > FOLD_CHARS for name in order)
    cols = "".join(f'<div class="wb-col" dir="auto"><div class="wb-role">Response {LETTERS[i]}</div>'
                   f"{fold(texts.get(name), force=fold_all)}</div>" for i, name in enumerate(order))
    return f'<div class="wb-cols">{cols}</div>'


def header(record: Record, position: int | None = None, total: int | None = None) -> str:
    """The record's id, kind, category and source location."""
    parts = [f"<b>{esc(record.id)}</b>", esc(record.kind)]
    if record.category:
        parts.append(f"category: {esc(record.category)}")
    if record.source_file:
        line = "" if record.source_line is None else f":{record.source_line}"
        loc = f"{record.source_file}{line}"
        parts.append(esc(loc))
    if position is not None and total is not None:
        parts.insert(0, f"{position + 1:,} / {total:,}")
    return f'<div class="wb-head">{" · ".join(parts)}</div>'


def record_html(record: Record, order: Sequence[str | int] | None = None,
                signal_badges: Sequence[tuple[str, str]] = (), position: int | None = None,
                total: int | None = None) -> str:
    """A whole record: header, badges, conversation, and the compared or judged responses."""
    tools = (record.metadata or {}).get("tools") if isinstance(record.metadata, dict) else None
    body = [header(record, position, total), badges(signal_badges), tools_schema_html(tools),
            turns(record.messages)]
    if record.kind in ("preference", "ranking"):
        body.append(side_by_side(record, order or list(candidate_texts(record))))
    elif record.kind == "kto":
        body.append(turns(record.completion, "completion "))
        verdict = {True: "desirable", False: "undesirable"}.get(record.label, "unlabelled")
        body.append(f'<div class="wb-head">KTO label: {verdict}</div>')
    return f'<div class="wb-rec">{"".join(body)}</div>'


def page_html(parts: Sequence[str]) -> str:
    """Records of one page (each already rendered), with the stylesheet once."""
    return STYLE + '<hr style="margin:6px 0">'.join(parts)


def edit_ratio(original: str, edited: str) -> float:
    """Normalised character edit distance (0 unchanged, 1 completely rewritten)."""
    return float(Levenshtein.normalized_distance(original or "", edited or ""))


def diff_html(original: str | None, edited: str | None, title: str = "") -> str:
    """Word-level diff of ``edited`` against ``original`` (escaped), with the edit-distance ratio."""
    a, b = original or "", edited or ""
    ta, tb = re.findall(r"\s+|[^\s]+", a), re.findall(r"\s+|[^\s]+", b)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(esc("".join(ta[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{esc(''.join(ta[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{esc(''.join(tb[j1:j2]))}</ins>")
    ratio = edit_ratio(a, b)
    head = f"<b>{esc(title)}</b> · " if title else ""
    return (f'<div class="wb-diff"><div class="wb-head">{head}edit distance {ratio:.2f} '
            f'({"unchanged" if a == b else f"{len(a):,} → {len(b):,} characters"})</div>'
            f'<div style="white-space:pre-wrap">{"".join(out)}</div></div>')


def value_text(value: Any, reveal: bool = True) -> str:
    """A stored annotation value as short readable text.

    A preference shows the letter picked and, with ``reveal``, which side the dataset called it
    ("A (chosen)"); a reviewer's own messages pass ``reveal=False`` so a pick never unblinds the pair.
    """
    if isinstance(value, dict):
        if "ranking" in value:
            return " > ".join(str(v) for v in value["ranking"])
        if "choice" in value:
            order = value.get("order") or []
            pick = value["choice"]
            if reveal and pick in ("A", "B") and len(order) == 2:
                return f"{pick} ({order[0 if pick == 'A' else 1]})"
            return str(pick)
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def annotations_table(rows: Sequence[tuple[str, dict[str, Any]]], reviewers: Sequence[str],
                      roles: dict[str, str] | None = None) -> str:
    """Every reviewer's values side by side: one row per field, one column per reviewer."""
    if not rows:
        return '<div class="wb-head">No annotations on this record yet.</div>'
    roles = roles or {}
    head = "".join(f"<th>{esc(r)}{f' ({esc(roles[r])})' if roles.get(r) else ''}</th>" for r in reviewers)
    body = []
    for field_name, by_reviewer in rows:
        cells = "".join(f"<td>{fold(value_text(by_reviewer.get(r)), 400)}</td>" for r in reviewers)
        body.append(f"<tr><th>{esc(field_name)}</th>{cells}</tr>")
    return f'<table class="wb-table"><tr><th>field</th>{head}</tr>{"".join(body)}</table>'


def message_html(text: str, level: str = "info") -> str:
    """The message line: errors and conflicts in red, information in grey."""
    if not text:
        return ""
    color = {"error": "#b00020", "conflict": "#b00020", "warning": "#a15c00"}.get(level, "#555")
    return f'<div style="color:{color}">{esc(text)}</div>'


SUGGESTED = ("display:inline-block;border-radius:8px;padding:0 6px;margin:1px;font-size:11px;"
             "background:#efe7fb;color:#4b2a85;border:1px dashed #8a63d2")


def suggestion_badge(payload: Any) -> str:
    """A "suggested" badge with the confidence and the model (machine output is never styled as human)."""
    p = payload if isinstance(payload, dict) else {"value": payload}
    score = p.get("score")
    conf = f" · {float(score):.0%}" if isinstance(score, (int, float)) and not isinstance(score, bool) else ""
    model = esc(p.get("model") or "model")
    return f'<span class="wb-suggested" style="{SUGGESTED}">suggested{conf} · {model}</span>'


def suggestions_html(suggestions: dict[str, Any], prefilled: Sequence[str] = ()) -> str:
    """The focused record's machine suggestions, each with its badge, value and rationale."""
    items = []
    for target, p in suggestions.items():
        p = p if isinstance(p, dict) else {"value": p}
        why = f'<div style="color:#666;font-size:11px">{esc(p["rationale"])}</div>' \
            if p.get("rationale") else ""
        pre = " <i>(pre-filled, not saved)</i>" if target in prefilled else ""
        items.append(f"<li>{suggestion_badge(p)} <b>{esc(target)}</b>: "
                     f"{esc(value_text(p.get('value'))[:200])}{pre}{why}</li>")
    return (f'<div style="border:1px dashed #8a63d2;padding:2px 6px">Suggestions (machine output, press '
            f'<b>s</b> to accept the selected one):<ul>{"".join(items)}</ul></div>') if items else ""
