"""Pure functions from records to HTML strings (no widgets, no I/O).

Every piece of text that comes from the data is passed through :func:`html.escape` *before* any
markup is added, so a record holding ``<script>`` or ``<img onerror=...>`` is shown as text and never
runs. The markdown-ish formatting (paragraphs, fenced code blocks, inline code, bold, bullet lists)
is applied to the escaped text with patterns that can only add fixed tags.
"""
from __future__ import annotations

import difflib
import html
import re
from typing import Any, Iterable, Sequence

from rapidfuzz.distance import Levenshtein

from workbench.model.records import Message, Record

FOLD_CHARS = 1500
PREVIEW_CHARS = 240
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

STYLE = """<style>
.wb-rec{font-family:var(--jp-content-font-family,sans-serif);font-size:13px;line-height:1.45}
.wb-head{color:#555;font-size:12px;margin-bottom:4px}
.wb-turn{border-left:3px solid #ccc;margin:4px 0;padding:2px 8px}
.wb-role-user{border-color:#4a90d9}.wb-role-assistant{border-color:#5cb85c}
.wb-role-system{border-color:#999;background:#f7f7f7}.wb-role-tool{border-color:#d9a74a}
.wb-role{font-weight:bold;font-size:11px;text-transform:uppercase;color:#666}
.wb-badge{display:inline-block;border-radius:8px;padding:0 6px;margin:1px;font-size:11px;
 background:#fde2e1;color:#8a1f11;border:1px solid #f3b3ad}
.wb-cols{display:flex;gap:8px}.wb-col{flex:1;min-width:0;border:1px solid #ddd;padding:4px}
.wb-diff del{background:#fdd;text-decoration:line-through}.wb-diff ins{background:#dfd;text-decoration:none}
.wb-table{border-collapse:collapse}.wb-table td,.wb-table th{border:1px solid #ddd;padding:2px 6px;
 vertical-align:top;text-align:left}
pre.wb-code{background:#f5f5f5;padding:6px;overflow-x:auto}
</style>"""

_FENCE = re.compile(r"```([\w+#.-]*)[ \t]*\n(.*?)(?:\n```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_BULLET = re.compile(r"^[ \t]*[-*][ \t]+")


def esc(text: Any) -> str:
    """``text`` as HTML-safe text (None as an empty string)."""
    return "" if text is None else html.escape(str(text), quote=True)


def _inline(escaped: str) -> str:
    # code spans first so that ** inside code stays literal
    parts = _INLINE_CODE.split(escaped)
    out = []
    for i, part in enumerate(parts):
        out.append(f"<code>{part}</code>" if i % 2 else _BOLD.sub(r"<strong>\1</strong>", part))
    return "".join(out)


def _paragraphs(escaped: str) -> str:
    html_parts = []
    for block in re.split(r"\n[ \t]*\n", escaped):
        if not block.strip():
            continue
        lines = block.split("\n")
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_BULLET.sub('', line))}</li>" for line in lines)
            html_parts.append(f"<ul>{items}</ul>")
        else:
            html_parts.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return "".join(html_parts)


def markdown(text: str | None) -> str:
    """Escape ``text`` and render paragraphs, fenced code blocks, inline code, bold and bullets."""
    escaped = esc(text)
    out, pos = [], 0
    for m in _FENCE.finditer(escaped):
        out.append(_paragraphs(escaped[pos:m.start()]))
        lang = f' class="language-{m.group(1)}"' if m.group(1) else ""
        out.append(f'<pre class="wb-code"><code{lang}>{m.group(2)}</code></pre>')
        pos = m.end()
    out.append(_paragraphs(escaped[pos:]))
    return "".join(out)


def fold(text: str | None, limit: int = FOLD_CHARS) -> str:
    """Rendered text; longer than ``limit`` characters it folds into ``<details>`` with a preview."""
    text = text or ""
    if len(text) <= limit:
        return markdown(text)
    preview = esc(text[:PREVIEW_CHARS].replace("\n", " "))
    return (f"<details><summary>{preview}&hellip; <em>({len(text):,} characters, click to expand)</em>"
            f"</summary>{markdown(text)}</details>")


def turn(role: str | None, content: str | None, label: str | None = None) -> str:
    """One chat turn with its role (``label`` overrides the role shown, e.g. "assistant · turn 3")."""
    role_cls = re.sub(r"[^a-z]", "", (role or "").lower()) or "other"
    return (f'<div class="wb-turn wb-role-{role_cls}"><div class="wb-role">{esc(label or role)}</div>'
            f"{fold(content)}</div>")


def turns(messages: Iterable[Message] | None, start_label: str = "") -> str:
    """Chat turns in order, numbered (the numbers match the editor's turn indices)."""
    return "".join(turn(m.role, m.content, f"{m.role} · {start_label}{i}")
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
    """Candidates in display ``order`` as columns labelled A, B, C... (never chosen/rejected)."""
    texts = candidate_texts(record)
    cols = "".join(f'<div class="wb-col"><div class="wb-role">Response {LETTERS[i]}</div>'
                   f"{fold(texts.get(name))}</div>" for i, name in enumerate(order))
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
    body = [header(record, position, total), badges(signal_badges), turns(record.messages)]
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


def value_text(value: Any) -> str:
    """A stored annotation value as short readable text."""
    if isinstance(value, dict):
        if "ranking" in value:
            return " > ".join(str(v) for v in value["ranking"])
        if "choice" in value:
            order = value.get("order") or []
            pick = value["choice"]
            if pick in ("A", "B") and len(order) == 2:
                return f"{pick} ({order[0 if pick == 'A' else 1]})"
            return str(pick)
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def annotations_table(rows: Sequence[tuple[str, dict[str, Any]]], reviewers: Sequence[str],
                      roles: dict[str, str] | None = None) -> str:
    """Every annotator's values side by side: one row per field, one column per reviewer."""
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
