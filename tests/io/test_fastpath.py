"""The vectorised loader and the exact row-by-row loader give the same records, ids and quarantine."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import workbench.io.fastpath as fastpath
from workbench.io import load


def openai_rows(n):
    rows = []
    for i in range(n):
        msgs = [{"role": "user", "content": f"question {i} " * 3}, {"role": "assistant", "content": f"answer {i}"}]
        if i % 4 == 0:
            msgs.insert(0, {"role": "system", "content": "be kind"})
        rows.append({"id": f"r{i}", "category": "billing" if i % 2 else "other", "messages": msgs})
    return rows


def alpaca_rows(n):
    return [{"instruction": f"do {i}", "input": "" if i % 3 else f"with {i}", "output": f"done {i}",
             **({"system": "sys"} if i % 5 == 0 else {})} for i in range(n)]


def sharegpt_rows(n):
    rows = []
    for i in range(n):
        turns = [{"from": "human", "value": f"q {i}"}, {"from": "gpt", "value": f"a {i}"}] * (1 + i % 2)
        if i % 6 == 0:
            turns.insert(0, {"from": "system", "value": "be brief"})
        row = {"id": f"s{i}", "conversations": turns}
        if i % 7 == 0:
            row["system"] = "sys" if i % 2 else " "
        rows.append(row)
    return rows


def dpo_rows(n):
    return [{"prompt": f"p {i}", "chosen": f"good {i}", "rejected": f"bad {i}", "score": i % 3} for i in range(n)]


def dpo_message_rows(n):
    return [{"prompt": ([{"role": "system", "content": "s"}] if i % 3 == 0 else []) + [{"role": "user", "content": f"p {i}"}],
             "chosen": [{"role": "assistant", "content": f"good {i}"}],
             "rejected": [{"role": "assistant", "content": f"bad {i}"}]} for i in range(n)]


BAD_SHAREGPT = {
    2: {"conversations": [{"from": "alien", "value": "x"}, {"from": "gpt", "value": "a"}]},
    4: {"conversations": [{"from": "gpt", "value": "a"}, {"from": "human", "value": "q"}]},
    8: {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "\u3000"}]},
    10: {"conversations": []},
    11: {"conversations": [{"from": "human", "value": "q"}]},
    12: {"conversations": [{"from": "human", "value": "q"}, {"from": "system", "value": "late"}]},
    15: {"conversations": [{"from": "human"}, {"from": "gpt", "value": "a"}]},
    16: {"system": "only", "conversations": []},
}
BAD_DPO = {1: {"prompt": " ", "chosen": "a", "rejected": "b"}, 3: {"prompt": "p", "chosen": "same", "rejected": "same"},
           5: {"prompt": "p", "chosen": "", "rejected": "b"}, 6: {"prompt": "p", "rejected": "b"}}
BAD_DPO_MESSAGES = {
    1: {"prompt": [{"role": "assistant", "content": "p"}], "chosen": [{"role": "assistant", "content": "a"}],
        "rejected": [{"role": "assistant", "content": "b"}]},
    2: {"prompt": [{"role": "user", "content": "p"}], "chosen": [{"role": "assistant", "content": "a"}],
        "rejected": [{"role": "assistant", "content": "a"}]},
    3: {"prompt": [{"role": "user", "content": "p"}], "chosen": [], "rejected": [{"role": "assistant", "content": "b"}]},
    4: {"prompt": [{"role": "user", "content": "p"}], "chosen": [{"role": "robot", "content": "a"}],
        "rejected": [{"role": "assistant", "content": "b"}]},
    5: {"prompt": [], "chosen": [{"role": "assistant", "content": "a"}], "rejected": [{"role": "assistant", "content": "b"}]},
    6: {"prompt": [{"role": "user", "content": "p"}], "chosen": [{"role": "assistant", "content": " "}],
        "rejected": [{"role": "assistant", "content": "b"}]},
}


BAD_OPENAI = {
    5: {"messages": [{"role": "bot", "content": "x"}]},
    9: {"messages": [{"role": "user", "content": " "}, {"role": "assistant", "content": "a"}]},
    13: {"messages": [{"role": "assistant", "content": "a"}, {"role": "user", "content": "b"}]},
    17: {"id": "x", "messages": [{"role": "user", "content": "q"}], "extra": 1},
    18: {"messages": [{"role": "user", "content": "q"}, {"role": "system", "content": "late"}]},
}
BAD_ALPACA = {3: {"instruction": "  ", "output": "x"}, 7: {"instruction": "q", "output": ""}, 8: {"instruction": "q"}}


@pytest.mark.parametrize("make,bad", [(openai_rows, BAD_OPENAI), (alpaca_rows, BAD_ALPACA),
                                      (sharegpt_rows, BAD_SHAREGPT), (dpo_rows, BAD_DPO),
                                      (dpo_message_rows, BAD_DPO_MESSAGES)])
@pytest.mark.parametrize("block", [16 << 20, 2048])
def test_fast_equals_exact(tmp_path, monkeypatch, make, bad, block):
    """Bad rows of every kind among good ones; with 2 KB pieces Arrow parses the file in ~20 pieces,
    two at a time, which the vectorised path converts one by one."""
    monkeypatch.setattr(fastpath, "PIECE_BYTES", block)
    monkeypatch.setattr(fastpath, "BLOCK_SIZE", block)
    rows = make(400)
    for i, r in bad.items():
        rows[i] = r
    rows[30] = rows[31]  # exact duplicate: ids get a -2 suffix on both paths
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setattr(fastpath, "MIN_BYTES", 0)
    fast = load(path)
    assert fastpath.try_fast_load(path, None) is not None  # the vectorised path really ran
    monkeypatch.setattr(fastpath, "MIN_BYTES", 10**15)
    exact = load(path)
    assert fast.table.to_pylist() == exact.table.to_pylist()
    assert [q.to_dict() for q in fast.quarantine] == [q.to_dict() for q in exact.quarantine]
    assert fast.rows_read == len(rows)
    assert sorted(q.line for q in fast.quarantine) == sorted(i + 1 for i in bad)  # each bad row, nothing else


def test_fast_path_falls_back_on_mixed_types(tmp_path, monkeypatch):
    monkeypatch.setattr(fastpath, "MIN_BYTES", 0)
    rows = openai_rows(50)
    rows[3] = {"messages": [{"role": "user", "content": [{"type": "text", "text": "parts"}]},
                            {"role": "assistant", "content": "a"}]}
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{broken\n")
    ds = load(path)
    assert ds.record(3).messages[0].content == "parts" and ds.quarantine[0].reasons == ("parse_error",)


def test_blank_lines_keep_true_line_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(fastpath, "MIN_BYTES", 0)
    rows = openai_rows(20)
    rows[7] = {"messages": [{"role": "bot", "content": "x"}]}
    text = "".join(json.dumps(r) + "\n" for r in rows[:5]) + "\n  \n" + "".join(json.dumps(r) + "\n" for r in rows[5:])
    path = tmp_path / "b.jsonl"
    path.write_text(text)
    ds = load(path)
    assert [q.line for q in ds.quarantine] == [10]  # row 7 sits on line 10 after two blank lines
    assert ds.record("r5").source_line == 8


@pytest.mark.parametrize("block", [3, 7, 1 << 20])
def test_byte_scan_across_block_boundaries(tmp_path, monkeypatch, block):
    """Line count, the clean flag and the bracket bound do not depend on where blocks split.

    ``max_opens`` is the count of '[' and '{' on the longest-bracketed line longer than ``SHORT_LINE``
    (a line that short cannot nest deeper than Arrow reads safely), wherever the blocks split it.
    """
    import workbench.io.fastscan as fastscan

    monkeypatch.setattr(fastscan, "BLOCK", block)
    cases = [
        (b'{"a": [1]}\n{"b": [[{}]]}\n', (2, 4, True, True)),
        (b'{"a": 1}\n{"b": 2}', (2, 1, True, False)),
        (b'null\n{"a": 1}\n', (2, 1, False, True)),  # Arrow segfaults on a first line "null"
        (b'{"a": 1}\n\n{"a": 1}\n', (3, 1, False, True)),  # blank line
        (b'\xef\xbb\xbf{"a": 1}\n', (1, 1, False, True)),  # BOM
        (b'{"a": "\xff"}\n', (1, 1, False, True)),  # invalid UTF-8
        (b'{"a": "\xc3\xa9\x00"}\n', (1, 1, False, True)),  # NUL
        (b'{"a": "\xc3\xa9"}\n', (1, 1, True, True)),  # a 2-byte character split across blocks is fine
        (b'{"a": "\xf0\x9f\x98\x80\xe4\xb8\xad"}\n', (1, 1, True, True)),  # 4- and 3-byte characters
        (b'{"a": "\xed\xa0\x80"}\n', (1, 1, False, True)),  # a surrogate (Python's decoder refuses it)
        (b'{"a": "\xc0\x80"}\n', (1, 1, False, True)),  # an overlong NUL
        (b'{"a": "\xe4\xb8"}\n', (1, 1, False, True)),  # a truncated character before the quote
        (b'{"a": 1}\n{"b": "\xe4\xb8', (2, 1, False, False)),  # truncated at the end of the file
    ]
    cases += [(b'{"a": 1}\n' * 5000, (5000, 1, True, True)),
              (b'{"a": 1}\n{"deep": ' + b"[" * 2000 + b"]" * 2000 + b'}\n{"a": 1}\n', (3, 2001, True, True)),
              (b'{"a": 1}\n' * 300 + b'{"deep": ' + b"[" * 1500 + b"]" * 100 + b'}\n', (301, 1501, True, True))]
    for data, (lines, opens, clean, newline) in cases:
        path = tmp_path / "s.jsonl"
        path.write_bytes(data)
        got = fastscan.scan(path)
        assert (got.lines, got.clean, got.ends_with_newline) == (lines, clean, newline), data[:40]
        short = max(len(line) for line in data.split(b"\n")) <= fastscan.SHORT_LINE
        assert got.max_opens == opens or (short and got.max_opens == 0)
        assert got.arrow_safe == (clean and (opens <= fastscan.ARROW_SAFE_OPENS or short))


def test_deep_line_never_reaches_arrow(tmp_path):
    """A 10,000-deep line would crash Arrow's reader (segfault): the scan sends the file to the exact path."""
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(openai_rows(1)[0]) + "\n" + '{"x": ' + "[" * 10_000 + "]" * 10_000 + "}\n")
    assert fastpath.try_fast_load(path, None, force=True) is None
    assert load(path, fast=True).quarantine[0].reasons == ("nesting_too_deep",)


