"""Vectorised loading of large, mostly clean JSONL files (OpenAI chat, Alpaca, ShareGPT and DPO shapes).

The row-by-row path (``convert.convert_rows``) is exact but builds a Python dict per row; on 1M records
that is ~20x slower than Arrow's own reader. Here Arrow parses the file, every validation rule runs as
a column operation, and only the rows a rule rejects are re-read through the row-by-row path, which
gives them their precise reason codes. The result must equal the exact path's (records, ids, metadata,
quarantine); wherever that cannot be guaranteed this returns ``None`` and the exact path reads the
file: bytes Arrow would misread (``fastscan``), types or keys the rules below do not cover, mixed output
keys, empty categories, or a rejected row the exact path would accept after all.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io.convert import convert_rows, metadata_json
from workbench.io.detect import SAMPLE, detect_format
from workbench.io.errors import LoadError
from workbench.io.fastconvert import (
    convert_alpaca,
    convert_openai,
    convert_preference,
    convert_sharegpt,
    str_col,
)
from workbench.io.fastscan import scan
from workbench.io.formats import get_format
from workbench.io.ids import ID_KEYS, assign_ids, resolve_source_ids
from workbench.io.jsontext import parse_line
from workbench.model.dataset import Dataset
from workbench.model.schema import MESSAGES_TYPE, RECORD_SCHEMA

CONVERTERS = {"openai": convert_openai, "alpaca": convert_alpaca, "sharegpt": convert_sharegpt,
              "preference": convert_preference}
FAST_FORMATS = tuple(CONVERTERS)
PIECE_BYTES = 16 << 20  # Arrow parses the file this much at a time, one block each (see _read_pieces)
WORKERS = 2  # pieces parsed at once
BLOCK_SIZE = 64 << 20  # blocks of the whole-file read, when pieces infer different fields
MIN_BYTES = 1 << 20  # below 1 MB the exact path is fast enough and simpler to reason about
_SCALARS = (pa.types.is_string, pa.types.is_int64, pa.types.is_boolean)


def min_bytes() -> int:
    """Smallest file the vectorised reader takes: ``WORKBENCH_FAST_LOAD_MIN_BYTES`` or 1 MB."""
    env = os.environ.get("WORKBENCH_FAST_LOAD_MIN_BYTES", "").strip()
    return int(env) if env.isdigit() else MIN_BYTES


def try_fast_load(source, format: str | None = None, force: bool = False) -> Dataset | None:
    """A ``Dataset`` via Arrow, or ``None`` when the exact row-by-row path must be used.

    ``force`` ignores the size threshold (tests compare both paths on small files).
    """
    path = Path(source)
    if not path.name.lower().endswith(".jsonl") or not path.is_file():
        return None
    if not force and path.stat().st_size < min_bytes():
        return None
    try:
        fmt = get_format(format).name if format else _sniff_first_lines(path)
    except LoadError:
        return None  # the exact path raises the same error
    if fmt not in FAST_FORMATS:
        return None
    facts = scan(path)
    if not facts.arrow_safe:
        return None
    # a piece or block holds several whole lines: Arrow crashed in tests on lines longer than its block
    size = max(PIECE_BYTES, 4 * facts.longest)
    try:
        parts = _convert_batches(_read_pieces(path, size), fmt)
    except _Conflict:
        return None  # a field is text in one piece and a number in another: the exact path
    except _Differ:
        parts = _read_whole(path, max(BLOCK_SIZE, 4 * facts.longest), fmt)
    except _ARROW_ERRORS:
        return None  # parse errors, duplicate keys, mixed types: the exact path reports them line by line
    # every non-blank line is one row: equal counts mean no blank line, and row i is on line i + 1
    if parts is None or parts["rows"] != facts.lines:
        return None
    return _finish(path, str(source), fmt, parts, facts.ends_with_newline)


_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError)


class _Differ(Exception):
    """A piece has fields another lacks (or only nulls where another has values): read the file whole."""


class _Conflict(Exception):
    """A field holds one JSON type in one piece and another type in another piece."""


def _compatible(a: pa.DataType, b: pa.DataType) -> bool:
    """Could one JSON field have been inferred as ``a`` in one piece and ``b`` in another without any
    value changing type (only absent keys or nulls)? Equal types, a null type, structs whose common
    fields are compatible, lists of compatible values."""
    if a == b or pa.types.is_null(a) or pa.types.is_null(b):
        return True
    if pa.types.is_struct(a) and pa.types.is_struct(b):
        fb = {f.name: f.type for f in b}
        return all(_compatible(f.type, fb[f.name]) for f in a if f.name in fb)
    if pa.types.is_list(a) and pa.types.is_list(b):
        return _compatible(a.value_type, b.value_type)
    return False


def _read_pieces(path: Path, size: int):
    """The file's record batches, Arrow parsing ``size`` bytes of whole lines at a time as ONE block.

    Why not Arrow's multi-block ``read_json``: once a block has typed a field as text, a later block's
    number in it silently becomes text (the exact path keeps it a number or quarantines the row), where
    one block raises. So every piece is one block, two pieces are parsed at a time in threads (the parser
    lets go of the GIL), and the pieces' schemas are compared: a field of different JSON types raises
    ``_Conflict``; fields missing from a piece or null in it raise ``_Differ`` (the caller reads the file
    whole: no value can change type then). Arrow keeps its parse buffers after returning, so a piece at
    a time also keeps them to a piece's size, and the input buffers are reused (no fresh pages).
    """
    import collections
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow.json as pj

    buffers = [bytearray(size + size // 4 + 1) for _ in range(WORKERS + 1)]
    futures: collections.deque = collections.deque()
    schema = None

    def parse(view, n):
        # Arrow copies what it parses into new arrays, so the buffer can be refilled afterwards
        # (tests/io/test_fastpath.py checks it)
        return pj.read_json(pa.BufferReader(pa.py_buffer(view)),
                            read_options=pj.ReadOptions(block_size=n + 1, use_threads=False))

    def batches_of(future):
        nonlocal schema
        table = future.result()
        if schema is None:
            schema = table.schema
        elif table.schema != schema:
            if not all(_compatible(f.type, schema.field(f.name).type) for f in table.schema
                       if schema.get_field_index(f.name) >= 0):
                raise _Conflict()
            if set(table.schema.names) != set(schema.names) or \
                    any(table.schema.field(f.name).type != f.type for f in schema):
                raise _Differ()
            table = table.select(schema.names)
        return table.to_batches()

    carry, turn = b"", 0
    with ThreadPoolExecutor(WORKERS) as pool, path.open("rb", buffering=0) as fh:
        while True:
            while len(futures) >= WORKERS:
                yield from batches_of(futures.popleft())
            buf = buffers[turn % len(buffers)]  # not one an unfinished parse reads (WORKERS - 1 are left)
            view = memoryview(buf)
            k = len(carry)
            view[:k] = carry
            got = fh.readinto(view[k:k + size])
            end = k + got
            cut = buf.rfind(b"\n", 0, end) + 1 if got else end
            if got and cut == 0:
                raise pa.ArrowInvalid("a line longer than a piece")  # (the scan's longest line says not)
            carry = bytes(view[cut:end])
            if cut:
                futures.append(pool.submit(parse, view[:cut], cut))
                turn += 1
            if not got:
                break
        while futures:
            yield from batches_of(futures.popleft())


def _read_whole(path: Path, block: int, fmt: str) -> dict | None:
    import pyarrow.json as pj

    try:
        raw = pj.read_json(path, read_options=pj.ReadOptions(block_size=block))
    except _ARROW_ERRORS:
        return None
    batches = raw.to_batches()
    del raw  # each parsed block is freed once converted: peak memory stays near one copy of the data
    return _convert_batches(iter(batches), fmt)


def _convert_batches(batches, fmt: str) -> dict | None:
    """Convert Arrow's parsed blocks one at a time (all share one schema), dropping each after use.

    Returns the pieces: canonical message columns per block, the bad-row mask, which rows have an
    assistant turn, and the source's other columns (ids, category, extras) as one table.
    """
    convert = CONVERTERS[fmt]
    out: dict[str, Any] = {"messages": [], "chosen": [], "rejected": [], "bad": [], "assistant": [], "rest": []}
    consumed, rows, schema = None, 0, None
    for batch in batches:
        if schema is None:
            schema = batch.schema
        elif batch.schema != schema:
            return None
        block = pa.Table.from_batches([batch])
        del batch
        rows += block.num_rows
        conv = convert(block)
        if conv is None:
            return None
        messages, bad, consumed = conv[:3]
        out["messages"].append(messages)
        out["bad"].append(bad)
        if len(conv) > 3:
            out["chosen"].append(conv[3])
            out["rejected"].append(conv[4])
        else:
            has = np.zeros(len(messages), bool)
            is_asst = pc.equal(pc.list_flatten(messages).field("role"), "assistant").to_numpy(zero_copy_only=False)
            has[pc.list_parent_indices(messages).to_numpy()[is_asst]] = True
            out["assistant"].append(has)
        out["rest"].append(block.drop_columns([c for c in consumed if c in block.column_names]))
        del block, conv, messages
    if not rows:
        return None
    out["consumed"], out["rows"] = consumed, rows
    out["rest"] = pa.concat_tables(out["rest"])
    return out


def _sniff_first_lines(path: Path) -> str:
    """The format ``detect_format`` gives on the rows the exact path would show it (same parser)."""
    values = []
    with path.open("rb") as fh:  # lines end at b"\n" only, as in the exact path's split
        for number, bline in enumerate(fh, 1):
            line = bline.decode("utf-8", "surrogateescape")
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:]
            if line.strip():
                values.append(parse_line(line.rstrip("\n"), number).value)
            if len(values) >= SAMPLE * 2:
                break
    return detect_format(values, str(path)).name


def _id_columns(raw: pa.Table) -> dict[str, pa.Array] | None:
    """Id keys as text (Arrow's cast of strings and int64 equals Python's ``str``); None otherwise."""
    cols = {}
    for key in ID_KEYS:
        if key in raw.column_names:
            col = raw.column(key).combine_chunks()
            if not (pa.types.is_null(col.type) or pa.types.is_string(col.type) or pa.types.is_int64(col.type)):
                return None
            cols[key] = col
    return cols


def _storable(t: pa.DataType) -> bool:
    """Types whose Python values equal what ``json.loads`` gave (no struct unions, no int->float)."""
    if pa.types.is_list(t):
        t = t.value_type
    return pa.types.is_null(t) or any(test(t) for test in _SCALARS)


def _finish(path: Path, where: str, fmt: str, parts: dict, ends_with_newline: bool):
    raw, consumed = parts["rest"], parts["consumed"]
    bad = np.concatenate(parts["bad"])
    preference = bool(parts["chosen"])
    n = len(bad)
    id_cols = _id_columns(raw)
    if id_cols is None:
        return None
    source_ids, which = resolve_source_ids(id_cols, n)  # it casts ids to text
    category = str_col(raw, "category")
    if category is not None and category is not False:
        if pc.any(pc.equal(category, "")).as_py():
            return None  # an empty category stays in the metadata on the exact path
        consumed = consumed | {"category"}
    else:
        category = None  # absent, or not text: metadata, as on the exact path
    extra = [c for c in raw.column_names if c not in consumed and c not in id_cols]
    if not all(_storable(raw.schema.field(c).type) for c in extra):
        return None
    metadata = _metadata_json(raw, extra, id_cols, which, n)
    expect_assistant = None
    if not preference:
        has_assistant = np.concatenate(parts["assistant"])
        # same rule as the exact path: in a file of conversations, a row with no assistant turn is an error
        expect_assistant = bool(has_assistant[~bad].sum() >= max(1, (~has_assistant[~bad]).sum()))
        if expect_assistant:
            bad = bad | ~has_assistant
        kind = pa.array(["prompt_only", "sft"]).take(pa.array(has_assistant.view(np.int8)))
    else:
        kind = pa.repeat(pa.scalar("preference"), n)
    quarantine = []
    if bad.any():
        # the rejected rows go through the exact path for their reason codes
        wanted = set((np.flatnonzero(bad) + 1).tolist())
        rows = []
        with path.open("rb") as fh:  # the scan found valid UTF-8 and no BOM
            for number, bline in enumerate(fh, 1):
                if number in wanted:
                    line = bline.decode("utf-8")
                    last = number == n and not ends_with_newline
                    rows.append(parse_line(line[:-1] if line.endswith("\n") else line, number, last, False))
        exact = convert_rows(rows, get_format(fmt), where, expect_assistant=expect_assistant)
        if len(exact):
            return None  # a row the vectorised rules rejected is valid after all: read it all exactly
        quarantine = exact.quarantine
    keep = ~bad
    lines = np.arange(1, n + 1)[keep] if quarantine else np.arange(1, n + 1)
    columns = {}
    for name in ("messages", "chosen", "rejected"):
        pieces, start = parts[name], 0
        for i, piece in enumerate(pieces):  # drop rejected rows block by block (one block's copy at a time)
            stop = start + len(piece)
            if quarantine and not keep[start:stop].all():
                pieces[i] = piece.filter(pa.array(keep[start:stop]))
            start = stop
        columns[name] = _one_array(pieces, MESSAGES_TYPE) if pieces else None
        pieces.clear()
    if quarantine:
        mask = pa.array(keep)
        kind, metadata, source_ids = kind.filter(mask), metadata.filter(mask), source_ids.filter(mask)
        category = category.filter(mask) if category is not None else None
    m = len(lines)
    none = pa.nulls(m, MESSAGES_TYPE)
    table = pa.table({
        "id": pa.nulls(m, pa.string()), "kind": kind, "messages": columns["messages"],
        "chosen": none if columns["chosen"] is None else columns["chosen"],
        "rejected": none if columns["rejected"] is None else columns["rejected"],
        "candidates": pa.nulls(m, RECORD_SCHEMA.field("candidates").type),
        "completion": none, "label": pa.nulls(m, pa.bool_()),
        "category": category if category is not None else pa.nulls(m, pa.string()),
        "source_file": pa.repeat(pa.scalar(where, pa.string()), m),
        "source_line": pa.array(lines, pa.int64()), "metadata": metadata,
    }, schema=RECORD_SCHEMA)
    table = table.set_column(0, "id", assign_ids(table, source_ids))
    return Dataset(table, fmt, where, quarantine)


def _one_array(pieces: list, type_) -> pa.Array:
    """The blocks' arrays as one contiguous array (what ``Dataset`` keeps), freeing them as it goes."""
    if len(pieces) == 1:
        return pieces[0]
    return pa.concat_arrays(pieces)


