"""Property: the vectorised loader and the row-by-row loader give the same Dataset for every file.

Hypothesis generates JSONL files in four record formats (OpenAI messages, Alpaca, ShareGPT, DPO with
string or message-list sides; all four have a vectorised reader) with
mixed and empty id keys, odd types, Python-only whitespace, metadata, duplicates, and file-level damage
(BOM, blank lines, invalid UTF-8, NUL bytes, duplicate keys, deep nesting, a truncated last line). Each
file is loaded with ``fast=True`` (the vectorised reader forced on a small file, falling back where it
must) and ``fast=False``; records, ids, metadata and quarantine (line, reasons, detail, raw) must match
field by field. A longer run is marked ``slow``.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, find, given, settings
from hypothesis import strategies as st

import workbench.io.fastpath as fastpath
from workbench.io import LoadError, load
from workbench.io.fastpath import try_fast_load

TEXT = st.sampled_from(["hi", "a b", "ünï 中文", "x\ny", "q?", "answer", "", " ", "\u3000", "\x1c", "\xa0x",
                        "\u2028", "tab\t"])
GOOD_TEXT = st.sampled_from(["hi", "a b", "ünï 中文", "x\ny", "q?", "answer"])
ODD = st.sampled_from([None, 5, 0, 1.5, True, [], ["x"], {"a": 1}, ""])


def sometimes(good, odd, p_odd: float = 0.1):
    """``good`` most of the time, ``odd`` with probability ~p_odd (keeps the fast path in play)."""
    return st.integers(0, 999).flatmap(lambda r: odd if r < p_odd * 1000 else good)


def id_value(p):
    return sometimes(st.sampled_from(["k1", "k2", "k3", "dup", "", 7, 0]), ODD, p / 2)


def category(p):
    return sometimes(st.sampled_from(["billing", "other", "x y"]), st.sampled_from(["", None, 5]), p)


def extra(p):
    return st.dictionaries(st.sampled_from(["note", "score", "tags", "source"]),
                           sometimes(st.one_of(GOOD_TEXT, st.integers(-3, 3), st.lists(GOOD_TEXT, max_size=2)),
                                     st.sampled_from([None, 1.5, {"a": [1]}, [1, "x"], True]), p), max_size=2)


@st.composite
def common(draw, p) -> dict:
    row = {}
    for key in draw(st.lists(st.sampled_from(["id", "uuid", "_id"]), max_size=2, unique=True)):
        row[key] = draw(id_value(p))
    if draw(st.booleans()):
        row["category"] = draw(category(p))
    row.update(draw(extra(p)))
    return row


def role(p):
    return sometimes(st.sampled_from(["user", "assistant"]),
                     st.sampled_from(["system", "tool", "developer", "bot", None, 5] if p else
                                     ["system", "tool", "developer", "bot"]), max(p, 0.05))


@st.composite
def message(draw, p, fixed_role=None) -> dict:
    m = {"role": draw(role(p)) if fixed_role is None else fixed_role,
         "content": draw(sometimes(TEXT, st.sampled_from([None, 5, [{"type": "text", "text": "p"}]]), p / 2))}
    if draw(st.integers(0, 9)) == 0:
        m["name"] = draw(st.sampled_from(["bob", "", 5, ["a"]] if p else ["bob", ""]))
    if draw(st.integers(0, 9)) == 0:
        m["weight"] = draw(st.sampled_from([0, 1, 2, None, True, 0.5] if p else [0, 1, 2]))
    if p and draw(st.integers(0, 30)) == 0:
        m["extra"] = 1
    return m


@st.composite
def openai_row(draw, p) -> dict:
    msgs = [draw(message(p, "user")), draw(message(p, "assistant"))] if draw(st.integers(0, 3)) else []
    if draw(st.integers(0, 4)) == 0:
        msgs = [{"role": "system", "content": draw(TEXT)}] + msgs
    msgs += draw(st.lists(message(p), max_size=2))
    return {**draw(common(p)), "messages": msgs}


@st.composite
def alpaca_row(draw, p) -> dict:
    row = {**draw(common(p)), "instruction": draw(sometimes(TEXT, ODD, p / 2))}
    for key in ("input", "system"):
        if draw(st.booleans()):
            row[key] = draw(sometimes(TEXT, ODD, p / 2))
    out_key = draw(sometimes(st.just("output"), st.sampled_from(["response", None] if p else [None]), 0.1))
    if out_key:
        row[out_key] = draw(sometimes(TEXT, ODD, p / 2))
    return row


def sharegpt_from(p):
    return sometimes(st.sampled_from(["human", "gpt", "human", "gpt", "system", "user", "assistant", "observation"]),
                     st.sampled_from(["bot", "function_call", "alien", None, 3] if p else ["bot", "alien"]),
                     max(p, 0.05))


@st.composite
def sharegpt_turn(draw, p) -> dict:
    turn = {"from": draw(sharegpt_from(p)), "value": draw(sometimes(TEXT, st.sampled_from([None, 5]), p / 2))}
    if p and draw(st.integers(0, 20)) == 0:
        del turn[draw(st.sampled_from(["from", "value"]))]
    if draw(st.integers(0, 15)) == 0:
        turn["weight"] = 1  # ignored by ShareGPT
    return turn


@st.composite
def sharegpt_row(draw, p) -> dict:
    turns = []
    if draw(st.integers(0, 4)) == 0:
        turns.append({"from": "system", "value": draw(TEXT)})
    if draw(st.integers(0, 5)):
        turns += [{"from": "human", "value": draw(TEXT)}, {"from": "gpt", "value": draw(TEXT)}]
    turns += draw(st.lists(sharegpt_turn(p), max_size=3))
    row = {**draw(common(p)), "conversations": turns}
    if draw(st.integers(0, 3)) == 0:
        row["system"] = draw(sometimes(TEXT, st.sampled_from([None, 5]), p))
    if p and draw(st.integers(0, 15)) == 0:
        row["chosen"] = {"from": "gpt", "value": "c"}  # ShareGPT-shaped preference row
        row["rejected"] = {"from": "gpt", "value": "r"}
    return row


@st.composite
def dpo_messages(draw, p, first_role, min_size=1) -> list:
    msgs = [draw(message(p, first_role))]
    msgs += draw(st.lists(message(p), max_size=2))
    return msgs if min_size else draw(st.sampled_from([msgs, msgs, msgs, []]))


@st.composite
def dpo_row(draw, p) -> dict:
    # a file keeps one shape per column (as real files do): strings or role/content message lists
    def clean(msgs):  # most message lists carry role and content only, the shape the fast path reads
        return msgs if draw(st.integers(0, 4)) == 0 else [{"role": m["role"], "content": m["content"]} for m in msgs]
    shape = draw(st.sampled_from(["str", "list"]))
    if shape == "str":
        prompt, chosen, rejected = (draw(sometimes(TEXT, ODD, p / 2)) for _ in range(3))
    else:
        prompt = clean(draw(dpo_messages(p, "user", 0)))
        chosen, rejected = clean(draw(dpo_messages(p, "assistant"))), clean(draw(dpo_messages(p, "assistant")))
    if draw(st.integers(0, 6)) == 0:
        rejected = chosen  # chosen_equals_rejected
    row = {**draw(common(p)), "prompt": prompt, "chosen": chosen, "rejected": rejected}
    if p and draw(st.integers(0, 10)) == 0:
        del row["prompt"]  # implicit prompt / missing key
    return row


FORMATS = {"openai": openai_row, "alpaca": alpaca_row, "sharegpt": sharegpt_row, "dpo": dpo_row}


@st.composite
def jsonl_file(draw, only: str | None = None) -> bytes:
    # half the files are "clean" (only what the vectorised path handles, incl. rows it rejects), so the
    # comparison really exercises it; the other half carry odd types and damage it must fall back on
    messy = draw(st.booleans())
    p = 0.1 if messy else 0.0
    fmt = only or draw(st.sampled_from(list(FORMATS)))
    rows = draw(st.lists(FORMATS[fmt](p), min_size=1, max_size=12))
    if len(rows) > 2 and draw(st.booleans()):
        rows[-1] = dict(rows[0])  # an exact repeat: ids get a -2 suffix
    lines = [json.dumps(r, ensure_ascii=draw(st.booleans())).encode() for r in rows]
    for damage in draw(st.lists(st.sampled_from(["bad_utf8", "nul", "dup_key", "deep", "blank", "not_object",
                                                 "parse"]), max_size=2 if messy else 0)):
        at = draw(st.integers(0, len(lines) - 1))
        if damage == "bad_utf8" and b'"hi"' in lines[at]:
            lines[at] = lines[at].replace(b'"hi"', b'"h\xffi"', 1)
        elif damage == "nul":
            lines[at] = lines[at].replace(b'"', b'"\x00', 1)
        elif damage == "dup_key" and lines[at].startswith(b'{"'):
            key = lines[at][1:].split(b'"')[1]
            lines[at] = b'{"' + key + b'": 1, ' + lines[at][1:]
        elif damage == "deep":
            depth = draw(st.sampled_from([150, 2_000, 10_000]))
            lines.insert(at, b'{"messages": ' + b"[" * depth + b"]" * depth + b"}")
        elif damage == "blank":
            lines.insert(at, b"  ")
        elif damage == "not_object":
            lines.insert(at, draw(st.sampled_from([b"[]", b"5", b'"s"', b"null"])))
        elif damage == "parse":
            lines.insert(at, b'{"messages": [}')
    newline = b"\r\n" if draw(st.integers(0, 5)) == 0 else b"\n"
    data = newline.join(lines) + (newline if draw(st.integers(0, 4)) else b"")
    if messy and draw(st.integers(0, 4)) == 0:
        data = b"\xef\xbb\xbf" + data
    return data


def _outcome(path: Path, fast: bool):
    try:
        ds = load(path, fast=fast)
    except LoadError as err:
        return ("error", str(err))
    return ("ok", ds.format, ds.table.to_pylist(), [q.to_dict() for q in ds.quarantine], ds.extra_events,
            ds.rows_read)


def check_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gen.jsonl"
        path.write_bytes(data)
        ran = try_fast_load(path, None, force=True) is not None
        event("vectorised path ran" if ran else "vectorised path fell back")
        fast, exact = _outcome(path, True), _outcome(path, False)
        assert fast[0] == exact[0], (fast, exact)
        if fast[0] == "error":
            assert fast == exact
            assert "internal error" not in fast[1]
            return
        _, fmt_f, rows_f, quar_f, ev_f, read_f = fast
        _, fmt_e, rows_e, quar_e, ev_e, read_e = exact
        assert fmt_f == fmt_e and read_f == read_e
        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        assert read_e == sum(1 for line in body.split(b"\n") if line.decode("utf-8", "replace").strip())
        assert len(rows_f) == len(rows_e)
        for a, b in zip(rows_f, rows_e):
            for key in b:  # field by field, so a failure names the field
                assert a[key] == b[key], (key, a, b)
        assert quar_f == quar_e
        assert ev_f == ev_e
        # the file parsed in 512-byte pieces (several per file, two at a time) and converted piece by
        # piece: the same result (this found Arrow's multi-block reader turning numbers into text)
        saved = fastpath.PIECE_BYTES, fastpath.BLOCK_SIZE
        fastpath.PIECE_BYTES = fastpath.BLOCK_SIZE = 512
        try:
            assert _outcome(path, True) == exact
        finally:
            fastpath.PIECE_BYTES, fastpath.BLOCK_SIZE = saved


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(jsonl_file())
def test_fast_and_exact_paths_agree(data):
    check_file(data)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_generated_files_reach_the_vectorised_path(fmt):
    """Keeps the property above from going vacuous: for every format the generator makes files the
    vectorised reader takes and keeps records from (not only files it hands to the exact path); ``find``
    fails otherwise."""

    def kept_by_vectorised_path(data: bytes) -> bool:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "gen.jsonl"
            path.write_bytes(data)
            ds = try_fast_load(path, None, force=True)
            return ds is not None and len(ds) > 0

    data = find(jsonl_file(fmt), kept_by_vectorised_path,
                settings=settings(database=None, max_examples=2000, deadline=None,
                                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gen.jsonl"
        path.write_bytes(data)
        fast, exact = _outcome(path, True), _outcome(path, False)
    assert fast[0] == "ok" and len(fast[2]) > 0 and fast == exact


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(jsonl_file())
def test_fast_and_exact_paths_agree_long(data):
    check_file(data)
