"""A small mixture of unrelated real files (tests/fixtures, provenance in SOURCES.md), with the source
of every record, for the topic and map tests (imported as ``mixed_sources``)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io import load
from workbench.model import RECORD_SCHEMA, Dataset

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = {
    "selfinstruct": "selfinstruct_text-davinci-003_predictions.jsonl",   # Alpaca-like instructions
    "identity_chat": "fastchat_dummy_conversation.json",                 # "who are you" chats
    "toolcall": "llamafactory_glaive_toolcall_en_demo_150.json",         # tool-calling ShareGPT
    "alpaca_zh": "llamafactory_alpaca_zh_demo_200.json",                 # Chinese Alpaca
}


def mt_bench_table(path: Path) -> pa.Table:
    """MT-bench questions ({question_id, category, turns}) as prompt-only records (user turns only)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        msgs = [{"role": "user", "content": t, "name": None, "tool_calls": None, "weight": None} for t in q["turns"]]
        rows.append({"id": f"mtbench-{q['question_id']}", "kind": "prompt_only", "messages": msgs,
                     "category": q.get("category")})
    return pa.Table.from_pylist(rows, schema=RECORD_SCHEMA)


def mixed_real_dataset() -> tuple[Dataset, np.ndarray]:
    """(dataset, source name per record) over the files above plus the 80 MT-bench questions."""
    tables, sources = [], []
    for name, file in FILES.items():
        t = load(FIXTURES / file).table.cast(RECORD_SCHEMA)
        ids = pc.binary_join_element_wise(pa.scalar(f"{name}-"), t.column("id").cast(pa.string()), "")
        tables.append(t.set_column(t.column_names.index("id"), "id", ids))
        sources += [name] * t.num_rows
    mt = mt_bench_table(FIXTURES / "fastchat_mt_bench_question.jsonl")
    tables.append(mt)
    sources += ["mt_bench"] * mt.num_rows
    return Dataset(pa.concat_tables(tables)), np.array(sources)
