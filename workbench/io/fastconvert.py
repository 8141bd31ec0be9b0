"""Column-wise conversion of OpenAI-chat, Alpaca, ShareGPT and DPO (preference) tables to canonical
messages, with every rule of the exact path as a column operation; each function returns ``None`` for
anything it does not fully understand (unusual types, tool calls, extra message keys, history,
ShareGPT preference rows, implicit prompts...), so the caller falls back.

Each returns ``(messages, bad, consumed)`` or, for preference pairs, ``(messages, bad, consumed, chosen,
rejected)``: ListArrays of canonical messages, a numpy mask of the rows some rule rejects (the caller
re-reads exactly those rows through the exact path for their reason codes), and the source columns used.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io.arrowlit import bools, flag, ints, num, strings, text, to_np
from workbench.io.formats.alpaca import INPUT_KEYS, OUTPUT_KEYS
from workbench.io.messages import OPENAI_ROLES, ROLE_ALIASES
from workbench.model.schema import MESSAGE_TYPE


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
    parents = to_np(pc.list_parent_indices(msgs))
    role = flat.field("role")
    content = flat.field("content")
    bad_turn = ~to_np(pc.fill_null(pc.is_in(role, strings(list(OPENAI_ROLES))), flag(False)))
    bad_turn |= _blank(content)
    if "weight" in fields and not pa.types.is_null(fields["weight"]):
        w = flat.field("weight")
        bad_turn |= ~to_np(pc.fill_null(pc.is_in(w, ints([0, 1], w.type)), flag(True)))
    bad = np.zeros(n, dtype=bool)
    bad[parents[bad_turn]] = True
    bad |= to_np(msgs.is_null())
    mapped = pc.fill_null(role, text(""))
    for alias, canon in OPENAI_ROLES.items():
        if alias != canon:
            mapped = pc.if_else(pc.equal(mapped, text(alias)), text(canon), mapped)
    # integer role codes (system=0, user=1, assistant=2, tool=3): no Python string per turn
    codes = pc.fill_null(pc.index_in(mapped, strings(["system", "user", "assistant", "tool"])), num(-1, pa.int32()))
    bad |= _order_errors(to_np(codes), parents, to_np(msgs.offsets), n)
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
    blank = pc.or_(pc.utf8_is_space(content), pc.equal(pc.binary_length(content), num(0, pa.int32())))
    return to_np(pc.fill_null(blank, flag(True)))


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
    if "instruction" not in cols or "history" in cols or len(cols & set(OUTPUT_KEYS)) > 1 \
            or len(cols & set(INPUT_KEYS)) > 1:
        return None  # the exact path picks the output (and input) key row by row
    in_key = next((k for k in INPUT_KEYS if k in cols), None)
    instr, system = str_col(raw, "instruction"), str_col(raw, "system")
    inp = str_col(raw, in_key) if in_key else None
    out_key = next((k for k in OUTPUT_KEYS if k in cols), None)
    output = str_col(raw, out_key) if out_key else None
    if any(c is False for c in (instr, inp, system, output)):
        return None
    n = raw.num_rows
    bad = to_np(pc.is_null(instr))
    instr = pc.fill_null(instr, text(""))
    user = instr
    if inp is not None:
        has_input = bools(~_blank(inp))
        user = pc.if_else(has_input, pc.binary_join_element_wise(instr, pc.fill_null(inp, text("")), text("\n\n")),
                          instr)
    has_sys = np.zeros(n, bool) if system is None else ~_blank(system)
    has_out = np.zeros(n, bool) if output is None else to_np(pc.is_valid(output))
    bad |= _blank(user)
    if output is not None:
        bad |= has_out & _blank(pc.fill_null(output, text("x")))
    counts = has_sys.astype(np.int64) + 1 + has_out
    offsets = np.concatenate([[0], np.cumsum(counts)])
    total = int(offsets[-1])
    # index into concat([system, user, output]) for every turn, scattered to its slot
    take = np.empty(total, dtype=np.int64)
    codes = np.empty(total, dtype=np.int64)  # role codes (ROLE_CODES): no Python string per turn
    rows = np.arange(n)
    start = offsets[:-1]
    s_idx = start[has_sys]
    take[s_idx], codes[s_idx] = rows[has_sys], 0
    u_idx = start + has_sys
    take[u_idx], codes[u_idx] = n + rows, 1
    a_idx = u_idx[has_out] + 1
    take[a_idx], codes[a_idx] = 2 * n + rows[has_out], 2
    pool = pa.concat_arrays([pc.fill_null(system, text("")) if system is not None else pa.nulls(n, pa.string()),
                             user, pc.fill_null(output, text("")) if output is not None else pa.nulls(n, pa.string())])
    messages = _messages(offsets, codes, pool.take(ints(take)))
    consumed = {"instruction", "system"} | ({out_key} if out_key else set()) | ({in_key} if in_key else set())
    return messages, bad, consumed


ROLE_CODES = ("system", "user", "assistant", "tool")  # integer role codes 0..3 used below


def _role_codes(role, aliases: dict[str, str]) -> np.ndarray:
    """Each turn's canonical role as a code 0..3 (-1: null or not in ``aliases``), no string per turn."""
    keys = strings(list(aliases))
    codes = np.array([ROLE_CODES.index(aliases[k]) for k in aliases] + [-1], dtype=np.int64)
    idx = to_np(pc.fill_null(pc.index_in(role, keys), num(len(aliases), pa.int32())))
    return codes[idx]


