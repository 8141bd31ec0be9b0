"""One bad row never fails the whole file: it is quarantined with its line number and a reason code.

Every case here failed the whole file (or raised a non-LoadError exception, or was silently repaired)
before issue 12; each test checks the kept rows, the quarantined line and its reason, and that
``rows_read == kept + quarantined``.
"""
from __future__ import annotations

import csv
import io
import json

import pytest

from workbench.io import LoadError, load
from workbench.io.fastpath import try_fast_load

GOOD = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
GOOD_LINE = json.dumps(GOOD).encode()


def jsonl(*rows: bytes) -> bytes:
    return b"".join(r + b"\n" for r in rows)


def quarantined(ds) -> list[tuple[int, tuple[str, ...]]]:
    return [(q.line, q.reasons) for q in ds.quarantine]


def check(ds, kept: int, bad: list[tuple[int, str]]):
    assert len(ds) == kept
    assert [(line, code) for line, codes in quarantined(ds) for code in codes] == bad
    assert ds.rows_read == len(ds) + len(ds.quarantine)


@pytest.mark.parametrize("fast", [False, True])
def test_ten_thousand_deep_row(tmp_path, fast):
    deep = b'{"messages": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    path = tmp_path / "deep.jsonl"
    path.write_bytes(jsonl(GOOD_LINE, deep, GOOD_LINE))
    check(load(path, fast=fast), 2, [(2, "nesting_too_deep")])


def test_deep_row_in_json_array(tmp_path):
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" + GOOD_LINE + b",\n" + b'{"x": ' + b"[" * 10_000 + b"]" * 10_000 + b"},\n" + GOOD_LINE + b"]")
    check(load(path), 2, [(2, "nesting_too_deep")])


@pytest.mark.parametrize("name", [5, ["a", "b"], {"x": 1}])
@pytest.mark.parametrize("fast", [False, True])
def test_message_name_must_be_text(tmp_path, name, fast):
    bad = {"messages": [{"role": "user", "content": "q", "name": name}, {"role": "assistant", "content": "a"}]}
    path = tmp_path / "n.jsonl"
    path.write_bytes(jsonl(GOOD_LINE, json.dumps(bad).encode(), GOOD_LINE))
    check(load(path, fast=fast), 2, [(2, "data_type")])


def test_nul_byte_in_first_8kb_of_jsonl(tmp_path):
    path = tmp_path / "nul.jsonl"
    path.write_bytes(jsonl(GOOD_LINE, b'{"messages": [{"role": "user", "content": "a\x00b"}]}', GOOD_LINE))
    check(load(path), 2, [(2, "nul_byte")])
    path.write_bytes(jsonl(b'{"messages": [{"role": "user", "content": "a\x00b"}]}', GOOD_LINE, GOOD_LINE))
    check(load(path), 2, [(1, "nul_byte")])


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary\x00", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20,
                                     "[{\"a\": 1}]".encode("utf-16")])
def test_binary_files_are_still_refused(tmp_path, content):
    path = tmp_path / "b.jsonl"
    path.write_bytes(content)
    with pytest.raises(LoadError) as err:
        load(path)
    assert "\n" not in str(err.value)


def test_csv_cell_over_field_limit(tmp_path):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows([["instruction", "output"], ["a", "b"], ["x" * 140_000, "y"], ["c", "d"]])
    path = tmp_path / "big.csv"
    path.write_text(buf.getvalue())
    check(load(path), 2, [(3, "field_too_large")])


def _big_jsonl_with_bad_utf8() -> bytes:
    def rows(prefix):  # 5,000 rows of ~120 bytes each side: over 1 MB, so the vectorised reader is chosen
        return b"".join(json.dumps({"id": f"{prefix}{i}", "pad": "p" * 55, **GOOD}).encode() + b"\n"
                        for i in range(5_000))
    bad = b'{"id": "bad", "messages": [{"role": "user", "content": "a\xffb"}, {"role": "assistant", "content": "y"}]}\n'
    return rows("a") + bad + rows("b")


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson"])
def test_invalid_utf8_in_big_jsonl(tmp_path, suffix):
    path = tmp_path / f"big{suffix}"
    path.write_bytes(_big_jsonl_with_bad_utf8())
    assert path.stat().st_size > 1 << 20
    check(load(path), 10_000, [(5_001, "invalid_utf8")])