def test_env_knob_sets_the_threshold(tmp_path, monkeypatch):
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in openai_rows(20)))
    monkeypatch.setenv("WORKBENCH_FAST_LOAD_MIN_BYTES", "0")
    assert fastpath.min_bytes() == 0 and fastpath.try_fast_load(path, None) is not None
    monkeypatch.setenv("WORKBENCH_FAST_LOAD_MIN_BYTES", str(10**9))
    assert fastpath.try_fast_load(path, None) is None


def test_arrow_blank_equals_python_strip():
    """The vectorised blank test holds for exactly the strings Python's ``str.strip()`` empties."""
    from workbench.io.fastconvert import _blank

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    got = _blank(pa.array(chars))
    assert [c for c, b in zip(chars, got) if b != (not c.strip())] == []
    mixed = ["", " ", "\u3000\x1c\n", " a ", "\u200b", "\ufeff", None]
    assert _blank(pa.array(mixed, pa.string())).tolist() == [True, True, True, False, False, False, True]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=6), st.lists(st.integers(0, 255), max_size=2),
       st.integers(0, 200), st.sampled_from([1, 2, 3, 5, 7, 64]))
def test_byte_scan_utf8_equals_python(texts, noise, at, block):
    """``scan``'s UTF-8 check (Arrow's validator, characters split across blocks of any size) says
    exactly what Python's decoder says, on valid text and on text with stray bytes inserted."""
    import workbench.io.fastscan as fastscan

    data = b"".join(b'{"t": "' + t.encode("utf-8", "surrogatepass") + b'"}\n' for t in texts)
    for byte in noise:
        pos = min(at, len(data) - 2) if len(data) > 2 else 0
        data = data[:pos] + bytes([byte]) + data[pos:]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "u.jsonl"
        path.write_bytes(data)
        old = fastscan.BLOCK
        fastscan.BLOCK = block
        try:
            got = fastscan.scan(path)
        finally:
            fastscan.BLOCK = old
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    lines = data.split(b"\n")
    body = lines[:-1] if data.endswith(b"\n") else lines
    expected = valid and b"\x00" not in data and all(line.startswith(b"{") for line in body)
    assert got.clean == expected