def _messages(offsets: np.ndarray, codes: np.ndarray, content) -> pa.ListArray:
    """Canonical messages from per-turn role codes (>= 0) and contents; name, tool_calls, weight null."""
    total = len(codes)
    roles = strings(list(ROLE_CODES)).take(ints(np.maximum(codes, 0)))
    struct = pa.StructArray.from_arrays(
        [roles, content, pa.nulls(total, pa.string()), pa.nulls(total, pa.string()), pa.nulls(total, pa.int8())],
        fields=list(MESSAGE_TYPE))
    return pa.ListArray.from_arrays(ints(offsets, pa.int32()), struct)


def _list_turns(col, key_field: str, value_field: str, aliases: dict[str, str]):
    """A list<struct> column of turns: (row of each turn, role codes, contents, row lengths, bad rows).

    ``None`` when a turn's role or text is not a string column (numbers, content parts...). A null list,
    a null or unknown role and a null or blank text make the row bad.
    """
    if not (pa.types.is_list(col.type) and pa.types.is_struct(col.type.value_type)):
        return None
    fields = {f.name: f.type for f in col.type.value_type}
    if key_field not in fields or value_field not in fields:
        return None
    if not pa.types.is_string(fields[key_field]) or not pa.types.is_string(fields[value_field]):
        return None
    lengths = to_np(pc.fill_null(pc.list_value_length(col), num(0, pa.int32()))).astype(np.int64)
    flat = pc.list_flatten(col)
    parents = to_np(pc.list_parent_indices(col)).astype(np.int64)
    if len(flat) != int(lengths.sum()):
        return None  # a null list spanning values: not what Arrow's reader makes, do not guess
    role, content = flat.field(key_field), flat.field(value_field)
    codes = _role_codes(role, aliases)
    bad_turn = (codes < 0) | _blank(content)
    bad = to_np(col.is_null()).copy()
    bad[parents[bad_turn]] = True
    return parents, codes, content, lengths, bad, role


def _prepend(n: int, first: np.ndarray, first_code: int, first_pool, parents: np.ndarray, codes: np.ndarray,
             content, lengths: np.ndarray):
    """Put one turn (``first_pool[r]`` with role ``first_code``) before the turns of rows where ``first``."""
    counts = lengths + first
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    row_start_old = np.cumsum(lengths) - lengths
    take = np.empty(total, np.int64)
    new_codes = np.empty(total, np.int64)
    rows = np.flatnonzero(first)
    take[offsets[rows]] = rows
    new_codes[offsets[rows]] = first_code
    pos = offsets[parents] + first[parents] + (np.arange(len(parents)) - row_start_old[parents])
    take[pos] = n + np.arange(len(parents))
    new_codes[pos] = codes
    pool = pa.concat_arrays([first_pool, content.cast(pa.string())])
    return offsets, new_codes, pool.take(ints(take))


