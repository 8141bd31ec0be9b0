"""Vectorised loading of large, mostly clean JSONL files (OpenAI chat, Alpaca, ShareGPT and DPO shapes).

The row-by-row path (``convert.convert_rows``) is exact but builds a Python dict per row; on 1M records
that is ~20x slower than Arrow's own reader. Here Arrow parses the file, every validation rule runs as
a column operation, and only the rows a rule rejects are re-read through the row-by-row path, which
gives them their precise reason codes. The result must equal the exact path's (records, ids, metadata,
quarantine); wherever that cannot be guaranteed this returns ``None`` and the exact path reads the
file: bytes Arrow would misread (``fastscan``, checked on each piece before Arrow parses it), types or keys the rules below do not cover, mixed output
keys, empty categories, or a rejected row the exact path would accept after all.

Memory: the file is read in pieces of ``PIECE_BYTES``; each piece is parsed, converted, stripped of its
rejected rows and content-hashed (``ids.row_digests``) in a worker thread, then its text is copied into
the final columns (``growing``) and the piece freed. The peak is the final table plus a few pieces,
not the parsed file plus the table (``pyarrow.json.read_json`` alone peaks at ~2.7x the file).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io.arrowlit import bools, flag, ints, num, strings, text, to_np
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
from workbench.io.fastscan import piece_lines, scan
from workbench.io.formats import get_format
from workbench.io.growing import MessagesBuilder, StringBuilder, TooLarge, Unsupported
from workbench.io.ids import ID_KEYS, ids_from_digests, resolve_source_ids, row_digests
from workbench.io.jsontext import parse_line
from workbench.model.dataset import Dataset
from workbench.model.memory import release_freed
from workbench.model.schema import MESSAGES_TYPE, RECORD_SCHEMA

CONVERTERS = {"openai": convert_openai, "alpaca": convert_alpaca, "sharegpt": convert_sharegpt,
              "preference": convert_preference}
FAST_FORMATS = tuple(CONVERTERS)
PIECE_BYTES = 4 << 20  # Arrow parses the file this much at a time, one block each (see _read_pieces)
WORKERS = 2  # pieces parsed at once
RELEASE_TAIL = 0.4  # the share of the file (its end) after whose pieces the allocators' caches are emptied
BLOCK_SIZE = 64 << 20  # blocks of the whole-file read, when pieces infer different fields
MIN_BYTES = 1 << 20  # below 1 MB the exact path is fast enough and simpler to reason about
_SCALARS = (pa.types.is_string, pa.types.is_int64, pa.types.is_boolean)
T = TypeVar("T", bound="_Tally")


def min_bytes() -> int:
    """Smallest file the vectorised reader takes: ``WORKBENCH_FAST_LOAD_MIN_BYTES`` or 1 MB."""
    env = os.environ.get("WORKBENCH_FAST_LOAD_MIN_BYTES", "").strip()
    return int(env) if env.isdigit() else MIN_BYTES


def try_fast_load(source, format: str | None = None, force: bool = False) -> Dataset | None:
    """A ``Dataset`` via Arrow, or ``None`` when the exact row-by-row path must be used.

    ``force`` ignores the size threshold (tests compare both paths on small files).
    """
    plan = plan_fast_load(source, format, force)
    if plan is None:
        return None
    try:
        parts = read_parts(plan, _Parts(plan.fmt, plan.hint), whole=True)
        return None if parts is None else _finish(plan, parts)
    except TooLarge:
        raise too_large(plan.path) from None


def too_large(path: Path) -> LoadError:
    """The error for a column of more than 2 GB of text (``growing.TooLarge``)."""
    return LoadError(f"{path} holds more than 2 GB of text in one column: split it into smaller files")


@dataclass
class Plan:
    """A JSONL file the vectorised reader takes: its format, piece size and whether it ends a line."""

    path: Path
    where: str
    fmt: str
    size: int  # bytes parsed at once (whole lines; more when a line is longer than a quarter of this)
    hint: int  # the file's size: no column holds more text
    ends_with_newline: bool


def plan_fast_load(source, format: str | None = None, force: bool = False) -> Plan | None:
    """What the vectorised reader needs to read ``source``, or ``None`` when the exact path must read it
    (not a ``.jsonl`` file, smaller than ``min_bytes()`` unless ``force``, another format). Bytes Arrow
    would misread are found piece by piece as the file is read (``fastscan.piece_lines``): no pass over
    the whole file before the first piece is parsed (``fastscan.scan`` was 0.15 s on 170 MB, one thread,
    before any parsing began)."""
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
    size = path.stat().st_size
    with path.open("rb") as fh:
        if size:
            fh.seek(size - 1)
        ends_with_newline = not size or fh.read(1) == b"\n"
    return Plan(path, str(source), fmt, PIECE_BYTES, size, ends_with_newline)


def read_parts(plan: Plan, parts: T, whole: bool = True) -> T | None:
    """Every piece of the file converted into ``parts`` (``None``: the exact path must read the file).

    ``whole``: when pieces infer different fields (``_Differ``), read the file in one go (``_read_whole``:
    memory grows with the file); ``False`` returns ``None`` then. Raises ``TooLarge``.
    """
    try:
        done = _convert_batches(_read_pieces(plan.path, plan.size, plan.fmt), parts)
    except _Conflict:
        return None  # a field is text in one piece and a number in another: the exact path
    except _Differ:
        if not whole:
            return None
        parts.reset()
        done = _read_whole(plan.path, plan.fmt, parts)
    except _ARROW_ERRORS:
        return None  # parse errors, duplicate keys, mixed types: the exact path reports them line by line
    except TooLarge:  # (a subclass of Unsupported, which falls back: this one must reach the caller)
        raise
    except Unsupported:
        return None  # an array shape the builders do not take: the exact path
    return done  # (each piece held one row per line: row i is on line i + 1)


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


def _read_pieces(path: Path, size: int, fmt: str):
    """The file's pieces, parsed by Arrow ``size`` bytes of whole lines at a time as ONE block and
    converted (``_prepare``) in the same worker thread; ``None`` for a piece that needs the exact path
    (bytes Arrow would misread, found by ``fastscan.piece_lines`` before Arrow sees them; or not one row
    per line). A piece holds several whole lines: when a line is longer than a quarter of ``size``, the
    pieces grow to four times it (Arrow crashed in tests on lines longer than its block).

    Why not Arrow's multi-block ``read_json``: once a block has typed a field as text, a later block's
    number in it silently becomes text (the exact path keeps it a number or quarantines the row), where
    one block raises. So every piece is one block, two pieces are parsed at a time in threads (the parser
    lets go of the GIL), and the pieces' schemas are compared: a field of different JSON types raises
    ``_Conflict``; fields missing from a piece or null in it raise ``_Differ`` (the caller reads the file
    whole: no value can change type then). Arrow keeps its parse buffers after returning, so a piece at
    a time also keeps them to a piece's size, and the input buffers are reused (no fresh pages). The
    conversion and the content hashes run in the worker too: Arrow's kernels let go of the GIL, so a
    piece converts while the next one parses, and what a worker allocates it frees itself.
    """
    import collections
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow.json as pj

    buffers = [bytearray(size + size // 4 + 1) for _ in range(WORKERS + 1)]
    futures: collections.deque = collections.deque()
    schema = None

    def parse(buf, n, release):
        lines = piece_lines(buf, n)
        if lines is None:
            return None, None  # Arrow may crash or misread these bytes: the exact path reads the file
        # Arrow copies what it parses into new arrays, so the buffer can be refilled afterwards
        # (tests/io/test_fastpath.py checks it)
        table = pj.read_json(pa.BufferReader(pa.py_buffer(memoryview(buf)[:n])),
                             read_options=pj.ReadOptions(block_size=n + 1, use_threads=False))
        if table.num_rows != lines:
            return None, None  # every line is one row: then row i of the file is on line i + 1
        schema, piece = table.schema, _prepare_or_none(table, fmt)
        del table
        if release:
            release_freed()
        return schema, piece

    def piece_of(future):
        nonlocal schema
        got, piece = future.result()
        if got is None:
            return None
        if schema is None:
            schema = got
        elif got != schema:  # (the conversion does not depend on the order of the columns)
            if not all(_compatible(f.type, schema.field(f.name).type) for f in got
                       if schema.get_field_index(f.name) >= 0):
                raise _Conflict()
            if set(got.names) != set(schema.names) or any(got.field(f.name).type != f.type for f in schema):
                raise _Differ()
        return piece

    carry, turn, read = b"", 0, 0  # read: where the last piece ends in the file
    # Arrow's allocator (mimalloc) keeps what a thread freed for that thread's next allocations. Handing
    # it back after every piece kept the peak ~35 MB lower on a 170 MB file, but every piece then wrote
    # its temporaries to fresh pages: ~80k more page faults and ~0.4-0.6 s more CPU on 300k Alpaca
    # records (1.4 s of CPU without it, 2.0 s with it). The peak is reached at the end of the read, when
    # the final columns are nearly whole, so the cache only matters then: it is handed back after each
    # piece of the last RELEASE_TAIL of the file, never before.
    release_from = int(os.path.getsize(path) * (1 - RELEASE_TAIL))
    with ThreadPoolExecutor(WORKERS) as pool, path.open("rb", buffering=0) as fh:
        while True:
            while len(futures) >= WORKERS:
                yield piece_of(futures.popleft())
            slot = turn % len(buffers)  # not one an unfinished parse reads (WORKERS - 1 are left)
            k = len(carry)
            if len(buffers[slot]) < k + size:  # a long line is carried over: room for it and a piece
                buffers[slot] = bytearray(k + size + size // 4 + 1)
            buf = buffers[slot]
            view = memoryview(buf)
            view[:k] = carry
            got = fh.readinto(view[k:k + size])
            end = k + got
            cut = buf.rfind(b"\n", 0, end) + 1 if got else end
            carry = bytes(view[cut:end])
            if 4 * len(carry) > size:  # a line longer than a quarter piece: pieces of several such lines
                size = 4 * len(carry)
            if cut:
                read += cut  # the file offset where this piece ends
                futures.append(pool.submit(parse, buf, cut, read >= release_from))
                turn += 1
            if not got:
                break
        while futures:
            yield piece_of(futures.popleft())


def _read_whole(path: Path, fmt: str, parts: T) -> T | None:
    """The file in one ``read_json`` (blocks of ``BLOCK_SIZE``, or four lines of its longest), after
    ``fastscan.scan`` found nothing Arrow would misread; ``None`` otherwise, or when a line is not one row."""
    import pyarrow.json as pj

    facts = scan(path)
    if not facts.arrow_safe:
        return None
    try:
        # a block holds several whole lines: Arrow crashed in tests on lines longer than its block
        raw = pj.read_json(path, read_options=pj.ReadOptions(block_size=max(BLOCK_SIZE, 4 * facts.longest)))
    except _ARROW_ERRORS:
        return None
    if raw.num_rows != facts.lines:
        return None
    batches = raw.to_batches()
    del raw  # each parsed block is freed once converted: peak memory stays near one copy of the data

    def pieces():
        schema = batches[0].schema if batches else None
        while batches:
            batch = batches.pop(0)
            yield _prepare_or_none(pa.Table.from_batches([batch]), fmt) if batch.schema == schema else None

    return _convert_batches(pieces(), parts)


class _Fallback(Exception):
    """Something the vectorised rules do not cover: the exact path reads the file."""


@dataclass
class _Piece:
    """One converted piece: its rows' bad marks (and assistant turns), and its kept rows' columns."""

    rows: int
    bad: np.ndarray
    has_assistant: np.ndarray | None  # (None for preference pairs)
    sides: dict[str, pa.ListArray]  # messages (and chosen, rejected) of the kept rows
    source_ids: pa.Array
    metadata: pa.Array
    category: pa.Array | None
    need: np.ndarray  # per kept row: no source id, so its content digest is in ``digests``
    digests: bytes


def _prepare_or_none(block: pa.Table, fmt: str) -> _Piece | None:
    try:
        return _prepare(block, fmt)
    except _Fallback:
        return None


def _prepare(block: pa.Table, fmt: str) -> _Piece:
    """Convert one parsed piece: every rule as a column operation, the rejected rows dropped, the content
    digests of the kept rows without a source id (a row's digest depends on that row alone).

    Pure (a worker thread runs it); raises ``_Fallback`` where the exact path must read the file.
    """
    conv = CONVERTERS[fmt](block)
    if conv is None:
        raise _Fallback()
    messages, bad, consumed = conv[:3]
    n = block.num_rows
    sides = {"messages": messages}
    has = None
    if len(conv) > 3:
        sides["chosen"], sides["rejected"] = conv[3], conv[4]
    else:
        has = np.zeros(n, bool)
        is_asst = to_np(pc.equal(pc.list_flatten(messages).field("role"), text("assistant")))
        has[to_np(pc.list_parent_indices(messages))[is_asst]] = True
    del conv, messages
    raw = block.drop_columns([c for c in consumed if c in block.column_names])
    del block
    id_cols = _id_columns(raw)
    if id_cols is None:
        raise _Fallback()
    source_ids, which = resolve_source_ids(id_cols, n)  # it casts ids to text
    category = str_col(raw, "category")
    if category is not None and category is not False:
        if pc.any(pc.equal(category, text(""))).as_py():
            raise _Fallback()  # an empty category stays in the metadata on the exact path
        consumed = consumed | {"category"}
    else:
        category = None  # absent, or not text: metadata, as on the exact path
    extra = [c for c in raw.column_names if c not in consumed and c not in id_cols]
    if not all(_storable(raw.schema.field(c).type) for c in extra):
        raise _Fallback()
    metadata = _metadata_json(raw, extra, id_cols, which, n)
    del raw, id_cols
    keep = ~bad
    kept_has = has
    if not keep.all():
        mask = bools(keep)
        sides = {k: v.filter(mask) for k, v in sides.items()}
        source_ids, metadata = source_ids.filter(mask), metadata.filter(mask)
        category = category.filter(mask) if category is not None else None
        kept_has = has[keep] if has is not None else None
    m = int(keep.sum())
    need = to_np(pc.is_null(source_ids))
    digests = b""
    if need.any():
        kind = pa.repeat(text("preference"), m) if kept_has is None else \
            strings(["prompt_only", "sft"]).take(ints(kept_has, pa.int8()))
        none = pa.nulls(m, MESSAGES_TYPE)
        hashed = pa.table({"kind": kind, "messages": sides["messages"], "chosen": sides.get("chosen", none),
                           "rejected": sides.get("rejected", none), "completion": none,
                           "candidates": pa.nulls(m, RECORD_SCHEMA.field("candidates").type),
                           "label": pa.nulls(m, pa.bool_())})
        digests = row_digests(hashed if need.all() else hashed.filter(bools(need)))
    return _Piece(n, bad, has, sides, source_ids, metadata, category, need, digests)


class _Tally:
    """What must be known of every row before any id is final: each row's bad mark and assistant turn
    (the file-wide rule on prompt-only rows is applied at the end), the source ids and the content
    digests of the kept rows without one. Subclasses keep the kept rows' columns (``_keep``)."""

    def __init__(self, fmt: str) -> None:
        self.preference = fmt == "preference"
        self.names = ("messages", "chosen", "rejected") if self.preference else ("messages",)
        self.reset()

    def reset(self) -> None:
        self.rows = 0
        self.source_ids = StringBuilder()
        self.bad: list[np.ndarray] = []
        self.assistant: list[np.ndarray] = []
        self.need: list[np.ndarray] = []
        self.digests: list[bytes] = []

    def append(self, piece: _Piece) -> None:
        self.rows += piece.rows
        self.bad.append(piece.bad)
        if piece.has_assistant is not None:
            self.assistant.append(piece.has_assistant)
        self.source_ids.append(piece.source_ids)
        self.need.append(piece.need)
        self.digests.append(piece.digests)
        self._keep(piece)

    def _keep(self, piece: _Piece) -> None:
        raise NotImplementedError


class _Parts(_Tally):
    """The pieces' kept rows in their final columns in memory (``growing`` builders: the text is copied
    once, then the piece is freed)."""

    def __init__(self, fmt: str, hint: int) -> None:
        self.hint = hint
        super().__init__(fmt)

    def reset(self) -> None:
        super().reset()
        self.columns = {name: MessagesBuilder(self.hint) for name in self.names}
        self.metadata, self.category = StringBuilder(), StringBuilder()
        self.has_category = False

    def _keep(self, piece: _Piece) -> None:
        for name, builder in self.columns.items():
            builder.append(piece.sides[name])
        self.metadata.append(piece.metadata)
        if piece.category is not None:
            self.has_category = True
        self.category.append(piece.category if piece.category is not None else
                             pa.nulls(len(piece.source_ids), pa.string()))


def _convert_batches(pieces, parts: T) -> T | None:
    """Gather the converted pieces (dropping each after use); ``None`` when one needs the exact path."""
    for piece in pieces:
        if piece is None:
            return None
        parts.append(piece)
        del piece
    return parts if parts.rows else None


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


@dataclass
class Settled:
    """The file-wide outcome of a vectorised read: which rows are kept (in file order), their ids, kinds
    and line numbers, and the quarantine. ``later`` marks, among the rows the pieces kept, those kept in
    the end (``None``: all of them)."""

    keep: np.ndarray  # per row of the file
    later: np.ndarray | None  # per row the pieces kept
    ids: pa.Array  # per kept row
    has_assistant: np.ndarray | None  # per kept row (None for preference pairs)
    lines: np.ndarray  # per kept row, its 1-based line
    quarantine: list


def settle(plan: Plan, parts: _Tally) -> Settled | None:
    """Apply the file-wide rules to what the pieces found: the prompt-only rule, the rejected rows'
    reasons (re-read by the exact path), and the ids (``ids_from_digests``: repeats numbered over the
    whole file). ``None`` when a rejected row is valid after all (the exact path must read the file)."""
    bad = np.concatenate(parts.bad)
    kept_first = ~bad  # the rows the pieces kept (no vectorised rule rejected them)
    n = len(bad)
    expect_assistant = None
    has_assistant = None
    if not parts.preference:
        has_assistant = np.concatenate(parts.assistant)
        # same rule as the exact path: in a file of conversations, a row with no assistant turn is an error
        expect_assistant = bool(has_assistant[~bad].sum() >= max(1, (~has_assistant[~bad]).sum()))
        if expect_assistant:
            bad = bad | ~has_assistant
    quarantine = []
    if bad.any():
        # the rejected rows go through the exact path for their reason codes
        wanted = set((np.flatnonzero(bad) + 1).tolist())
        rows = []
        with plan.path.open("rb") as fh:  # the scan found valid UTF-8 and no BOM
            for number, bline in enumerate(fh, 1):
                if number in wanted:
                    line = bline.decode("utf-8")
                    last = number == n and not plan.ends_with_newline
                    rows.append(parse_line(line[:-1] if line.endswith("\n") else line, number, last, False))
        exact = convert_rows(rows, get_format(plan.fmt), plan.where, expect_assistant=expect_assistant)
        if len(exact):
            return None  # a row the vectorised rules rejected is valid after all: read it all exactly
        quarantine = exact.quarantine
    keep = ~bad
    # rows the pieces kept that the file-wide rule drops (a prompt-only row in a file of conversations)
    later = keep[kept_first]
    source_ids = parts.source_ids.finish()
    need = np.concatenate(parts.need)
    digests = b"".join(parts.digests)
    parts.digests.clear()
    if not later.all():
        source_ids = source_ids.filter(bools(later))
        digests = _take_digests(digests, later[need])
        need = need[later]
    return Settled(keep, None if later.all() else later, ids_from_digests(source_ids, need, digests),
                   has_assistant[keep] if has_assistant is not None else None, np.flatnonzero(keep) + 1,
                   quarantine)


def records_table(settled: Settled, lo: int, columns: dict[str, pa.Array], metadata: pa.Array,
                  category: pa.Array | None, where: str) -> pa.Table:
    """The canonical table of the kept rows ``lo``, ``lo + 1``... (as many as ``metadata`` holds) from
    their converted columns and what ``settle`` decided for them: the whole table, or one batch of it."""
    m = len(metadata)
    hi = lo + m
    if settled.has_assistant is not None:
        kind = strings(["prompt_only", "sft"]).take(ints(settled.has_assistant[lo:hi], pa.int8()))
    else:
        kind = pa.repeat(text("preference"), m)
    none = pa.nulls(m, MESSAGES_TYPE)
    return pa.table({
        "id": settled.ids.slice(lo, m), "kind": kind, "messages": columns["messages"],
        "chosen": columns.get("chosen", none), "rejected": columns.get("rejected", none),
        "candidates": pa.nulls(m, RECORD_SCHEMA.field("candidates").type),
        "completion": none, "label": pa.nulls(m, pa.bool_()),
        "category": category if category is not None else pa.nulls(m, pa.string()),
        "source_file": pa.repeat(text(where), m),
        "source_line": ints(settled.lines[lo:hi]), "metadata": metadata,
    }, schema=RECORD_SCHEMA)


def _finish(plan: Plan, parts: _Parts) -> Dataset | None:
    settled = settle(plan, parts)
    if settled is None:
        return None
    columns = {name: b.finish() for name, b in parts.columns.items()}
    metadata = parts.metadata.finish()
    category = parts.category.finish() if parts.has_category else None
    if settled.later is not None:  # (one copy of the columns: only files mixing prompt-only and SFT rows)
        mask = bools(settled.later)
        columns = {k: v.filter(mask) for k, v in columns.items()}
        metadata = metadata.filter(mask)
        category = category.filter(mask) if category is not None else None
    table = records_table(settled, 0, columns, metadata, category, plan.where)
    return Dataset(table, plan.fmt, plan.where, settled.quarantine)


def _take_digests(digests: bytes, keep: np.ndarray) -> bytes:
    """The 8-byte digests of the rows where ``keep``."""
    return np.frombuffer(digests, np.uint8).reshape(-1, 8)[keep].tobytes()


def _metadata_json(raw: pa.Table, extra: list[str], id_cols: dict[str, pa.Array], which: np.ndarray,
                   n: int) -> pa.Array:
    """The source's other fields (and id keys a row did not use) as JSON text, null where a row has none.

    Text, integer and boolean fields are spelled by Arrow kernels (sorted keys, ``", "`` and ``": "``,
    as ``metadata_json`` writes them; only strings JSON must escape go through ``json.dumps``); lists
    take the per-row path below. (``n`` is given: a table of no columns may count no rows.)
    """
    cols = {c: raw.column(c).combine_chunks() for c in extra}
    for k, col in id_cols.items():  # an id key the row did not use stays in its metadata
        unused = pc.and_(pc.is_valid(col), bools(which != ID_KEYS.index(k)))
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
        piece = pc.binary_join_element_wise(text(", " + json.dumps(key, ensure_ascii=False) + ": "), value, text(""))
        pieces.append(pc.fill_null(piece, text("")))
    body = pc.binary_join_element_wise(*pieces, text("")) if len(pieces) > 1 else pieces[0]
    wrapped = pc.binary_join_element_wise(text("{"), pc.utf8_slice_codeunits(body, 2), text("}"), text(""))
    return pc.if_else(pc.greater(pc.binary_length(body), num(0, pa.int32())), wrapped, pa.nulls(n, pa.string()))


_MUST_ESCAPE = r'["\\\x00-\x1f]'  # what json.dumps(ensure_ascii=False) escapes in a string


def _json_values(col: pa.Array) -> pa.Array | None:
    """Each value as JSON text (null stays null), or ``None`` for types left to ``json.dumps``."""
    if pa.types.is_int64(col.type) or pa.types.is_boolean(col.type):
        return pc.cast(col, pa.string())  # -3 -> "-3", true -> "true", as json.dumps writes them
    if not pa.types.is_string(col.type):
        return None
    quoted = pc.binary_join_element_wise(text('"'), col, text('"'), text(""))
    escape = pc.fill_null(pc.match_substring_regex(col, _MUST_ESCAPE), flag(False))
    if not pc.any(escape).as_py():
        return quoted
    texts = col.filter(escape).to_pylist()
    return pc.replace_with_mask(quoted, escape, strings([json.dumps(t, ensure_ascii=False) for t in texts]))


def _metadata_rows(cols: dict[str, pa.Array], n: int) -> pa.Array:
    """Row by row, only where some field is present (list values)."""
    need = np.zeros(n, bool)
    for col in cols.values():
        need |= to_np(col.is_valid())
    pos = np.flatnonzero(need)
    idx = ints(pos)
    values = {c: col.take(idx).to_pylist() for c, col in cols.items()}
    out = np.full(n, None, dtype=object)
    keys = list(values)
    for i, row in enumerate(zip(*values.values())):
        meta = {k: v for k, v in zip(keys, row) if v is not None}
        out[pos[i]] = metadata_json(meta) if meta else None
    return strings(list(out))
