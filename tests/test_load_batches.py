"""The vectorised loader reads a JSONL file piece by piece (``fastpath._read_pieces``) and builds the
final columns as it goes (``io.growing``), hashing each piece's rows for their ids. Whatever the pieces,
the Dataset must be the one a whole-file read gives: same table (ids included), same quarantine, same
counts. Files here are seeded, in every format the vectorised reader takes, with bad rows, repeated
records, prompt-only rows and source ids; they are read in random piece sizes, in pieces whose edges
fall on bad rows, and with a row that spans the edge of a read block.
"""
from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import workbench.io.fastpath as fastpath
from workbench.io import load
from workbench.io.growing import MessagesBuilder, StringBuilder
from workbench.io.ids import assign_ids, content_keys, ids_from_digests, number_repeats, row_digests
from workbench.model.schema import MESSAGES_TYPE

WORDS = ["alpha", "beta", "gamma", "delta", "ünï", "中文", "a\nb", "tab\t", 'quo"te', "x"]
FORMATS = ["openai", "alpaca", "alpaca_ids", "sharegpt", "dpo", "dpo_messages"]


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))


def _row(fmt: str, rng: random.Random, bad: bool) -> dict:
    """One record; ``bad`` ones break a rule the vectorised path checks column-wise (same JSON types)."""
    common = {"category": rng.choice(["billing", "other"]), "score": rng.randint(0, 3)}
    if fmt == "openai":
        msgs = [{"role": "user", "content": _text(rng)}, {"role": "assistant", "content": _text(rng)}]
        if bad:
            turn = msgs[rng.randint(0, 1)]
            if rng.random() < 0.5:
                turn["content"] = rng.choice([" ", ""])
            else:
                turn["role"] = rng.choice(["robot", ""])
        return {"id": rng.choice(["", f"o{rng.randint(0, 10**6)}", "dup"]), **common, "messages": msgs}
    if fmt in ("alpaca", "alpaca_ids"):
        row = {"instruction": " " if bad else _text(rng), "input": "" if bad else rng.choice(["", _text(rng)]),
               "output": _text(rng), "system": rng.choice(["", "be brief"]), **common}
        if fmt == "alpaca_ids":
            row["id"] = rng.choice(["", "dup", f"a{rng.randint(0, 10**6)}"])
        return row
    if fmt == "sharegpt":
        turns = [{"from": "human", "value": _text(rng)}, {"from": "gpt", "value": _text(rng)}]
        if bad:
            turns[0]["from"] = rng.choice(["alien", "gpt"])
        return {"id": f"s{rng.randint(0, 10**6)}", "conversations": turns, "system": rng.choice(["", "sys"]),
                **common}
    if fmt == "dpo":
        chosen = _text(rng)
        return {"prompt": _text(rng), "chosen": chosen, "rejected": chosen if bad else _text(rng) + "!", **common}
    chosen = [{"role": "assistant", "content": _text(rng)}]
    rejected = chosen if bad else [{"role": "assistant", "content": _text(rng) + "!"}]
    prompt = [{"role": "assistant" if bad and rng.random() < 0.5 else "user", "content": _text(rng)}]
    return {"prompt": prompt, "chosen": chosen, "rejected": rejected, **common}


def _rows(fmt: str, seed: int, n: int, bad_at=()) -> list[dict]:
    rng = random.Random(seed)
    rows = [_row(fmt, rng, i in bad_at or rng.random() < 0.08) for i in range(n)]
    for i in range(3, n, 7):  # exact repeats of earlier records, some in later pieces: ids get -2, -3...
        if i not in bad_at:
            rows[i] = dict(rows[rng.randrange(i)])
    if fmt == "openai":  # a few prompt-only rows: the file-wide rule quarantines them after the pieces
        for i in rng.sample([i for i in range(n) if i not in bad_at], 3):
            rows[i] = {**rows[i], "messages": rows[i]["messages"][:1]}
    return rows


def _write(tmp_path: Path, rows: list[dict], pad_to: int | None = None) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    if pad_to:  # every line the same length: pieces then hold a known number of lines
        lines = [line[:-1] + ', "pad": "' + "p" * (pad_to - len(line.encode()) - 11) + '"}' for line in lines]
        assert {len(line.encode()) for line in lines} == {pad_to}
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _outcome(ds):
    return ds.format, ds.table.to_pylist(), [q.to_dict() for q in ds.quarantine], ds.rows_read