def convert_sharegpt(raw: pa.Table):
    """ShareGPT ``conversations`` (from/value) and an optional ``system`` column to messages."""
    cols = set(raw.column_names)
    if "conversations" not in cols or {"chosen", "rejected"} & cols:
        return None  # ShareGPT-shaped preference rows: the exact path
    conv = raw.column("conversations").combine_chunks()
    turns = _list_turns(conv, "from", "value", ROLE_ALIASES)
    if turns is None:
        return None
    parents, codes, content, lengths, bad, role = turns
    if pc.any(pc.equal(role, text("function_call"))).as_py():
        return None  # a tool call turn (content moves to tool_calls): the exact path
    system = str_col(raw, "system")
    if system is False:
        return None
    n = len(conv)
    if system is None:
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        all_parents = parents
    else:
        has_sys = ~_blank(system)
        offsets, codes, content = _prepend(n, has_sys, 0, pc.fill_null(system, text("")), parents, codes, content,
                                           lengths)
        all_parents = np.repeat(np.arange(n), np.diff(offsets))
    bad |= _order_errors(codes, all_parents, offsets[:-1], n)
    return _messages(offsets, codes, content), bad, {"conversations", "system"}


def _pref_side(col, role_code: int, prompt: bool):
    """A DPO column (strings, or message lists with role/content) as (messages, bad rows) or ``None``."""
    n = len(col)
    if pa.types.is_string(col.type):
        bad = _blank(col)  # null (missing) or blank text
        offsets = np.arange(n + 1, dtype=np.int64)
        return _messages(offsets, np.full(n, role_code, np.int64), col), bad
    if not (pa.types.is_list(col.type) and pa.types.is_struct(col.type.value_type)):
        return None
    if {f.name for f in col.type.value_type} != {"role", "content"}:
        return None  # names, weights, tool calls, other keys: the exact path
    turns = _list_turns(col, "role", "content", OPENAI_ROLES)
    if turns is None:
        return None
    parents, codes, content, lengths, bad, _ = turns
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    bad |= lengths == 0  # no completion / no prompt turn
    if prompt:
        bad |= _order_errors(codes, parents, offsets[:-1], n)
    return _messages(offsets, codes, content), bad


def _same_lists(a: pa.ListArray, b: pa.ListArray) -> np.ndarray:
    """Rows whose two canonical message lists are equal (same turns, roles and texts)."""
    la = np.diff(to_np(a.offsets))
    lb = np.diff(to_np(b.offsets))
    same = la == lb
    pa_, pb_ = np.repeat(np.arange(len(la)), la), np.repeat(np.arange(len(lb)), lb)
    ka, kb = same[pa_], same[pb_]
    fa, fb = a.values.filter(bools(ka)), b.values.filter(bools(kb))
    eq = pc.and_(pc.equal(fa.field("role"), fb.field("role")),
                 pc.equal(fa.field("content"), fb.field("content")))
    differ = ~to_np(pc.fill_null(eq, flag(False)))
    mismatches = np.bincount(pa_[ka][differ], minlength=len(la))
    return same & (mismatches == 0)


def convert_preference(raw: pa.Table):
    """TRL's explicit-prompt DPO rows (``prompt``, ``chosen``, ``rejected``: strings or role/content lists)."""
    cols = set(raw.column_names)
    if not {"prompt", "chosen", "rejected"} <= cols or "conversations" in cols:
        return None  # implicit prompts and HH transcripts: the exact path
    sides = []
    for key, code in (("prompt", 1), ("chosen", 2), ("rejected", 2)):
        side = _pref_side(raw.column(key).combine_chunks(), code, key == "prompt")
        if side is None:
            return None
        sides.append(side)
    (prompt, bad_p), (chosen, bad_c), (rejected, bad_r) = sides
    bad = bad_p | bad_c | bad_r | _same_lists(chosen, rejected)
    return prompt, bad, {"prompt", "chosen", "rejected"}, chosen, rejected
