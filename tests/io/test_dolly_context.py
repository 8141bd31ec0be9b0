"""databricks-dolly-15k's own layout (instruction / context / response / category): the context is the
passage the instruction is about, so it is the Alpaca input - in the prompt, on both loader paths - not
metadata. Rows are Dolly's first records, verbatim (CC BY-SA 3.0)."""
from __future__ import annotations

import json

from workbench.io import load
from workbench.io.fastpath import try_fast_load
from workbench.quality.task_type import task_types_of

DOLLY = [
    {"instruction": "When did Virgin Australia start operating?",
     "context": "Virgin Australia, the trading name of Virgin Australia Airlines Pty Ltd, is an Australian-based "
                "airline. It is the largest airline by fleet size to use the Virgin brand. It commenced services on "
                "31 August 2000 as Virgin Blue, with two aircraft on a single route. It suddenly found itself as a "
                "major airline in Australia's domestic market after the collapse of Ansett Australia in September "
                "2001.",
     "response": "Virgin Australia commenced services on 31 August 2000 as Virgin Blue, with two aircraft on a "
                 "single route.", "category": "closed_qa"},
    {"instruction": "Which is a species of fish? Tope or Rope", "context": "", "response": "Tope",
     "category": "classification"},
    {"instruction": "Why can camels survive for long without water?", "context": "",
     "response": "Camels use the fat in their humps to keep them filled with energy and hydration for long periods "
                 "of time.", "category": "open_qa"},
]


def test_dolly_context_is_the_input_on_both_paths(tmp_path):
    path = tmp_path / "dolly.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in DOLLY), encoding="utf-8")
    exact = load(path, fast=False)
    fast = try_fast_load(path, None, force=True)
    assert exact.format == "alpaca" and fast is not None
    for ds in (exact, fast):
        first = ds.table.column("messages").to_pylist()[0]
        assert first[0]["role"] == "user"
        assert first[0]["content"] == DOLLY[0]["instruction"] + "\n\n" + DOLLY[0]["context"]
        assert first[1]["content"] == DOLLY[0]["response"]
        # an empty context adds nothing to the prompt; no context is left behind in the metadata
        assert ds.table.column("messages").to_pylist()[1][0]["content"] == DOLLY[1]["instruction"]
        assert all(m is None or "context" not in m for m in ds.table.column("metadata").to_pylist())
        assert ds.table.column("category").to_pylist() == ["closed_qa", "classification", "open_qa"]
    assert exact.table.column("id").to_pylist() == fast.table.column("id").to_pylist()
    # the passage is what makes the first a closed-QA record for the task typer
    assert list(task_types_of(exact.table)) == ["closed_qa", "classification", "open_qa"]


def test_input_wins_over_context_and_context_stays_in_metadata(tmp_path):
    path = tmp_path / "both.jsonl"
    rows = [{"instruction": "Summarise.", "input": "The text.", "context": "Other.", "output": "Short."}] * 2
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ds = load(path, fast=False)
    assert ds.table.column("messages").to_pylist()[0][0]["content"] == "Summarise.\n\nThe text."
    assert json.loads(ds.table.column("metadata").to_pylist()[0]) == {"context": "Other."}
    assert try_fast_load(path, None, force=True) is None  # the exact path decides such files
