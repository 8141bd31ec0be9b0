"""The Arrow path for OpenAI rows writes exactly the bytes the generic row-by-row path writes."""
from __future__ import annotations

import json

import pyarrow as pa

from workbench.export.openai_fast import can_write_fast, openai_table, present_fields, write_openai_jsonl
from workbench.export.writers import format_rows, write_jsonl
from workbench.model import RECORD_SCHEMA

TRICKY = ['plain', 'quote " and \\ backslash', "new\nline\r\ttab", "bell\x07 and \x1f unit and \x00 nul",
          "\b\f", "ünïcødé 中文 🙂", "", "trailing \\", '"', "DEL\x7f and \u2028 separator"]


def _table(with_extras: bool):
    rows = []
    for i, text in enumerate(TRICKY):
        user = {"role": "user", "content": text, "name": "bob" if with_extras and i % 2 else None,
                "tool_calls": None, "weight": None}
        bot = {"role": "assistant", "content": TRICKY[-1 - i] + " answer", "name": None, "tool_calls": None,
               "weight": (i % 2) if with_extras else None}
        msgs = ([{"role": "system", "content": "sys", "name": None, "tool_calls": None, "weight": None}]
                if i % 3 == 0 else []) + [user, bot]
        rows.append({"id": f"r{i}", "kind": "sft", "category": "x", "messages": msgs})
    return pa.Table.from_pylist(rows, schema=RECORD_SCHEMA)


def test_fast_and_generic_jsonl_are_byte_identical(tmp_path):
    for extras in (False, True):
        t = _table(extras)
        assert can_write_fast(t, "openai")
        write_openai_jsonl(t, tmp_path / "fast.jsonl")
        rows, skipped = format_rows(t, "openai")
        write_jsonl(rows, tmp_path / "slow.jsonl")
        assert not skipped
        assert (tmp_path / "fast.jsonl").read_bytes() == (tmp_path / "slow.jsonl").read_bytes()
        text = (tmp_path / "fast.jsonl").read_text(encoding="utf-8")
        back = [json.loads(line) for line in text.split("\n") if line]
        assert [m["content"] for m in back[1]["messages"]][-2:] == [TRICKY[1], TRICKY[-2] + " answer"]


def test_arrow_table_matches_the_rows(tmp_path):
    t = _table(True)
    arrow = openai_table(t, present_fields([t]))
    rows, _ = format_rows(t, "openai")
    assert [[m["content"] for m in r["messages"]] for r in arrow.to_pylist()] == \
        [[m["content"] for m in r["messages"]] for r in rows]
    assert present_fields([_table(False)]) == ["role", "content"]


def test_tool_calls_and_other_kinds_take_the_generic_path():
    t = _table(False)
    assert not can_write_fast(t, "alpaca")
    msgs = t.column("messages").to_pylist()
    msgs[0][-1]["tool_calls"] = '[{"id": "1", "type": "function"}]'
    t2 = t.set_column(t.schema.get_field_index("messages"), "messages",
                      pa.array(msgs, t.schema.field("messages").type))
    assert not can_write_fast(t2, "openai")