def test_metadata_json_spelled_by_kernels_equals_json_dumps(tmp_path):
    """Text (incl. quotes, backslashes, control characters, non-ASCII), integers, booleans, lists and
    unused id keys in the metadata: the vectorised path writes the exact path's JSON text."""
    texts = ['plain', 'say "hi"', 'back\\slash', 'tab\tnew\nline', 'bell\x07', 'ünï 中文 \u2028 \x7f', '']
    rows = []
    for i in range(60):
        row = {"uuid": f"u{i}", "instruction": f"q {i}", "output": f"a {i}", "note": texts[i % len(texts)],
               "n": i - 30, "flag": i % 2 == 0}
        if i % 3 == 0:
            row["id"] = f"r{i}"  # uuid stays in the metadata of these rows
        if i % 4 == 0:
            del row["note"]
        rows.append(row)
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=i % 2 == 0) + "\n" for i, r in enumerate(rows)))
    fast = fastpath.try_fast_load(path, None, force=True)
    exact = load(path, fast=False)
    assert fast is not None
    assert fast.table.column("metadata").to_pylist() == exact.table.column("metadata").to_pylist()
    assert fast.table.to_pylist() == exact.table.to_pylist()
    rows_with_list = [dict(r, tags=["a", "b"]) if i % 5 == 0 else r for i, r in enumerate(rows)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows_with_list))
    fast = fastpath.try_fast_load(path, None, force=True)
    assert fast is not None and fast.table.to_pylist() == load(path, fast=False).table.to_pylist()


