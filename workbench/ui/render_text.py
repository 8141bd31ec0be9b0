"""Text from the data as safe HTML: escaping, invisible characters made visible, light markdown, folding,
and tool calls.

Every piece of text is passed through :func:`esc` *before* any markup is added, so a record holding
``<script>`` or ``<img onerror=...>`` is shown as text and never runs. The markdown (paragraphs, fenced
code, inline code, bold, bullets, pipe tables) is applied to the escaped text with patterns that can only
add fixed tags: no raw HTML, link or image from the data ever reaches the page.

Bidi overrides and isolates (U+202A-202E, U+2066-2069) and zero-width characters (U+200B-200F, U+2060,
U+FEFF) are replaced by a visible marker such as ``⟨RLO⟩``: "evil\u202etxt.exe" must not display as
"evilexe.txt". A zero-width joiner or non-joiner between two non-ASCII letters (Persian, Indic scripts,
emoji sequences) is part of the writing and kept.
"""
from __future__ import annotations

import html
import json
import re
from typing import Any

from workbench.model.toolcalls import loads_nested, parse_tool_calls

FOLD_CHARS = 1500
PREVIEW_CHARS = 240

CONTROL_NAMES = {
    "\u202a": ("LRE", "left-to-right embedding"), "\u202b": ("RLE", "right-to-left embedding"),
    "\u202c": ("PDF", "pop directional formatting"), "\u202d": ("LRO", "left-to-right override"),
    "\u202e": ("RLO", "right-to-left override"), "\u2066": ("LRI", "left-to-right isolate"),
    "\u2067": ("RLI", "right-to-left isolate"), "\u2068": ("FSI", "first strong isolate"),
    "\u2069": ("PDI", "pop directional isolate"), "\u200b": ("ZWSP", "zero-width space"),
    "\u200c": ("ZWNJ", "zero-width non-joiner"), "\u200d": ("ZWJ", "zero-width joiner"),
    "\u200e": ("LRM", "left-to-right mark"), "\u200f": ("RLM", "right-to-left mark"),
    "\u2060": ("WJ", "word joiner"), "\ufeff": ("BOM", "zero-width no-break space"),
}
_CONTROLS = re.compile("[" + "".join(CONTROL_NAMES) + "]")
_JOINER_IN_WORD = re.compile(r"(?<=[^\x00-\x7f\s])[\u200c\u200d](?=[^\x00-\x7f\s])")
_MARKER = re.compile("⟨(" + "|".join(v[0] for v in CONTROL_NAMES.values()) + ")⟩")
_MARKER_TITLE = {v[0]: f"U+{ord(k):04X} {v[1]} (hidden in the data, shown here)"
                 for k, v in CONTROL_NAMES.items()}


def visible_controls(text: str) -> str:
    """``text`` with bidi controls and zero-width characters replaced by visible markers (``⟨RLO⟩``)."""
    if not _CONTROLS.search(text):
        return text
    keep = {m.start() for m in _JOINER_IN_WORD.finditer(text)}
    return "".join(f"⟨{CONTROL_NAMES[ch][0]}⟩" if ch in CONTROL_NAMES and i not in keep else ch
                   for i, ch in enumerate(text))


def esc(text: Any) -> str:
    """``text`` as HTML-safe text (None as ""), hidden direction and zero-width characters made visible.

    Safe in element content and in quoted attributes alike.
    """
    return "" if text is None else html.escape(visible_controls(str(text)), quote=True)


def _markers(escaped_html: str) -> str:
    """Markers in rendered text as highlighted spans with an explanation on hover."""
    return _MARKER.sub(lambda m: f'<span class="wb-ctl" title="{_MARKER_TITLE[m.group(1)]}">'
                                 f"{m.group(0)}</span>", escaped_html)


_FENCE = re.compile(r"```([\w+#.-]*)[ \t]*\n(.*?)(?:\n```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_BULLET = re.compile(r"^[ \t]*[-*][ \t]+")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")


def _inline(escaped: str) -> str:
    # code spans first so that ** inside code stays literal
    parts = _INLINE_CODE.split(escaped)
    return "".join(f"<code>{p}</code>" if i % 2 else _BOLD.sub(r"<strong>\1</strong>", p)
                   for i, p in enumerate(parts))


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") else line
    return [c.strip() for c in line.split("|")]


def _table(lines: list[str]) -> str | None:
    """A GitHub pipe table (header, rule, rows) as an HTML table, or None when ``lines`` are not one."""
    if len(lines) < 2 or "|" not in lines[0] or not _TABLE_RULE.match(lines[1]):
        return None
    head = _cells(lines[0])
    rows = [_cells(line) for line in lines[2:]]
    th = "".join(f'<th dir="auto">{_inline(c)}</th>' for c in head)
    body = "".join("<tr>" + "".join(f'<td dir="auto">{_inline(c)}</td>' for c in r) + "</tr>" for r in rows)
    return f'<table class="wb-table wb-md-table"><tr>{th}</tr>{body}</table>'