def _metadata_json(raw: pa.Table, extra: list[str], id_cols: dict[str, pa.Array], which: np.ndarray,
                   n: int) -> pa.Array:
    """The source's other fields (and id keys a row did not use) as JSON text, null where a row has none.

    Text, integer and boolean fields are spelled by Arrow kernels (sorted keys, ``", "`` and ``": "``,
    as ``metadata_json`` writes them; only strings JSON must escape go through ``json.dumps``); lists
    take the per-row path below. (``n`` is given: a table of no columns may count no rows.)
    """
    cols = {c: raw.column(c).combine_chunks() for c in extra}
    for k, col in id_cols.items():  # an id key the row did not use stays in its metadata
        unused = pc.and_(pc.is_valid(col), pa.array(which != ID_KEYS.index(k)))
        cols[k] = pc.if_else(unused, col, pa.nulls(n, col.type))
    cols = {k: c for k, c in cols.items() if c.null_count < n}
    if not cols:
        return pa.nulls(n, pa.string())
    pieces = []
    for key in sorted(cols):
        value = _json_values(cols[key])
        if value is None:
            return _metadata_rows(cols, n)
        # ', "key": value' or "" (no null_handling="skip": Arrow 26 drops rows whose inputs are all null)
        piece = pc.binary_join_element_wise(", " + json.dumps(key, ensure_ascii=False) + ": ", value, "")
        pieces.append(pc.fill_null(piece, ""))
    body = pc.binary_join_element_wise(*pieces, "") if len(pieces) > 1 else pieces[0]
    text = pc.binary_join_element_wise("{", pc.utf8_slice_codeunits(body, 2), "}", "")
    return pc.if_else(pc.greater(pc.binary_length(body), 0), text, pa.nulls(n, pa.string()))


