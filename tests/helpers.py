"""Builders for tests: tiny canonical datasets made in memory (import as ``from helpers import ...``)."""
from __future__ import annotations

import pyarrow as pa

from workbench.model import RECORD_SCHEMA, Dataset


def make_dataset(rows: list[dict]) -> Dataset:
    """A Dataset from canonical row dicts (messages as {role, content} dicts)."""
    return Dataset(pa.Table.from_pylist(rows, schema=RECORD_SCHEMA))


def msg(role: str, content: str) -> dict:
    return {"role": role, "content": content}


def sft(rid: str, user: str, assistant: str, category: str | None = None) -> dict:
    return {"id": rid, "kind": "sft", "category": category,
            "messages": [msg("user", user), msg("assistant", assistant)]}


def widget_texts(*roots) -> str:
    """Every string ``value`` under the given widgets (depth first, in display order), one per line."""
    out, stack = [], list(reversed(roots))
    while stack:
        w = stack.pop()
        if isinstance(getattr(w, "value", None), str):
            out.append(w.value)
        stack.extend(reversed(getattr(w, "children", ())))
    return "\n".join(out)
