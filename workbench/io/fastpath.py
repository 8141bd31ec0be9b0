"""Vectorised loading of large, mostly clean JSONL / Parquet files (OpenAI chat and Alpaca shapes).

The row-by-row path (``loader.convert_rows``) is exact but builds a Python dict per row; on 1M records
that is ~20x slower than Arrow's own reader. Here Arrow parses the file, every validation rule runs as
a column operation, and only the rows a rule rejects are re-read through the row-by-row path, which
gives them their precise reason codes. Anything this path does not fully understand (unusual types,
tool calls, extra message keys, history...) returns ``None`` and the exact path takes over, so both
paths always produce the same records, ids and quarantine.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io.containers import RawRow
from workbench.io.messages import OPENAI_ROLES
from workbench.model.schema import MESSAGE_TYPE, RECORD_SCHEMA

FAST_FORMATS = ("openai", "alpaca")
ID_KEYS = ("id", "uuid", "_id", "example_id", "conversation_id", "sample_id")
MIN_BYTES = 1 << 20  # below 1 MB the exact path is fast enough and simpler to reason about


def try_fast_load(source, format):
    """A ``Dataset`` via Arrow, or ``None`` when the exact row-by-row path must be used."""
    if not isinstance(source, (str, Path)):
        return None
    path = Path(source)
    name = path.name.lower()
    if not path.is_file() or not name.endswith(".jsonl") or path.stat().st_size < MIN_BYTES:
        return None
    fmt = _sniff_first_lines(path) if format is None else format
    if fmt not in FAST_FORMATS:
        return None
    import pyarrow.json as pj

    try:
        raw = pj.read_json(path, read_options=pj.ReadOptions(block_size=64 << 20))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None  # parse errors or mixed types: the exact path reports them line by line
    # every non-blank line is one row: equal counts mean no blank line, and row i is on line i + 1;
    # a file with blank lines is unusual enough to take the exact path, which numbers lines itself.
    # (Counting in a thread during the parse was measured slower here: Arrow already uses both cores.)
    if _count_lines(path) != raw.num_rows:
        return None
    lines = np.arange(1, raw.num_rows + 1)
    conv = convert_openai(raw) if fmt == "openai" else convert_alpaca(raw)
    if conv is None:
        return None
    rest = raw.drop_columns([c for c in conv[2] if c in raw.column_names])
    del raw  # the chunked source columns are no longer needed: keep peak memory down
    return _finish(path, fmt, rest, conv, lines)


def _sniff_first_lines(path: Path, n: int = 200) -> str | None:
    from workbench.io.detect import detect_format

    rows = []
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
            if len(rows) >= n:
                break
    try:
        return detect_format(rows).name
    except Exception:  # noqa: BLE001 - let the exact path raise its own clear error
        return None


def _count_lines(path: Path) -> int:
    """Lines in the file (a last line without a newline counts): one reused 16 MB buffer, ~0.35 s/GB."""
    buf = bytearray(16 << 20)
    lines, last = 0, b"\n"
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            lines += buf.count(b"\n", 0, n)
            last = bytes(buf[n - 1:n])
    return lines + (last != b"\n")


def _str_col(raw: pa.Table, name: str):
    if name not in raw.column_names:
        return None
    col = raw.column(name).combine_chunks()
    if pa.types.is_null(col.type):
        return pa.nulls(len(col), pa.string())
    return col if pa.types.is_string(col.type) or pa.types.is_large_string(col.type) else False


def convert_openai(raw: pa.Table):
    """(messages ListArray, bad-row mask, consumed column names) or None to fall back."""
    if "messages" not in raw.column_names or {"label", "chosen", "rejected"} & set(raw.column_names):
        return None
    msgs = raw.column("messages").combine_chunks()
    if not (pa.types.is_list(msgs.type) and pa.types.is_struct(msgs.type.value_type)):
        return None
    fields = {f.name: f.type for f in msgs.type.value_type}
    if not {"role", "content"} <= set(fields) or set(fields) - {"role", "content", "name", "weight"}:
        return None  # tool calls, unknown keys: the exact path
    if not pa.types.is_string(fields["role"]) or not pa.types.is_string(fields["content"]):
        return None
    n = len(msgs)
    flat = pc.list_flatten(msgs)
    parents = pc.list_parent_indices(msgs).to_numpy()
    role = flat.field("role")
    content = flat.field("content")
    bad_turn = ~pc.fill_null(pc.is_in(role, pa.array(list(OPENAI_ROLES))), False).to_numpy(zero_copy_only=False)
    bad_turn |= _blank(content)
    if "weight" in fields:
        w = flat.field("weight")
        bad_turn |= ~pc.fill_null(pc.is_in(pc.cast(w, pa.int64()), pa.array([0, 1])), True).to_numpy(
            zero_copy_only=False)
    bad = np.zeros(n, dtype=bool)
    bad[parents[bad_turn]] = True
    bad |= msgs.is_null().to_numpy(zero_copy_only=False)
    mapped = pc.fill_null(role, "")
    for alias, canon in OPENAI_ROLES.items():
        if alias != canon:
            mapped = pc.if_else(pc.equal(mapped, alias), canon, mapped)
    # integer role codes (system=0, user=1, assistant=2, tool=3): no Python string per turn
    codes = pc.fill_null(pc.index_in(mapped, pa.array(["system", "user", "assistant", "tool"])), -1)
    bad |= _order_errors(codes.to_numpy(zero_copy_only=False), parents, msgs.offsets.to_numpy(), n)
    struct = pa.StructArray.from_arrays(
        [mapped, content, flat.field("name") if "name" in fields else pa.nulls(len(flat), pa.string()),
         pa.nulls(len(flat), pa.string()),
         pc.cast(flat.field("weight"), pa.int8()) if "weight" in fields else pa.nulls(len(flat), pa.int8())],
        fields=list(MESSAGE_TYPE))
    messages = pa.ListArray.from_arrays(msgs.offsets, struct)
    return messages, bad, {"messages"}


def _blank(content) -> np.ndarray:
    """Null, empty or whitespace-only strings (a regex test: no trimmed copy of every string)."""
    blank = pc.or_(pc.utf8_is_space(content), pc.equal(pc.binary_length(content), 0))
    return pc.fill_null(blank, True).to_numpy(zero_copy_only=False)


def _order_errors(roles: np.ndarray, parents: np.ndarray, offsets: np.ndarray, n: int) -> np.ndarray:
    """Rows whose first non-system turn is not the user's, with a late system turn, or with no turn.

    ``roles`` are integer codes: 0 system, 1 user, 2 assistant, 3 tool.
    """
    bad = np.ones(n, dtype=bool)
    non_sys = roles != 0
    ns_parents = parents[non_sys]
    first_ns = np.full(n, np.iinfo(np.int64).max)
    if len(ns_parents):
        # parents are sorted, so each row's first non-system turn is where the parent changes
        idx = np.flatnonzero(np.diff(ns_parents, prepend=-1) != 0)
        uniq = ns_parents[idx]
        positions = np.flatnonzero(non_sys)[idx]
        first_ns[uniq] = positions - offsets[uniq]
        bad[uniq] = roles[positions] != 1
    sys_pos = np.flatnonzero(~non_sys)
    late = sys_pos - offsets[parents[sys_pos]] > first_ns[parents[sys_pos]]
    bad[parents[sys_pos[late]]] = True
    return bad


def convert_alpaca(raw: pa.Table):
    """Alpaca columns to messages with numpy scatter (system?, user, assistant?) per row."""
    cols = set(raw.column_names)
    if "instruction" not in cols or "history" in cols:
        return None
    instr, inp, system = _str_col(raw, "instruction"), _str_col(raw, "input"), _str_col(raw, "system")
    out_key = next((k for k in ("output", "response", "completion", "answer") if k in cols), None)
    output = _str_col(raw, out_key) if out_key else None
    if any(c is False for c in (instr, inp, system, output)):
        return None
    n = raw.num_rows
    bad = pc.is_null(instr).to_numpy(zero_copy_only=False)
    instr = pc.fill_null(instr, "")
    user = instr
    if inp is not None:
        has_input = pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(pc.fill_null(inp, ""))), 0)
        user = pc.if_else(has_input, pc.binary_join_element_wise(instr, pc.fill_null(inp, ""), "\n\n"), instr)
    has_sys = np.zeros(n, bool) if system is None else pc.greater(
        pc.utf8_length(pc.utf8_trim_whitespace(pc.fill_null(system, ""))), 0).to_numpy(zero_copy_only=False)
    has_out = np.zeros(n, bool) if output is None else pc.is_valid(output).to_numpy(zero_copy_only=False)
    blank = _blank
    bad |= blank(user)
    if output is not None:
        bad |= has_out & blank(pc.fill_null(output, "x"))
    counts = has_sys.astype(np.int64) + 1 + has_out
    offsets = np.concatenate([[0], np.cumsum(counts)])
    total = int(offsets[-1])
    # index into concat([system, user, output]) for every turn, scattered to its slot
    take = np.empty(total, dtype=np.int64)
    roles = np.empty(total, dtype=object)
    rows = np.arange(n)
    start = offsets[:-1]
    s_idx = start[has_sys]
    take[s_idx], roles[s_idx] = rows[has_sys], "system"
    u_idx = start + has_sys
    take[u_idx], roles[u_idx] = n + rows, "user"
    a_idx = u_idx[has_out] + 1
    take[a_idx], roles[a_idx] = 2 * n + rows[has_out], "assistant"
    pool = pa.concat_arrays([pc.fill_null(system, "") if system is not None else pa.nulls(n, pa.string()),
                             user, pc.fill_null(output, "") if output is not None else pa.nulls(n, pa.string())])
    content = pool.take(pa.array(take))
    struct = pa.StructArray.from_arrays(
        [pa.array(roles, pa.string()), content, pa.nulls(total, pa.string()), pa.nulls(total, pa.string()),
         pa.nulls(total, pa.int8())], fields=list(MESSAGE_TYPE))
    messages = pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), struct)
    consumed = {"instruction", "input", "system"} | ({out_key} if out_key else set())
    return messages, bad, consumed


def _finish(path: Path, fmt: str, raw: pa.Table, conv, lines: np.ndarray):
    from workbench.io.formats import get_format
    from workbench.io.ids import assign_ids
    from workbench.io.loader import convert_rows
    from workbench.model.dataset import Dataset

    messages, bad, consumed = conv
    n = len(messages)
    id_key = next((k for k in ID_KEYS if k in raw.column_names), None)
    source_ids = None
    if id_key:
        source_ids = pc.cast(raw.column(id_key).combine_chunks(), pa.string())
        source_ids = pc.if_else(pc.equal(source_ids, ""), pa.scalar(None, pa.string()), source_ids)
        consumed = consumed | {id_key}
    category = _str_col(raw, "category")
    if category is False:
        category = None  # a non-string category is metadata, as on the exact path
    else:
        consumed = consumed | {"category"}
    extra = [c for c in raw.column_names if c not in consumed]
    metadata = _metadata_json(raw.select(extra)) if extra else pa.nulls(n, pa.string())
    has_assistant = np.zeros(n, bool)
    is_asst = pc.equal(pc.list_flatten(messages).field("role"), "assistant").to_numpy(zero_copy_only=False)
    has_assistant[pc.list_parent_indices(messages).to_numpy()[is_asst]] = True
    # same rule as the exact path: in a file of conversations, a row with no assistant turn is an error
    expect_assistant = bool(has_assistant[~bad].sum() >= max(1, (~has_assistant[~bad]).sum()))
    if expect_assistant:
        bad = bad | ~has_assistant
    table = pa.table({
        "id": source_ids if source_ids is not None else pa.nulls(n, pa.string()),
        "kind": pa.array(np.where(has_assistant, "sft", "prompt_only")),
        "messages": messages, "chosen": pa.nulls(n, RECORD_SCHEMA.field("chosen").type),
        "rejected": pa.nulls(n, RECORD_SCHEMA.field("rejected").type),
        "candidates": pa.nulls(n, RECORD_SCHEMA.field("candidates").type),
        "completion": pa.nulls(n, RECORD_SCHEMA.field("completion").type), "label": pa.nulls(n, pa.bool_()),
        "category": category if category is not None else pa.nulls(n, pa.string()),
        "source_file": pa.array(np.full(n, str(path), dtype=object), pa.string()),
        "source_line": pa.array(lines, pa.int64()), "metadata": metadata,
    }, schema=RECORD_SCHEMA)
    quarantine = []
    if bad.any():
        # the rejected rows go through the exact path for their reason codes
        bad_pos = np.flatnonzero(bad)
        pos_of_line = dict(zip(lines[bad_pos].tolist(), bad_pos.tolist()))
        raw_rows = []
        with path.open("r", encoding="utf-8", errors="surrogateescape") as fh:
            for i, line in enumerate(fh, 1):
                if i in pos_of_line:
                    raw_rows.append(RawRow(i, json.loads(line), line[:500]))
        exact = convert_rows(raw_rows, get_format(fmt), str(path), expect_assistant=expect_assistant)
        quarantine = exact.quarantine
        table = table.filter(pa.array(~bad))
        if len(exact):  # rows the vectorised rules were stricter about than the exact path
            back = [pos_of_line[x] for x in exact.table.column("source_line").to_pylist()]
            src = table.column("id").combine_chunks().type
            rescued = exact.table.set_column(
                0, "id", source_ids.take(pa.array(back)) if source_ids is not None else pa.nulls(len(back), src))
            table = pa.concat_tables([table, rescued]).sort_by("source_line")
    table = table.set_column(0, "id", assign_ids(table, table.column("id").combine_chunks()))
    return Dataset(table, fmt, str(path), quarantine)


def _metadata_json(extra: pa.Table) -> pa.Array:
    """The source's other fields as JSON text per row (Python, but only when such fields exist)."""
    rows = extra.to_pylist()
    return pa.array([json.dumps({k: v for k, v in r.items() if v is not None}, sort_keys=True,
                                ensure_ascii=False, default=str) if any(v is not None for v in r.values())
                     else None for r in rows], pa.string())
