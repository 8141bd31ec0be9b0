"""Bad rows are quarantined with line numbers and reason codes; counts always reconcile."""
from __future__ import annotations

import gzip
import json

import pytest

from workbench.io import LoadError, load

GOOD = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}

BAD_OPENAI = [
    ("{bad json", "parse_error"),
    ('"just a string"', "data_type"),
    (json.dumps({"messages": "hi"}), "data_type"),
    (json.dumps({"messages": [{"role": "bot", "content": "x"}, {"role": "assistant", "content": "y"}]}),
     "unrecognized_role"),
    (json.dumps({"messages": [{"role": "user"}, {"role": "assistant", "content": "y"}]}), "message_missing_key"),
    (json.dumps({"messages": [{"role": "user", "content": "x", "foo": 1},
                              {"role": "assistant", "content": "y"}]}), "message_unrecognized_key"),
    (json.dumps({"messages": [{"role": "user", "content": None}, {"role": "assistant", "content": "y"}]}),
     "missing_content"),
    (json.dumps({"messages": [{"role": "user", "content": "  "}, {"role": "assistant", "content": "y"}]}),
     "empty_content"),
    (json.dumps({"messages": [{"role": "user", "content": 5}, {"role": "assistant", "content": "y"}]}),
     "non_string_content"),
    (json.dumps({"messages": [{"role": "assistant", "content": "y"}, {"role": "user", "content": "x"}]}),
     "roles_out_of_order"),
    (json.dumps({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]},
                              {"role": "assistant", "content": "y"}]}), "non_text_content"),
]


def test_every_reason_with_line_numbers(tmp_path):
    lines = [json.dumps(GOOD)]
    for text, _ in BAD_OPENAI:
        lines += [text, json.dumps(GOOD)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    ds = load(path)
    assert ds.format == "openai"
    assert ds.rows_read == len(lines) == len(ds) + len(ds.quarantine)
    assert len(ds.quarantine) == len(BAD_OPENAI)
    for q, (text, code) in zip(ds.quarantine, BAD_OPENAI):
        assert code in q.reasons, (text, q)
        assert lines[q.line - 1] == text  # the line number points at the bad row


def test_parts_content_is_flattened(tmp_path):
    row = {"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
                        {"role": "assistant", "content": "y"}]}
    path = tmp_path / "parts.jsonl"
    path.write_text(json.dumps(row) + "\n")
    ds = load(path)
    assert ds.record(0).messages[0].content == "ab"


def test_truncated_last_line_and_blank_lines(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + json.dumps(GOOD)[:-10])
    ds = load(path)
    assert len(ds) == 1 and ds.quarantine[0].reasons == ("truncated_line",) and ds.quarantine[0].line == 3


def test_invalid_utf8_line_quarantined(tmp_path):
    path = tmp_path / "u.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"messages": "\xff\xfe"}\n' + json.dumps(GOOD).encode())
    ds = load(path)
    assert len(ds) == 2 and ds.quarantine[0].reasons == ("invalid_utf8",) and ds.quarantine[0].line == 2


def test_json_array_damaged_tail(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("[\n" + json.dumps(GOOD) + ",\n" + json.dumps(GOOD) + ",\n{\"messages\": [")
    ds = load(path)
    assert len(ds) == 2 and len(ds.quarantine) == 1 and ds.quarantine[0].line == 4


def test_chosen_equals_rejected(tmp_path):
    path = tmp_path / "p.jsonl"
    rows = [{"prompt": "q", "chosen": "a", "rejected": "b"}, {"prompt": "q", "chosen": "same", "rejected": "same"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ds = load(path)
    assert len(ds) == 1 and ds.quarantine[0].reasons == ("chosen_equals_rejected",)


def test_no_assistant_turn_in_sharegpt_preference(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps([{"conversations": [{"from": "human", "value": "q"}],
                                 "chosen": {"from": "gpt", "value": "a"}, "rejected": {"from": "gpt", "value": "a"}}]))
    ds = load(path)
    assert ds.quarantine[0].reasons == ("chosen_equals_rejected",)


@pytest.mark.parametrize("content,msg", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (b'{"foo": 1, "bar": 2}\n', "unknown format"),
])
def test_whole_file_errors_are_one_line(tmp_path, content, msg):
    path = tmp_path / "f.jsonl"
    path.write_bytes(content)
    with pytest.raises(LoadError) as err:
        load(path)
    assert msg in str(err.value) and "\n" not in str(err.value)


def test_unknown_format_names_keys(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text('{"foo": 1, "bar": 2}\n')
    with pytest.raises(LoadError, match="keys seen: foo, bar"):
        load(path)


def test_gzip_and_forced_format(tmp_path):
    path = tmp_path / "g.jsonl.gz"
    path.write_bytes(gzip.compress((json.dumps({"instruction": "a", "output": "b"}) + "\n").encode()))
    ds = load(path)
    assert ds.format == "alpaca" and len(ds) == 1
    with_force = load(path, format="alpaca")
    assert with_force.record(0).response == "b"


def test_missing_assistant_in_sft_file_but_not_in_prompt_file(tmp_path):
    prompt_only = {"messages": [{"role": "user", "content": "only a question"}]}
    path = tmp_path / "sft.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [GOOD, GOOD, prompt_only]))
    ds = load(path)
    assert len(ds) == 2 and ds.quarantine[0].reasons == ("example_missing_assistant_message",)
    path = tmp_path / "prompts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [prompt_only, prompt_only, GOOD]))
    ds = load(path)
    assert len(ds) == 3 and ds.kind == "mixed" and not ds.quarantine