def _read(path: Path, monkeypatch, piece_bytes: int):
    """A vectorised read in pieces of ``piece_bytes`` (at least 4 lines: see ``try_fast_load``); returns
    (outcome, number of pieces)."""
    pieces = []
    append = fastpath._Parts.append

    def counting(self, piece):
        pieces.append(piece.rows)
        return append(self, piece)

    with monkeypatch.context() as m:
        m.setattr(fastpath, "PIECE_BYTES", piece_bytes)
        m.setattr(fastpath._Parts, "append", counting)
        ds = fastpath.try_fast_load(path, None, force=True)
    assert ds is not None, "the vectorised reader fell back"
    return _outcome(ds), pieces


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_piece_sizes_give_the_whole_file_result(tmp_path, monkeypatch, fmt, seed):
    rows = _rows(fmt, seed, 120)
    path = _write(tmp_path, rows)
    whole, one = _read(path, monkeypatch, path.stat().st_size + 1)
    assert one == [120]
    exact = _outcome(load(path, fast=False))
    assert whole == exact  # the one-piece read is the exact path's result
    assert whole[2], "the seeded bad rows are quarantined"
    assert len(whole[1]) + len(whole[2]) == 120 == whole[3]
    ids = [r["id"] for r in whole[1]]
    assert len(set(ids)) == len(ids) and any(i.endswith("-2") for i in ids)  # repeats numbered
    rng = random.Random(seed)
    for _ in range(4):
        got, pieces = _read(path, monkeypatch, rng.randint(1, 6000))
        assert sum(pieces) == 120
        assert got == whole, (fmt, seed, pieces)


