"""Whatever the bytes, ``load`` returns a Dataset or raises ``LoadError`` with a one-line message.

Many malformed inputs (truncations, odd types, control bytes, broken containers) are fed through the
public API; any other exception type (RecursionError, ArrowTypeError, csv.Error, UnicodeDecodeError,
KeyError...) or an "internal error" fallback message fails the test.
"""
from __future__ import annotations

import gzip
import json
import random

import pytest

from workbench.io import LoadError, load

GOOD = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
ODD_VALUES = [None, 0, -1, 1.5, 1e308, True, "", " ", "x", [], [1], {}, {"a": None}, [[[]]], "\ud800"[:0] + "\x00",
              "\u2028", 2 ** 70]

MALFORMED = [
    b"", b"\n\n\n", b"   ", b"\xef\xbb\xbf", b"{", b"[", b"]", b"[{]", b"null", b"[null, 1, \"x\"]",
    b"\x00" * 10, b"\xff\xfe\x00\x00", b"\x1f\x8b\x08\x00garbage", b"PAR1garbage",
    b'{"messages": ' + b"[" * 50_000, b"[" * 50_000, b'{"a": ' + b"{\"a\": " * 20_000 + b"1" + b"}" * 20_000 + b"}",
    b'{"messages": "x"}\n{"messages": 5}\n{"messages": [1, 2]}\n',
    b'{"instruction": ["a"], "output": {"b": 1}}\n',
    b'{"id": "a", "kind": "sft", "messages": "x"}\n{"id": 1, "kind": "sft", "messages": [5]}\n',
    b'{"id": "a", "kind": "sft", "messages": [], "category": 5, "label": "yes", "source_line": "x"}\n',
    b'{"prompt": "q", "responses": [1, 2]}\n{"prompt": 5, "responses": ["a", "b"]}\n',
    b'{"prompt": "q", "completion": "c", "label": [1]}\n',
    b'{"conversations": [{"from": 1, "value": 2}], "system": []}\n',
    b'{"data": {"text": 5}, "annotations": [{"result": [{"type": "choices", "value": 5}]}]}\n',
    b'{"data": {"text": "t"}, "annotations": [{"result": [{"type": "rating", "value": {"rating": "x"}}]}]}\n',
    b'{"data": {"text": "t"}, "annotations": [{"result": "x"}, 5, {"result": [5, {"value": null}]}]}\n',
    b'{"messages": [{"role": "user", "content": "q", "weight": 0.5}, {"role": "assistant", "content": "a", '
    b'"weight": "1"}]}\n',
    b'{"messages": [{"role": "user", "content": "q", "tool_calls": {"a": float}}]}\n'.replace(b"float", b"NaN"),
    b'{"messages": [{"role": "user", "content": "\\udfff"}]}\n',
    b'{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "id": {"x": 1}}\n',
    b'{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "meta": 1e999}\n',
]


def _cases():
    rng = random.Random(12)
    cases = [(f"m{i}.jsonl", data) for i, data in enumerate(MALFORMED)]
    cases += [(f"m{i}.json", data) for i, data in enumerate(MALFORMED[:20])]
    cases += [(f"m{i}.csv", data) for i, data in enumerate(MALFORMED[:20])]
    cases += [("c1.csv", b'messages,x\n"[{""role"": ""user""}]",1\n'), ("c2.csv", b'a,b\n"x\n'),
              ("c3.csv", b'instruction,output\n"a"b,c\n\x00,\xff\n'), ("c4.csv", b"instruction\n" + b"x" * 200_000),
              ("g.jsonl.gz", gzip.compress(b"{" * 10)), ("g2.json.gz", gzip.compress(b"\xef\xbb\xbf[1, {}]"))]
    for i, value in enumerate(ODD_VALUES):
        for key in ("name", "role", "content", "weight", "tool_calls"):
            msg = {**GOOD["messages"][0], key: value}
            row = {"messages": [msg, GOOD["messages"][1]]}
            cases.append((f"odd{i}{key}.jsonl", (json.dumps(GOOD) + "\n" + json.dumps(row) + "\n").encode()))
        for key in ("id", "category", "messages", "instruction", "output", "chosen", "label", "conversations"):
            row = {**GOOD, key: value}
            cases.append((f"top{i}{key}.jsonl", (json.dumps(row) + "\n" + json.dumps(GOOD) + "\n").encode()))
    good = (json.dumps(GOOD) + "\n").encode() * 20
    for i in range(40):  # random byte damage to an otherwise valid file
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        cases.append((f"r{i}.jsonl", bytes(data)))
        cases.append((f"r{i}.json", b"[" + bytes(data).replace(b"\n", b",\n")[:-2] + b"]"))
    return cases


@pytest.mark.parametrize("fast", [False, True])
def test_only_load_error_or_success(tmp_path, fast):
    outcomes = {"ok": 0, "error": 0}
    for name, data in _cases():
        if fast and not name.endswith(".jsonl"):
            continue  # only JSONL files have a vectorised path
        path = tmp_path / name
        path.write_bytes(data)
        try:
            ds = load(path, fast=fast)
        except LoadError as err:
            msg = str(err)
            assert "\n" not in msg and "internal error" not in msg, (name, msg)
            outcomes["error"] += 1
            continue
        assert ds.rows_read == len(ds) + len(ds.quarantine), name
        assert all(q.reasons and q.line is not None for q in ds.quarantine), name
        outcomes["ok"] += 1
    assert outcomes["ok"] > 90 and outcomes["error"] > 5, outcomes
