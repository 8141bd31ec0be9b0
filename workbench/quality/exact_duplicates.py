"""Exact duplicates of prompts, responses and whole records, after normalising case, whitespace and
punctuation (two texts are equal when their word-token sequences are equal)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.quality import textops
from workbench.quality.base import Signal, SignalContext, SignalResult
from workbench.quality.textviews import TEXT_COLUMNS as _COLUMNS
from workbench.quality.textviews import list_items, shared_strings
from workbench.quality.tokens import MULTIPLIERS, mix64, sequence_keys, tokenize


def normalised_keys(texts, batch_size: int = 20_000) -> np.ndarray:
    """A 64-bit key per text of its normalised token sequence (0 for a text without words)."""
    arr = textops.as_strings(texts)
    out = np.zeros(len(arr), dtype=np.uint64)
    for lo in range(0, len(arr), batch_size):
        keys = sequence_keys(tokenize(arr.slice(lo, batch_size)))
        out[lo:lo + len(keys)] = keys
    return out


def _combine(keys: np.ndarray, parent: np.ndarray, n: int) -> np.ndarray:
    """Order-sensitive key per record of its items' keys (0 when the record has no non-empty item)."""
    out = np.zeros(n, dtype=np.uint64)
    if not len(keys):
        return out
    starts = np.searchsorted(parent, np.arange(n + 1))
    pos = (np.arange(len(keys)) - starts[parent]).astype(np.uint64)
    v = mix64(keys + pos * MULTIPLIERS[2])
    v[keys == 0] = 0
    csum = np.concatenate([np.zeros(1, np.uint64), np.cumsum(v, dtype=np.uint64)])
    out = mix64(csum[starts[1:]] - csum[starts[:-1]])
    nonempty = np.bincount(parent[keys != 0], minlength=n) > 0
    out[~nonempty] = 0
    out[nonempty & (out == 0)] = 1
    return out


def _last(keys: np.ndarray, parent: np.ndarray, n: int) -> np.ndarray:
    """The key of each record's last item (0 when it has none)."""
    out = np.zeros(n, dtype=np.uint64)
    if len(keys):
        last = np.flatnonzero(np.append(parent[1:] != parent[:-1], True))
        out[parent[last]] = keys[last]
    return out


def level_keys(table: pa.Table, batch_size: int = 20_000) -> dict[str, np.ndarray]:
    """Normalised keys of every record's prompt, response and whole record from ONE tokenisation of all
    turns (instead of tokenising the prompt, response and record texts separately).

    - prompt: the user turns of ``messages`` in order (as the ``prompt`` text view);
    - response: the last assistant turn of ``chosen`` (preference), ``completion`` (KTO) or ``messages``;
    - record: every turn of every column in order, so equal records have equal record texts (and a
      near-duplicate search over record texts always joins exact copies).
    """
    n = table.num_rows
    items = {c: list_items(table.column(c)) for c in _COLUMNS}
    out: dict[str, np.ndarray] = {}
    per_column = {c: normalised_keys(items[c][0], batch_size) for c in _COLUMNS}
    record = np.zeros(n, dtype=np.uint64)
    for i, c in enumerate(_COLUMNS):
        h = _combine(per_column[c], items[c][1], n)
        record += np.where(h != 0, mix64(h + MULTIPLIERS[i]), np.uint64(0))
    any_text = np.zeros(n, dtype=bool)
    for c in _COLUMNS:
        any_text |= np.bincount(items[c][1][per_column[c] != 0], minlength=n) > 0
    record[~any_text] = 0
    record[any_text & (record == 0)] = 1
    _, parent, role = items["messages"]
    user = role == "user"
    out["prompt"] = _combine(per_column["messages"][user], parent[user], n)
    assistant = {c: items[c][2] == "assistant" for c in ("messages", "chosen", "completion")}
    response = {c: _last(per_column[c][assistant[c]], items[c][1][assistant[c]], n) for c in assistant}
    kind = shared_strings(table.column("kind"))
    out["response"] = np.where(kind == "preference", response["chosen"],
                               np.where(kind == "kto", response["completion"], response["messages"]))
    out["record"] = record
    return out


def exact_groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of the first text with the same key or -1 for empty texts, size of that group or 0)."""
    n = len(keys)
    first = np.full(n, -1, dtype=np.int64)
    size = np.zeros(n, dtype=np.int64)
    has = np.flatnonzero(keys != 0)
    if len(has):
        _, idx, inv, counts = np.unique(keys[has], return_index=True, return_inverse=True, return_counts=True)
        first[has] = has[idx][inv]
        size[has] = counts[inv]
    return first, size


def group_summary(first: np.ndarray, size: np.ndarray, ids: np.ndarray, examples: int = 5) -> dict:
    in_group = size > 1
    reps = np.unique(first[in_group])
    largest = sorted(reps.tolist(), key=lambda r: -int(size[r]))[:examples]
    return {
        "groups": int(len(reps)),
        "extra_rows": int(in_group.sum() - len(reps)),
        "rows_in_groups": int(in_group.sum()),
        "largest": [{"representative": str(ids[r]), "size": int(size[r]),
                     "members": [str(x) for x in ids[first == r][:5]]} for r in largest],
    }


class ExactDuplicateSignal(Signal):
    """Exact (normalised) duplicate groups per level.

    Columns per level (``prompt``, ``response``, ``record``): ``<level>_dup_group`` (id of the group's
    first record, None when unique or empty) and ``<level>_dup_count`` (group size). Issue: a whole
    record that repeats an earlier one (the rows to drop). Score: ``1 / group size``.
    """

    name = "exact_duplicates"
    batchable = True

    @dataclass(frozen=True)
    class Config:
        levels: tuple[str, ...] = ("prompt", "response", "record")
        batch_size: int = 20_000

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        """A 64-bit key per level and record (8 bytes a level: what the grouping needs of the texts)."""
        keys = level_keys(table, self.config.batch_size)
        return pd.DataFrame({f"_key_{level}": keys[level] for level in self.config.levels})

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        """Groups of equal keys over the whole data set."""
        n = len(rows)
        ids = keys.column("id").to_numpy(zero_copy_only=False).astype(object)
        cols: dict = {}
        summary: dict = {}
        flag = np.zeros(n, dtype=bool)
        score = np.ones(n)
        for level in self.config.levels:
            first, size = exact_groups(rows[f"_key_{level}"].to_numpy())
            dup = size > 1
            cols[f"{level}_dup_group"] = np.where(dup, ids[np.maximum(first, 0)], None)
            cols[f"{level}_dup_count"] = size
            summary[level] = group_summary(first, size, ids)
            if level == "record":
                flag = dup & (first != np.arange(n))
                score = np.where(dup, 1.0 / np.maximum(size, 1), 1.0)
        frame = pd.DataFrame({f"is_{self.name}_issue": flag, f"{self.name}_score": score, **cols})
        return self.result(frame, summary)