@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_rows_on_piece_edges_and_a_row_across_a_read_block(tmp_path, monkeypatch, fmt):
    """Lines of one length L and pieces of 4.5 L bytes: the first read ends in the middle of line 5 (it
    is carried into the next read), and pieces hold lines 1-4, 5-9, 10-13, 14-18...; bad rows sit on
    the last and first line of pieces and on the line that spans the block edge."""
    length = 700
    edges = [3, 4, 8, 9, 12, 13, 17]  # 0-based rows: last/first of pieces, 4 spans the first block edge
    rows = _rows(fmt, 7, 40, bad_at=set(edges))
    path = _write(tmp_path, rows, pad_to=length - 1)  # (+ the newline)
    got, pieces = _read(path, monkeypatch, 4 * length + length // 2)
    assert pieces[:4] == [4, 5, 4, 5]
    exact = _outcome(load(path, fast=False))
    assert got == exact
    quarantined = {q["line"] for q in got[2]}
    assert {e + 1 for e in edges} <= quarantined  # every edge row is quarantined, with its own line


def test_one_piece_and_many_agree_with_ids_on_a_file_of_only_hashes(tmp_path, monkeypatch):
    rows = [{"instruction": f"do {i % 50}", "output": "done"} for i in range(300)]  # 6 copies of each
    path = _write(tmp_path, rows)
    whole, _ = _read(path, monkeypatch, path.stat().st_size + 1)
    small, pieces = _read(path, monkeypatch, 1)
    assert len(pieces) > 10 and small == whole
    ids = [r["id"] for r in whole[1]]
    assert ids[50] == ids[0] + "-2" and ids[299] == ids[49] + "-6"
    key = "sft\x1duser\x1fdo 0\x1f\x1eassistant\x1fdone\x1f" + "\x1d\x00" * 5  # the frozen recipe
    assert ids[0] == hashlib.sha256(key.encode()).hexdigest()[:16]


def test_ids_from_piecewise_digests_equal_assign_ids():
    rng = np.random.default_rng(3)
    for _ in range(5):
        n = int(rng.integers(1, 400))
        texts = [f"t{int(v)}" for v in rng.integers(0, n // 3 + 1, n)]
        msgs = pa.array([[{"role": "user", "content": t}, {"role": "assistant", "content": "a"}] for t in texts],
                        MESSAGES_TYPE)
        none = pa.nulls(n, MESSAGES_TYPE)
        table = pa.table({"kind": pa.array(["sft"] * n), "messages": msgs, "chosen": none, "rejected": none,
                          "completion": none, "candidates": pa.nulls(n, pa.list_(pa.string())),
                          "label": pa.nulls(n, pa.bool_())})
        given = [None if v else str(rng.choice(["k1", "k2", "k3"])) for v in rng.random(n) < 0.6]
        src = pa.array(given, pa.string())
        need = np.array([s is None for s in given])
        cuts = sorted({0, n, *rng.integers(0, n, 3).tolist()})
        hashed = table.filter(pa.array(need))
        digests = b"".join(row_digests(hashed.slice(a, b - a)) for a, b in zip(cuts[:-1], cuts[1:]))
        assert ids_from_digests(src, need, digests).equals(assign_ids(table, src))
        everyone = b"".join(row_digests(table.slice(a, b - a)) for a, b in zip(cuts[:-1], cuts[1:]))
        all_hashed = ids_from_digests(pa.nulls(n, pa.string()), np.ones(n, bool), everyone)
        assert all_hashed.equals(assign_ids(table))  # the digest path to numbering repeats ...
        plain = pa.array([hashlib.sha256(k.encode()).hexdigest()[:16]
                          for k in content_keys(table).to_pylist()])
        assert all_hashed.equals(number_repeats(plain))  # ... equals numbering the hex ids


def test_string_builder_equals_concatenation():
    rng = np.random.default_rng(5)
    pieces = []
    for _ in range(30):
        n = int(rng.integers(0, 40))
        values = [None if rng.random() < 0.2 else "ü" * int(rng.integers(0, 30)) for _ in range(n)]
        arr = pa.array(values + ["pad"] * 3, pa.string())
        pieces.append(arr.slice(int(rng.integers(0, 3)), n))  # sliced: offsets not starting at 0
    pieces.append(pa.nulls(4, pa.null()))
    builder = StringBuilder(hint=1)  # far too small: it grows
    for p in pieces:
        builder.append(p)
    got = builder.finish()
    got.validate(full=True)
    assert got.to_pylist() == pa.concat_arrays([p.cast(pa.string()) for p in pieces]).to_pylist()


def test_messages_builder_equals_concatenation():
    lists = [[{"role": "user", "content": f"q{i}", "name": None if i % 3 else "bob", "tool_calls": None,
               "weight": i % 2 if i % 4 else None}] * (i % 3) for i in range(50)]
    arr = pa.array(lists, MESSAGES_TYPE)
    builder = MessagesBuilder(hint=10)
    for a, b in [(0, 7), (7, 8), (8, 30), (30, 30), (30, 50)]:
        builder.append(arr.slice(a, b - a))
    got = builder.finish()
    got.validate(full=True)
    assert got.to_pylist() == arr.to_pylist() and got.type == MESSAGES_TYPE


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_vectorised_read_does_not_import_pandas(tmp_path, fmt):
    """pyarrow imports pandas at its first conversion of a Python value (~0.3 s, ~35 MB): the loader
    builds its arrays from buffers (``io.arrowlit``) so a clean file is read without it."""
    import subprocess
    import sys

    rng = random.Random(11)
    rows = [_row(fmt, rng, False) for _ in range(60)]
    rows.append(dict(rows[5]))  # a repeat: its id is numbered
    path = _write(tmp_path, rows)
    code = ("import sys, workbench.io.fastpath as f; ds = f.try_fast_load(sys.argv[1], None, force=True); "
            "print(ds is not None, len(ds.quarantine) if ds else -1, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    ran, quarantined, pandas = out.stdout.split()
    assert ran == "True" and pandas == "False", out.stdout
    assert quarantined == "0"  # (rejected rows are re-read by the exact path, which may import it)


def test_a_column_over_the_string_limit_is_one_clear_error(tmp_path, monkeypatch):
    """A ``string`` column holds at most 2 GB of text; past that the loader says so in one line (the
    limit is lowered here so a small file reaches it)."""
    import workbench.io.growing as growing
    from workbench.io import LoadError

    rng = random.Random(4)
    path = _write(tmp_path, [_row("alpaca", rng, False) for _ in range(50)])
    monkeypatch.setattr(growing, "INT32_MAX", 2000)
    with pytest.raises(LoadError, match="more than 2 GB of text in one column"):
        load(path, fast=True)
