"""Tiny datasets built in memory with pyarrow (a uniquely named module: other test folders have conftests)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from workbench.model import RECORD_SCHEMA, Dataset

if TYPE_CHECKING:
    import pandas as pd


def msg(role: str, content: str) -> dict:
    return {"role": role, "content": content, "name": None, "tool_calls": None, "weight": None}


def sft(i: int, answer: str | None = None, category: str | None = "billing") -> dict:
    return {"id": f"r{i}", "kind": "sft",
            "messages": [msg("system", "You are a support agent."), msg("user", f"Question {i}?"),
                         msg("assistant", answer or f"The answer to question {i} is here.")],
            "chosen": None, "rejected": None, "candidates": None, "completion": None, "label": None,
            "category": category, "source_file": "mem.jsonl", "source_line": i, "metadata": None}


def pref(i: int) -> dict:
    row = sft(i)
    row.update(kind="preference", messages=[msg("user", f"Pick one {i}")],
               chosen=[msg("assistant", "A good answer.")], rejected=[msg("assistant", "A bad answer.")])
    return row


def make_dataset(n: int = 10, n_pref: int = 2) -> Dataset:
    rows = [sft(i) for i in range(n)] + [pref(n + i) for i in range(n_pref)]
    return Dataset(pa.Table.from_pylist(rows, schema=RECORD_SCHEMA), format="openai", source="mem.jsonl")


def frame_of(events) -> pd.DataFrame:
    """A log frame (as SqliteEventLog.frame() returns it) from Events, seq in list order."""
    import json

    from workbench.store.log import rows_to_frame

    return rows_to_frame([(i + 1, e.id, e.time, e.reviewer, e.session, e.record_id, e.kind, e.target,
                           json.dumps(e.value), e.seen_hash, e.reverts) for i, e in enumerate(events)])


def rate_many(path: str, w: int, n: int, barrier, out: str) -> None:
    """One reviewer process: open the project, wait for the others, rate as fast as it can."""
    try:
        from workbench.store import Project

        p = Project.open(path)
        barrier.wait(timeout=120)
        ids = [p.rate(f"w{w}", f"r{i % 12}", i % 5 + 1).id for i in range(n)]
        Path(out).write_text("\n".join(ids))
    except Exception as exc:  # reported to the test, which fails on any error (locked or not)
        Path(out + ".err").write_text(f"{type(exc).__name__}: {exc}")
        raise
