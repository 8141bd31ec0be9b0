"""Column-wise conversion of OpenAI-chat and Alpaca tables to canonical messages, with every rule of
the exact path as a column operation; each function returns ``None`` for anything it does not fully
understand (unusual types, tool calls, extra message keys, history...), so the caller falls back.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io.messages import OPENAI_ROLES
from workbench.model.schema import MESSAGE_TYPE

OUTPUT_KEYS = ("output", "response", "completion", "answer")


def str_col(raw: pa.Table, name: str):
    """The column as strings, ``None`` if absent, ``False`` if it holds anything but strings."""
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
    if not _is(fields.get("name"), pa.types.is_string) or not _is(fields.get("weight"), pa.types.is_int64):
        return None  # a name that is a number or a list, a weight of 0.5 or true: the exact path says why
    n = len(msgs)
    flat = pc.list_flatten(msgs)
    parents = pc.list_parent_indices(msgs).to_numpy()
    role = flat.field("role")
    content = flat.field("content")
    bad_turn = ~pc.fill_null(pc.is_in(role, pa.array(list(OPENAI_ROLES))), False).to_numpy(zero_copy_only=False)
    bad_turn |= _blank(content)
    if "weight" in fields and not pa.types.is_null(fields["weight"]):
        w = flat.field("weight")
        bad_turn |= ~pc.fill_null(pc.is_in(w, pa.array([0, 1], w.type)), True).to_numpy(zero_copy_only=False)
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
        [mapped, content, pc.cast(flat.field("name"), pa.string()) if "name" in fields else pa.nulls(len(flat), pa.string()),
         pa.nulls(len(flat), pa.string()),
         pc.cast(flat.field("weight"), pa.int8()) if "weight" in fields else pa.nulls(len(flat), pa.int8())],
        fields=list(MESSAGE_TYPE))
    messages = pa.ListArray.from_arrays(msgs.offsets, struct)
    return messages, bad, {"messages"}


def _is(t, test) -> bool:
    """An absent or all-null field passes; otherwise ``test`` decides."""
    return t is None or pa.types.is_null(t) or test(t)


def _blank(content) -> np.ndarray:
    """Null strings, or strings Python's ``str.strip()`` leaves empty (no trimmed copy of every string).

    Arrow's ``utf8_is_space`` holds for exactly the code points ``str.isspace`` does (all 1,112,064
    checked in tests/io/test_fastpath.py), so this equals the exact path's ``not s.strip()``.
    """
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
    if "instruction" not in cols or "history" in cols or len(cols & set(OUTPUT_KEYS)) > 1:
        return None  # the exact path picks the output key row by row
    instr, inp, system = str_col(raw, "instruction"), str_col(raw, "input"), str_col(raw, "system")
    out_key = next((k for k in OUTPUT_KEYS if k in cols), None)
    output = str_col(raw, out_key) if out_key else None
    if any(c is False for c in (instr, inp, system, output)):
        return None
    n = raw.num_rows
    bad = pc.is_null(instr).to_numpy(zero_copy_only=False)
    instr = pc.fill_null(instr, "")
    user = instr
    if inp is not None:
        has_input = pa.array(~_blank(inp))
        user = pc.if_else(has_input, pc.binary_join_element_wise(instr, pc.fill_null(inp, ""), "\n\n"), instr)
    has_sys = np.zeros(n, bool) if system is None else ~_blank(system)
    has_out = np.zeros(n, bool) if output is None else pc.is_valid(output).to_numpy(zero_copy_only=False)
    bad |= _blank(user)
    if output is not None:
        bad |= has_out & _blank(pc.fill_null(output, "x"))
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
