"""Files whose prompt field is not called ``instruction``: QA sets (``question`` / ``answer``), LLaMA-Factory
column names (``query`` / ``response``) and prompt lists without answers load as Alpaca records, while rows
that belong to the preference, ranking, KTO and chat formats are never taken for them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import workbench as wb
from workbench.io.errors import LoadError

GSM8K = Path(__file__).resolve().parents[1] / "fixtures" / "gsm8k_test_40.jsonl"  # real file, see SOURCES.md


def _write(tmp_path: Path, rows: list[dict], name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("fast", [False, True])
def test_a_real_question_answer_file_loads_every_row_as_sft(fast):
    rows = [json.loads(line) for line in GSM8K.read_text(encoding="utf-8").splitlines()]
    ds = wb.load(GSM8K, fast=fast)
    assert ds.format == "alpaca" and len(ds) == len(rows) == 40 and len(ds.quarantine) == 0
    got = ds.table.to_pylist()
    assert {r["kind"] for r in got} == {"sft"}
    for rec, row in zip(got, rows):
        assert [(m["role"], m["content"]) for m in rec["messages"]] == [
            ("user", row["question"]), ("assistant", row["answer"])]
    assert all(r["messages"][1]["content"].rsplit("#### ", 1)[1].strip().replace(",", "").isdigit() for r in got)


def test_the_task_types_of_math_questions_read_from_question_answer():
    from workbench.quality import compute_signals

    frame = compute_signals(wb.load(GSM8K), signals=["task_type"]).frame
    assert (frame["task_type"] == "math_reasoning").mean() >= 0.9


def test_llamafactory_query_response_with_history(tmp_path):
    path = _write(tmp_path, [{"query": "And in French?", "response": "Bonjour",
                              "history": [["Say hello", "Hello"]]}])
    rec = wb.load(path).table.to_pylist()[0]
    assert [(m["role"], m["content"]) for m in rec["messages"]] == [
        ("user", "Say hello"), ("assistant", "Hello"), ("user", "And in French?"), ("assistant", "Bonjour")]


def test_prompt_lists_without_answers_are_prompt_only_and_keep_their_other_fields(tmp_path):
    path = _write(tmp_path, [{"prompt": "Write a haiku about rain.", "category": "poetry"},
                             {"prompt": "List three prime numbers.", "category": "math"}])
    ds = wb.load(path)
    got = ds.table.to_pylist()
    assert ds.format == "alpaca" and [r["kind"] for r in got] == ["prompt_only", "prompt_only"]
    assert [r["messages"][0]["content"] for r in got] == ["Write a haiku about rain.", "List three prime numbers."]
    assert [r["category"] for r in got] == ["poetry", "math"]
    questions = wb.load(_write(tmp_path, [{"question": "Why is the sky blue?", "source": "kids"}], "q.jsonl"))
    assert questions.table.column("kind").to_pylist() == ["prompt_only"]


@pytest.mark.parametrize("row,fmt", [
    ({"prompt": "a", "chosen": "b", "rejected": "c"}, "preference"),
    ({"prompt": "a", "completion": "b", "label": True}, "kto"),
    ({"prompt": "a", "responses": ["b", "c"], "ranks": [1, 2]}, "ranking"),
    ({"messages": [{"role": "user", "content": "a"}], "question": "x"}, "openai"),
])
def test_other_formats_are_not_taken_for_alpaca(tmp_path, row, fmt):
    assert wb.load(_write(tmp_path, [row])).format == fmt


def test_a_file_with_no_prompt_field_says_which_names_are_read(tmp_path):
    with pytest.raises(LoadError, match="keys seen: text.*'instruction', 'prompt', 'question' or 'query'"):
        wb.load(_write(tmp_path, [{"text": "hello"}]))


def test_a_non_text_prompt_is_quarantined_with_its_line_not_the_file(tmp_path):
    path = _write(tmp_path, [{"question": "ok?", "answer": "yes"}, {"question": "fine", "answer": 3},
                             {"question": "also ok?", "answer": "yes"}])
    ds = wb.load(path)
    assert len(ds) == 2 and len(ds.quarantine) == 1 and ds.rows_read == 3
    (bad,) = ds.quarantine
    assert bad.line == 2 and "answer" in bad.detail, bad.to_dict()
