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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io.convert import convert_rows, metadata_json
from workbench.io.detect import SAMPLE, detect_format
from workbench.io.errors import LoadError
from workbench.io.fastconvert import convert_alpaca, convert_openai, convert_preference, convert_sharegpt, str_col
from workbench.io.fastscan import scan
from workbench.io.formats import get_format
from workbench.io.ids import ID_KEYS, assign_ids, resolve_source_ids
from workbench.io.jsontext import parse_line
from workbench.model.dataset import Dataset
from workbench.model.schema import RECORD_SCHEMA

CONVERTERS = {"openai": convert_openai, "alpaca": convert_alpaca, "sharegpt": convert_sharegpt,
              "preference": convert_preference}
FAST_FORMATS = tuple(CONVERTERS)
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
    import pyarrow.json as pj

    try:
        raw = pj.read_json(path, read_options=pj.ReadOptions(block_size=64 << 20))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None  # parse errors, duplicate keys, mixed types: the exact path reports them line by line
    # every non-blank line is one row: equal counts mean no blank line, and row i is on line i + 1
    if facts.lines != raw.num_rows:
        return None
    conv = CONVERTERS[fmt](raw)
    if conv is None:
        return None
    rest = raw.drop_columns([c for c in conv[2] if c in raw.column_names])
    del raw  # the chunked source columns are no longer needed: keep peak memory down
    return _finish(path, str(source), fmt, rest, conv, facts.ends_with_newline)


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


def _finish(path: Path, where: str, fmt: str, raw: pa.Table, conv, ends_with_newline: bool):
    messages, bad, consumed = conv[:3]
    chosen, rejected = conv[3:] if len(conv) > 3 else (None, None)
    n = len(messages)
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
    metadata = _metadata_json(raw, extra, id_cols, which)
    expect_assistant = None
    if chosen is None:
        has_assistant = np.zeros(n, bool)
        is_asst = pc.equal(pc.list_flatten(messages).field("role"), "assistant").to_numpy(zero_copy_only=False)
        has_assistant[pc.list_parent_indices(messages).to_numpy()[is_asst]] = True
        # same rule as the exact path: in a file of conversations, a row with no assistant turn is an error
        expect_assistant = bool(has_assistant[~bad].sum() >= max(1, (~has_assistant[~bad]).sum()))
        if expect_assistant:
            bad = bad | ~has_assistant
        kind = pa.array(["prompt_only", "sft"]).take(pa.array(has_assistant.view(np.int8)))
    else:
        kind = pa.repeat(pa.scalar("preference"), n)
    none = pa.nulls(n, RECORD_SCHEMA.field("chosen").type)
    table = pa.table({
        "id": pa.nulls(n, pa.string()),
        "kind": kind, "messages": messages, "chosen": chosen if chosen is not None else none,
        "rejected": rejected if rejected is not None else none,
        "candidates": pa.nulls(n, RECORD_SCHEMA.field("candidates").type),
        "completion": pa.nulls(n, RECORD_SCHEMA.field("completion").type), "label": pa.nulls(n, pa.bool_()),
        "category": category if category is not None else pa.nulls(n, pa.string()),
        "source_file": pa.repeat(pa.scalar(where, pa.string()), n),
        "source_line": pa.array(np.arange(1, n + 1), pa.int64()), "metadata": metadata,
    }, schema=RECORD_SCHEMA)
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
        keep = pa.array(~bad)
        table, source_ids = table.filter(keep), source_ids.filter(keep)
    table = table.set_column(0, "id", assign_ids(table, source_ids))
    return Dataset(table, fmt, where, quarantine)


def _metadata_json(raw: pa.Table, extra: list[str], id_cols: dict[str, pa.Array], which: np.ndarray) -> pa.Array:
    """The source's other fields (and id keys a row did not use) as JSON text, null where a row has none.

    Text, integer and boolean fields are spelled by Arrow kernels (sorted keys, ``", "`` and ``": "``,
    as ``metadata_json`` writes them; only strings JSON must escape go through ``json.dumps``); lists
    take the per-row path below.
    """
    n = raw.num_rows
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
        pieces.append(pc.binary_join_element_wise(json.dumps(key, ensure_ascii=False) + ": ", value, ""))
    body = pc.binary_join_element_wise(*pieces, ", ", null_handling="skip") if len(pieces) > 1 else pieces[0]
    body = pc.binary_join_element_wise("{", body, "}", "")
    return pc.if_else(pc.fill_null(pc.greater(pc.binary_length(body), 2), False), body, pa.nulls(n, pa.string()))


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