_MUST_ESCAPE = r'["\\\x00-\x1f]'  # what json.dumps(ensure_ascii=False) escapes in a string


def _json_values(col: pa.Array) -> pa.Array | None:
    """Each value as JSON text (null stays null), or ``None`` for types left to ``json.dumps``."""
    if pa.types.is_int64(col.type) or pa.types.is_boolean(col.type):
        return pc.cast(col, pa.string())  # -3 -> "-3", true -> "true", as json.dumps writes them
    if not pa.types.is_string(col.type):
        return None
    quoted = pc.binary_join_element_wise('"', col, '"', "")
    escape = pc.fill_null(pc.match_substring_regex(col, _MUST_ESCAPE), False)
    if not pc.any(escape).as_py():
        return quoted
    texts = col.filter(escape).to_pylist()
    return pc.replace_with_mask(quoted, escape, pa.array([json.dumps(t, ensure_ascii=False) for t in texts],
                                                         pa.string()))


def _metadata_rows(cols: dict[str, pa.Array], n: int) -> pa.Array:
    """Row by row, only where some field is present (list values)."""
    need = np.zeros(n, bool)
    for col in cols.values():
        need |= col.is_valid().to_numpy(zero_copy_only=False)
    pos = np.flatnonzero(need)
    idx = pa.array(pos)
    values = {c: col.take(idx).to_pylist() for c, col in cols.items()}
    out = np.full(n, None, dtype=object)
    keys = list(values)
    for i, row in enumerate(zip(*values.values())):
        meta = {k: v for k, v in zip(keys, row) if v is not None}
        out[pos[i]] = metadata_json(meta) if meta else None
    return pa.array(out, pa.string())
