"""The review session's small saved state: per reviewer and mode, the filters, position and page size.

Stored as JSON in the project folder (``ui/<reviewer>.json``) and rewritten atomically on each
change, so closing the laptop or restarting the kernel puts the reviewer back where they were.
Nothing here is an annotation: annotations are events in the store.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

STATE_DIR = "ui"


def default_path(project_path: str | Path, reviewer: str) -> Path:
    """``<project>/ui/<reviewer>.json``; names that are not filename-safe get a short hash suffix."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", reviewer).strip(".") or "reviewer"
    if safe != reviewer:
        safe = f"{safe[:60]}-{hashlib.sha256(reviewer.encode('utf-8')).hexdigest()[:8]}"
    return Path(project_path) / STATE_DIR / f"{safe}.json"


def load_state(path: Path | None, mode: str) -> dict[str, Any]:
    """The saved state for ``mode`` ({} when there is none or the file is unreadable)."""
    if path is None or not Path(path).is_file():
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged state file only loses the position, never work
    modes = data.get("modes") if isinstance(data, dict) else None
    state = modes.get(mode) if isinstance(modes, dict) else None
    return state if isinstance(state, dict) else {}


def save_state(path: Path | None, mode: str, state: dict[str, Any]) -> None:
    """Merge ``state`` for ``mode`` into the file (atomic replace; errors are swallowed)."""
    if path is None:
        return
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data: dict[str, Any] = {}
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                data = {}
        if not isinstance(data, dict) or not isinstance(data.get("modes"), dict):
            data = {"modes": {}}
        data["modes"][mode] = state
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only project folder still allows reviewing; only the position is not kept