def _paragraphs(escaped: str) -> str:
    out = []
    for block in re.split(r"\n[ \t]*\n", escaped):
        if not block.strip():
            continue
        lines = block.strip("\n").split("\n")
        table = _table(lines)
        if table is not None:
            out.append(table)
        elif all(_BULLET.match(line) for line in lines):
            items = "".join(f'<li dir="auto">{_inline(_BULLET.sub("", line))}</li>' for line in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append('<p dir="auto">' + "<br>".join(_inline(line) for line in lines) + "</p>")
    return "".join(out)


def markdown(text: str | None) -> str:
    """Escape ``text``; render paragraphs, fenced code, inline code, bold, bullets and pipe tables."""
    escaped = esc(text)
    out, pos = [], 0
    for m in _FENCE.finditer(escaped):
        out.append(_paragraphs(escaped[pos:m.start()]))
        lang = f' class="language-{m.group(1)}"' if m.group(1) else ""
        out.append(f'<pre class="wb-code"><code{lang}>{m.group(2)}</code></pre>')
        pos = m.end()
    out.append(_paragraphs(escaped[pos:]))
    return _markers("".join(out))


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The first ``limit`` characters, escaped, line breaks kept (the folded view of a long text)."""
    return _markers(esc(text[:limit]))


def folded(text: str, body_html: str) -> str:
    """``body_html`` inside ``<details>``: the summary's preview is hidden once the details are open."""
    return (f'<details class="wb-fold"><summary><span class="wb-preview" dir="auto">{preview(text)}&hellip;'
            f'</span> <em class="wb-fold-note">({len(text):,} characters, click to expand)'
            f"</em></summary>{body_html}</details>")


def fold(text: str | None, limit: int = FOLD_CHARS, force: bool | None = None) -> str:
    """Rendered text; folded into ``<details>`` with a preview when longer than ``limit`` characters
    (``force`` True/False overrides the length rule, e.g. so both sides of a pair fold alike)."""
    text = text or ""
    fold_it = len(text) > limit if force is None else force
    return folded(text, markdown(text)) if fold_it and text else markdown(text)


# tool use --------------------------------------------------------------------------------------------



def pretty_json(value: Any) -> str:
    """``value`` (JSON text or an object) pretty-printed, or the text itself when it is not JSON."""
    parsed = loads_nested(value) if isinstance(value, str) else value
    if parsed is None:
        return "" if value is None else str(value)
    return json.dumps(parsed, indent=2, ensure_ascii=False, sort_keys=False)


def tool_calls(raw: str | None) -> list[tuple[str, str]]:
    """(function name, pretty arguments) of a turn's tool calls (read by :mod:`workbench.model.toolcalls`)."""
    calls = parse_tool_calls(raw)
    if calls is None:
        return [("(unreadable call)", str(raw))]
    return [(c.name or ("(unnamed)" if c.is_object else "(call)"),
             "" if c.arguments is None else pretty_json(c.arguments)) for c in calls]


def tool_calls_html(raw: str | None) -> str:
    """Each call as the function's name and its arguments as a pretty JSON block."""
    return "".join(f'<div class="wb-toolcall"><span class="wb-role">calls</span> <code class="wb-fn">'
                   f'{esc(name)}</code><pre class="wb-code wb-args" dir="ltr">{_markers(esc(args))}</pre></div>'
                   for name, args in tool_calls(raw))


def tool_result_html(content: str | None) -> str:
    """A tool's result: pretty JSON in a block when it is JSON, else the text."""
    if loads_nested(content) is None:
        return fold(content)
    text = pretty_json(content)
    block = f'<pre class="wb-code wb-result" dir="ltr">{_markers(esc(text))}</pre>'
    return folded(text, block) if len(text) > FOLD_CHARS else block


def tools_schema_html(tools: Any) -> str:
    """The record's ``tools`` schema as a folded block naming the functions it offers ("" when none)."""
    parsed = loads_nested(tools) if isinstance(tools, str) else tools
    if not parsed:
        return ""
    items = parsed if isinstance(parsed, list) else [parsed]
    names = [str((t.get("function") if isinstance(t.get("function"), dict) else t).get("name") or "?")
             for t in items if isinstance(t, dict)]
    return (f'<details class="wb-tools"><summary>tools offered: {esc(", ".join(names) or "(schema)")}'
            f'</summary><pre class="wb-code" dir="ltr">{_markers(esc(pretty_json(parsed)))}</pre></details>')
