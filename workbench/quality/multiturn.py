"""Conversation structure: role order, consecutive same-role turns, the final turn, empty turns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.quality import textops
from workbench.quality.base import Signal, SignalContext, SignalResult

_CODES = {"system": 0, "user": 1, "assistant": 2, "tool": 3}
CHECKS = ("role_order", "consecutive_same_role", "bad_ending", "empty_turn")


def first_per_group(parent: np.ndarray, n: int) -> np.ndarray:
    """Index of the first element of each of ``n`` groups in the sorted ``parent`` array (-1 if none)."""
    out = np.full(n, -1, dtype=np.int64)
    if len(parent):
        groups, idx = np.unique(parent, return_index=True)
        out[groups] = idx
    return out


class MultiTurnSignal(Signal):
    """Structural checks on ``messages`` (columns ``mt_<check>``):

    - ``role_order``: a system turn after the start, a first non-system turn that is not the user's, a
      tool turn not following an assistant or tool turn, or an unknown role;
    - ``consecutive_same_role``: two turns in a row with the same role (tool results excepted);
    - ``bad_ending``: an SFT conversation not ending with the assistant, a prompt (preference,
      ranking, KTO, prompt-only) not ending with the user, or no turns at all;
    - ``empty_turn``: a turn with no visible text and no tool calls.
    Issue: any check. Score: ``1 / (1 + checks failed)``.
    """

    name = "multiturn"
    batchable = True

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        views = ctx.views(table)
        n, t = views.n, views.turns
        code = role_codes(t.role)
        parent, pos = t.parent, t.position
        prev = np.full(len(code), -1, dtype=np.int8)
        if len(code):
            prev[1:] = np.where(pos[1:] > 0, code[:-1], -1)
        per_turn_order = (((code == 0) & (pos > 0)) | (code == 4)
                          | ((code == 3) & ~np.isin(prev, (2, 3))))
        non_system = np.flatnonzero(code != 0)
        first = first_per_group(parent[non_system], n)
        first_not_user = np.zeros(n, dtype=bool)
        has = first >= 0
        first_not_user[has] = code[non_system[first[has]]] != 1
        role_order = _any_per_record(per_turn_order, parent, n) | first_not_user
        same = (pos > 0) & (code == prev) & (code != 3)
        consecutive = _any_per_record(same, parent, n)
        counts = np.bincount(parent, minlength=n) if len(parent) else np.zeros(n, dtype=np.int64)
        last_idx = np.cumsum(counts) - 1
        last_code = np.where(counts > 0, code[np.maximum(last_idx, 0)] if len(code) else -1, -1)
        kinds = views.kinds
        want = np.where(kinds == "sft", 2, 1)
        bad_ending = (counts == 0) | (last_code != want)
        empty = (textops.word_counts(t.content) == 0) & ~t.has_tool_calls
        empty_turn = _any_per_record(empty, parent, n)
        checks = {"role_order": role_order, "consecutive_same_role": consecutive,
                  "bad_ending": bad_ending, "empty_turn": empty_turn}
        failed = sum(v.astype(np.int64) for v in checks.values())
        return pd.DataFrame({f"is_{self.name}_issue": failed > 0, f"{self.name}_score": 1.0 / (1.0 + failed),
                             **{f"mt_{k}": v for k, v in checks.items()}, "mt_turns": counts})

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        checks = {k: rows[f"mt_{k}"].to_numpy() for k in CHECKS}
        counts = rows["mt_turns"].to_numpy()
        ids = keys.column("id").to_numpy(zero_copy_only=False)
        summary = {"counts": {k: int(v.sum()) for k, v in checks.items()},
                   "multi_turn_records": int((counts > 2).sum()),
                   "turns": textops.describe(counts),
                   "examples": {k: textops.example_ids(ids, v, 3) for k, v in checks.items() if v.any()}}
        return self.result(rows, summary)


def role_codes(role: np.ndarray) -> np.ndarray:
    """0 system, 1 user, 2 assistant, 3 tool, 4 anything else; one dict lookup per distinct role."""
    if not len(role):
        return np.zeros(0, dtype=np.int8)
    idx, uniques = pd.factorize(role, sort=False)
    return np.array([_CODES.get(r, 4) for r in uniques], dtype=np.int8)[idx]


def _any_per_record(mask: np.ndarray, parent: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(parent[mask], minlength=n) > 0 if len(parent) else np.zeros(n, dtype=bool)