def test_scan_reports_the_longest_line(tmp_path, monkeypatch):
    import workbench.io.fastscan as fastscan

    data = b'{"a": 1}\n' + b'{"b": "' + b"x" * 5000 + b'"}\n' + b'{"c": 22}'
    path = tmp_path / "l.jsonl"
    path.write_bytes(data)
    for block in (3, 100, 1 << 20):
        monkeypatch.setattr(fastscan, "BLOCK", block)
        assert fastscan.scan(path).longest == 5010


@pytest.mark.parametrize("piece", [256, 512, 1 << 20])
def test_numbers_in_text_fields_across_blocks(tmp_path, monkeypatch, piece):
    """Found by the hypothesis property with 512-byte blocks: Arrow's multi-block reader gave ids 7 in
    rows 6 and 8 back as "7" (metadata {"uuid": "7"} where the exact path writes {"uuid": 7}). Pieces
    parsed one block each and compared: the conflict sends the file to the exact path."""
    monkeypatch.setattr(fastpath, "PIECE_BYTES", piece)
    monkeypatch.setattr(fastpath, "BLOCK_SIZE", piece)
    rows = [{"category": "other", "score": 3, "note": ["answer"], "instruction": "\u2028", "output": "q?"},
            {"id": "", "_id": "k2", "instruction": "ünï 中文", "input": "\u3000", "output": ""},
            {"category": "other", "instruction": "tab\t", "input": "\u00a0x", "system": "a b"},
            {"_id": "", "id": "k3", "instruction": "", "input": "tab\t", "system": "hi", "output": "a b"},
            {"uuid": "k1", "_id": "k3", "category": "x y", "instruction": "hi", "input": " "},
            {"id": 7, "uuid": 7, "category": "other", "instruction": "ünï 中文", "input": "hi", "system": "",
             "output": "hi"},
            {"_id": "", "instruction": "\u3000", "input": "q?", "output": "q?"},
            {"id": 7, "uuid": 7, "category": "other", "instruction": "hi", "system": "ünï 中文"}]
    path = tmp_path / "n.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=i % 2 == 0) + "\n" for i, r in enumerate(rows)),
                    encoding="utf-8")
    fast = fastpath.try_fast_load(path, None, force=True)
    exact = load(path, fast=False)
    assert fast is None or fast.table.to_pylist() == exact.table.to_pylist()


@pytest.mark.parametrize("late", ["nested_field", "new_column", "null_then_text", "missing_column",
                                  "int_then_float", "number_in_text"])
def test_pieces_that_differ(tmp_path, monkeypatch, late):
    """A later piece with a new message key, a new column, text where the first had nulls, or without a
    column is read whole (same records as the exact path); a float where the first had integers, or a
    number where it had text, goes to the exact path."""
    monkeypatch.setattr(fastpath, "PIECE_BYTES", 2048)
    monkeypatch.setattr(fastpath, "BLOCK_SIZE", 2048)
    rows = openai_rows(200)
    for r in rows:
        r["note"] = None if late == "null_then_text" else 1
        r["tag"] = "t"
    tail = rows[150]
    if late == "nested_field":
        tail["messages"][-1]["name"] = "bob"
    elif late == "new_column":
        tail["source"] = "late"
    elif late == "null_then_text":
        tail["note"] = "text"
    elif late == "missing_column":
        for r in rows[140:]:
            del r["tag"]
    elif late == "number_in_text":
        tail["tag"] = 7
    else:
        tail["note"] = 1.5
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    fast = fastpath.try_fast_load(path, None, force=True)
    exact = load(path, fast=False)
    if late in ("int_then_float", "number_in_text"):
        assert fast is None
    else:
        assert fast is not None and fast.table.to_pylist() == exact.table.to_pylist()


def test_arrow_json_reader_copies_its_input():
    """``_read_pieces`` refills its buffers: the parsed arrays must not point into them."""
    import pyarrow.json as pj

    buf = bytearray(b'{"a": "hello", "b": ["x", "y"], "c": {"d": "zz"}, "n": 5}\n' * 1000)
    table = pj.read_json(pa.BufferReader(pa.py_buffer(memoryview(buf))), read_options=pj.ReadOptions(block_size=4096))
    before = table.to_pylist()
    buf[:] = b"#" * len(buf)
    assert table.to_pylist() == before
