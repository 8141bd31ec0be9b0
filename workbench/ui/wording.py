"""How the review screen names things to people: fields ("response", "turn 2"), counts ("1 reviewer"),
and saved actions. One place, so every message says it the same way."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from workbench.ui.render import LETTERS, value_text

_TARGET = re.compile(r"^(messages|chosen|rejected|completion|candidates)\[(\d+)\](?:\.(\w+))?$")


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``"1 reviewer"``, ``"2 reviewers"``, ``"1,000 records"``."""
    return f"{n:,} {noun if n == 1 else (many or noun + 's')}"


def field_label(target: Any, order: list | None = None, n_messages: int | None = None) -> str:
    """A stored target as a person says it: ``messages[1].content`` -> "turn 2" (or "response" when it is
    the last turn of ``n_messages``), ``chosen[0].content`` -> "Response A" by the display ``order``
    (never "chosen"), ``candidates[2]`` -> "Response C"; other targets ("overall", "tags") as they are."""
    text = "" if target is None else str(target)
    m = _TARGET.match(text)
    if not m:
        return text.replace("_", " ")
    field, index = m.group(1), int(m.group(2))
    if field == "messages":
        return "response" if n_messages is not None and index == n_messages - 1 else f"turn {index + 1}"
    if field == "completion":
        return "completion" if index == 0 else f"completion turn {index + 1}"
    name: Any = index if field == "candidates" else field
    if order and name in order:
        return f"Response {LETTERS[order.index(name)]}"
    return "a response" if field in ("chosen", "rejected") else f"response {index + 1}"


def saved_message(event, record_id: str, reveal: bool = False, order: list | None = None,
                  n_messages: int | None = None) -> str:
    """The message after an action: "saved rating overall = 4 on s1", "saved edit of response on s1".

    A preference names only the letter picked unless ``reveal`` (adjudicators, or a finished batch).
    """
    kind, target = event.kind, event.target
    if kind == "edit":
        return f"saved edit of {field_label(target, order, n_messages)} on {record_id}"
    what = f"{kind} {field_label(target, order, n_messages)}" if target not in (None, kind) else kind
    return f"saved {what} = {value_text(event.value, reveal=reveal)[:80]} on {record_id}"


HASHED_FOLDER = re.compile(r"^(?P<stem>.+)-[0-9a-f]{6,}$")  # a served file's project: "<file stem>-<content hash>"


def served_source(project: Any) -> Path | None:
    """The data file a served file's project was made from (its folder is ``<file stem>-<content hash>``
    in the cache), or None for a project with a name of its own."""
    folder = getattr(getattr(project, "path", None), "name", "") or ""
    source = ((getattr(project, "meta", None) or {}).get("source") or {}).get("path")
    m = HASHED_FOLDER.match(folder)
    if not (m and source):
        return None
    path = Path(str(source).replace("\\", "/"))
    return path if path.stem == m.group("stem") else None


def project_title(project: Any) -> str:
    """The name people know a project by: the folder's name, or the data file's name when the folder is a
    served file's cache (``alpaca-3f9c2a1b07`` for ``alpaca.json`` -> ``alpaca.json``)."""
    source = served_source(project)
    return source.name if source else getattr(getattr(project, "path", None), "name", "") or "project"
