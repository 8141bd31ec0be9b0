"""The byte checks run on each piece as it is read (``fastscan.piece_lines``), not in a pass over the whole
file first: same verdict as ``fastscan.scan``, bad bytes in a late piece never reach Arrow, and lines
longer than a piece make the pieces grow as they come."""
from __future__ import annotations

import json

import numpy as np
import pytest

import workbench.io.fastpath as fastpath
import workbench.io.fastscan as fastscan
from workbench.io import load
from workbench.io.ids import _hex16, _suffix_repeats

CASES = [
    b'{"a": [1]}\n{"b": [[{}]]}\n', b'{"a": 1}\n{"b": 2}', b'null\n{"a": 1}\n', b'{"a": 1}\n\n{"a": 1}\n',
    b'\xef\xbb\xbf{"a": 1}\n', b'{"a": "\xff"}\n', b'{"a": "\xc3\xa9\x00"}\n', b'{"a": "\xc3\xa9"}\n',
    b'{"a": "\xf0\x9f\x98\x80\xe4\xb8\xad"}\n', b'{"a": "\xed\xa0\x80"}\n', b'{"a": "\xc0\x80"}\n',
    b'{"a": "\xe4\xb8"}\n', b'{"a": 1}\n{"b": "\xe4\xb8', b'{"a": 1}\n' * 5000, b'{"a": 1}\n  ', b'{"a": 1}\n\n',
    b'{"a": 1}\n{"deep": ' + b"[" * 2000 + b"]" * 2000 + b'}\n{"a": 1}\n',
    b'{"a": 1}\n' * 300 + b'{"deep": ' + b"[" * 1500 + b"]" * 100 + b'}\n',
    b'{"a": 1}\n' * 3 + b'{"long": "' + b"[" * 1500 + b'"}\n',  # long and bracketed, shallow: still refused
    b'{"a": 1}\n' * 3 + b'{"long": "' + b"[" * 900 + b'"}\n',  # long, few brackets: safe
]


@pytest.mark.parametrize("data", CASES)
def test_piece_lines_agrees_with_the_whole_file_scan(tmp_path, data):
    path = tmp_path / "s.jsonl"
    path.write_bytes(data)
    facts = fastscan.scan(path)
    expected = facts.lines if facts.arrow_safe else None
    assert fastscan.piece_lines(bytearray(data), len(data)) == expected
    # a piece is a prefix of a buffer: bytes after n are not looked at
    assert fastscan.piece_lines(bytearray(data + b"\x00null\n"), len(data)) == expected


def _rows(n):
    return [{"instruction": f"do {i} " * (1 + i % 7), "output": f"done {i}"} for i in range(n)]


@pytest.mark.parametrize("at", [5, 150, 299])
def test_bad_bytes_in_a_late_piece_go_to_the_exact_path(tmp_path, monkeypatch, at):
    """A 10,000-deep line in piece ~at/15 (Arrow would crash on it), a NUL byte, a blank line: the piece
    that holds it is checked before Arrow parses it, and the file is read by the exact path."""
    monkeypatch.setattr(fastpath, "PIECE_BYTES", 512)
    for bad in ('{"x": ' + "[" * 10_000 + "]" * 10_000 + "}", '{"instruction": "a\\u0000b"}'.replace("\\u0000", "\x00"),
                ""):
        lines = [json.dumps(r) for r in _rows(300)]
        lines[at] = bad
        path = tmp_path / "d.jsonl"
        path.write_text("\n".join(lines) + "\n")
        assert fastpath.try_fast_load(path, None, force=True) is None
    lines[at] = '{"x": ' + "[" * 10_000 + "]" * 10_000 + "}"
    path.write_text("\n".join(lines) + "\n")
    assert [q.reasons for q in load(path, fast=True).quarantine] == [("nesting_too_deep",)]


@pytest.mark.parametrize("newline", [True, False])
def test_lines_longer_than_a_piece_grow_the_pieces(tmp_path, monkeypatch, newline):
    """Lines of 20-60 KB among short ones, 1 KB pieces: the pieces grow as the long lines come (no scan
    sizes them beforehand), and the records, ids and line numbers equal the exact path's."""
    monkeypatch.setattr(fastpath, "PIECE_BYTES", 1024)
    rows = _rows(200)
    for i, size in ((0, 20_000), (57, 60_000), (58, 30_000), (199, 45_000)):
        rows[i]["output"] = "x" * size
    path = tmp_path / "l.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + ("\n" if newline else ""))
    fast = fastpath.try_fast_load(path, None, force=True)
    assert fast is not None
    exact = load(path, fast=False)
    assert fast.table.to_pylist() == exact.table.to_pylist()
    assert fast.table.column("source_line").to_pylist() == list(range(1, 201))


def test_repeats_numbered_with_and_without_the_sort_shortcut():
    """``_suffix_repeats`` returns the ids untouched when no digest repeats (checked with a plain sort)
    and numbers repeats in file order otherwise."""
    digests = np.array([5, 3, 9, 3, 5, 3], np.uint64)
    ids = _hex16(digests.tobytes())
    got = _suffix_repeats(ids, digests).to_pylist()
    names = ids.to_pylist()
    assert got == [names[0], names[1], names[2], names[1] + "-2", names[0] + "-2", names[1] + "-3"]
    unique = np.array([4, 1, 7], np.uint64)
    ids = _hex16(unique.tobytes())
    assert _suffix_repeats(ids, unique) is ids