@pytest.mark.parametrize("name,data", [
    ("b.jsonl", b"\xef\xbb\xbf" + jsonl(GOOD_LINE, GOOD_LINE)),
    ("b.json", b"\xef\xbb\xbf" + json.dumps([GOOD, GOOD]).encode()),
    ("b.csv", b"\xef\xbb\xbfinstruction,output\na,b\nc,d\n"),
])
def test_utf8_bom_is_read_as_utf8_sig(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    ds = load(path)
    check(ds, 2, [])
    assert "\ufeff" not in json.dumps(ds.table.to_pylist(), ensure_ascii=False)


def test_json_array_invalid_utf8_is_quarantined_not_repaired(tmp_path):
    bad = b'{"messages": [{"role": "user", "content": "a\xffb"}, {"role": "assistant", "content": "y"}]}'
    path = tmp_path / "a.json"
    path.write_bytes(b"[\n" + GOOD_LINE + b",\n" + bad + b",\n" + GOOD_LINE + b"\n]")
    ds = load(path)
    check(ds, 2, [(3, "invalid_utf8")])
    assert "\ufffd" not in json.dumps(ds.table.to_pylist(), ensure_ascii=False)


def test_json_array_nul_row_does_not_lose_the_rest(tmp_path):
    bad = b'{"messages": [{"role": "user", "content": "a\x00b"}, {"role": "assistant", "content": "y"}]}'
    path = tmp_path / "a.json"
    path.write_bytes(b"[\n" + GOOD_LINE + b",\n" + bad + b",\n" + GOOD_LINE + b"\n]")
    check(load(path), 2, [(3, "nul_byte")])


def test_a_row_with_a_nul_and_invalid_utf8_gets_one_code_in_every_container(tmp_path):
    """JSON Lines and a JSON array run the same text checks (``jsontext._text_error``), in one order."""
    bad = b'{"messages": [{"role": "user", "content": "a\x00\xffb"}, {"role": "assistant", "content": "y"}]}'
    lines, array = tmp_path / "a.jsonl", tmp_path / "a.json"
    lines.write_bytes(jsonl(GOOD_LINE, bad, GOOD_LINE))
    array.write_bytes(b"[\n" + GOOD_LINE + b",\n" + bad + b",\n" + GOOD_LINE + b"\n]")
    check(load(lines), 2, [(2, "invalid_utf8")])
    check(load(array), 2, [(3, "invalid_utf8")])


def test_csv_unclosed_quote_is_quarantined(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('instruction,output\na,b\n"c,d\ne,f\n')
    ds = load(path)
    check(ds, 2, [(3, "unclosed_quote")])
    assert [r.messages[0].content for r in ds.records()] == ["a", "e"]


def test_csv_invalid_utf8_row(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes(b"instruction,output\na,b\nc\xff,d\ne,f\n")
    check(load(path), 2, [(3, "invalid_utf8")])


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("row", [
    b'{"messages": [], "messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}',
    b'{"messages": [{"role": "user", "content": "x", "content": "z"}, {"role": "assistant", "content": "y"}]}',
    b'{"id": "a", "id": "b", "messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}',
])
def test_duplicate_keys(tmp_path, fast, row):
    path = tmp_path / "d.jsonl"
    path.write_bytes(jsonl(GOOD_LINE, row, GOOD_LINE))
    check(load(path, fast=fast), 2, [(2, "duplicate_key")])


def test_duplicate_keys_in_json_array(tmp_path):
    path = tmp_path / "d.json"
    path.write_bytes(b"[" + GOOD_LINE + b',\n{"instruction": "a", "instruction": "b", "output": "c"}]')
    ds = load(path, format="openai")
    check(ds, 1, [(2, "duplicate_key")])


def test_escaped_lone_surrogate_is_invalid_utf8(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_bytes(jsonl(GOOD_LINE, b'{"messages": [{"role": "user", "content": "\\ud800"}, '
                                      b'{"role": "assistant", "content": "y"}]}'))
    check(load(path), 1, [(2, "invalid_utf8")])


def test_mixed_id_keys_fast_equals_exact(tmp_path):
    """301 rows, ``id`` in some and ``uuid`` in others: both paths give the same ids (151 differed)."""
    rows = [{("id" if i % 2 else "uuid"): f"k{i}", **GOOD, "n": i} for i in range(301)]
    rows[7] = {"id": "", "uuid": "k7", **GOOD, "n": 7}  # an empty id falls through to the next key
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert try_fast_load(path, None, force=True) is not None  # the vectorised path really ran
    fast, exact = load(path, fast=True), load(path, fast=False)
    assert fast.table.column("id").to_pylist() == exact.table.column("id").to_pylist()
    assert fast.table.to_pylist() == exact.table.to_pylist()
    assert exact.record(7).id == "k7" and exact.record(7).metadata["id"] == ""
