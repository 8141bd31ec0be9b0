"""Text edits: target paths, which edits take effect (conflicts, adjudication) and applying them to rows.

An edit's target names one text in the canonical record: ``"messages[2].content"``,
``"chosen[0].content"``, ``"rejected[0].content"``, ``"completion[0].content"`` or
``"candidates[1]"`` (ranking candidates are plain strings). Indices refer to the record as it was
when the edit was made (after earlier turn insertions and deletions), so edits and turn operations
are applied in commit order.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from workbench.model.events import value_hash

TURN_FIELDS = ("messages", "chosen", "rejected", "completion")
_TARGET = re.compile(r"^(messages|chosen|rejected|completion)\[(\d+)\]\.content$|^(candidates)\[(\d+)\]$")

CONFLICT_COLUMNS = ["event_id", "record_id", "reviewer", "target", "value", "seen_hash", "current_hash",
                    "current_value", "reason", "resolved", "time"]
EDIT_COLUMNS = ["record_id", "kind", "target", "value", "source", "n_reviewers", "agreed"]


def parse_target(target: Any) -> tuple[str, int]:
    """``"messages[2].content"`` -> ``("messages", 2)``; ValueError for anything else."""
    m = _TARGET.match(target) if isinstance(target, str) else None
    if not m:
        raise ValueError(f"edit target {target!r} is not like 'messages[2].content', 'chosen[0].content', "
                         "'rejected[0].content', 'completion[0].content' or 'candidates[1]'")
    return (m.group(1), int(m.group(2))) if m.group(1) else (m.group(3), int(m.group(4)))


def text_at(row: Mapping[str, Any], target: str) -> str | None:
    """The text at ``target`` in a record row (dict), or None when the index does not exist."""
    field, i = parse_target(target)
    items = row.get(field) or []
    if i >= len(items):
        return None
    item = items[i]
    if field == "candidates":
        return item
    return item.get("content") if isinstance(item, dict) else item.content


def apply_ops(row: dict[str, Any], ops: list[tuple[str, str, Any]]) -> dict[str, Any]:
    """Apply ``(kind, target, value)`` operations in order to a record row (a dict, copied).

    An operation that no longer fits (its turn was deleted by an operation applied before it) is
    skipped rather than guessed at.
    """
    row = dict(row)
    for field in TURN_FIELDS + ("candidates",):
        if row.get(field) is not None:
            row[field] = [dict(m) if isinstance(m, dict) else m for m in row[field]]
    for kind, target, value in ops:
        if kind == "edit":
            field, i = parse_target(target)
            items = row.get(field) or []
            if i < len(items):
                if field == "candidates":
                    items[i] = value
                else:
                    items[i]["content"] = value
        elif kind == "add_turn":
            items = row.get(target)
            if items is None:
                items = []
            i = min(int(value["index"]), len(items))
            items.insert(i, {"role": value["role"], "content": value["content"], "name": None,
                             "tool_calls": None, "weight": None})
            row[target] = items
        elif kind == "delete_turn":
            items = row.get(target) or []
            if int(value["index"]) < len(items):
                items.pop(int(value["index"]))
    # a prompt answered in review becomes a conversation, and one whose answer was deleted a prompt again
    if row.get("kind") in ("sft", "prompt_only"):
        has_answer = any(m["role"] == "assistant" for m in row.get("messages") or [])
        row["kind"] = "sft" if has_answer else "prompt_only"
    return row


def resolve_edits(edits: pd.DataFrame, adjudicators: set[str],
                  originals: Mapping[tuple[str, str], str] | None = None):
    """Decide which edits take effect and the consolidated text per (record_id, target).

    Rules, per target in commit order: an edit made from a stale view (``seen_hash`` differs from the
    hash of the text in effect) is stored but not applied and reported as a conflict; once an
    adjudicator has edited a target, later non-adjudicator edits are not applied (reason
    ``"adjudicated"``); an adjudicator's edit always applies; edits without ``seen_hash`` apply.

    Parameters
    ----------
    edits : DataFrame
        Effective (not undone) edit events in commit order (columns of the log frame).
    adjudicators : set of str
        Reviewers whose edits are final.
    originals : mapping, optional
        ``(record_id, target) -> source text``, to check the first edit of a target.

    Returns
    -------
    applied : Series of bool (index of ``edits``), consolidated : DataFrame, conflicts : DataFrame
    """
    applied = pd.Series(True, index=edits.index, dtype=bool)
    if edits.empty:
        return applied, pd.DataFrame(columns=EDIT_COLUMNS), pd.DataFrame(columns=CONFLICT_COLUMNS)
    keys = [edits["record_id"], edits["target"]]
    flag = edits["seen_hash"].notna() | edits["reviewer"].isin(adjudicators)
    slow = flag.groupby(keys, sort=False).transform("any").astype(bool)

    # Fast path (the common case): no reviewer sent what it saw and no adjudicator touched the
    # target, so every edit applies and the last one wins.
    fast = edits[~slow]
    n_ed = fast.groupby(["record_id", "target"], sort=False)["reviewer"].transform("nunique")
    last = fast.assign(n_reviewers=n_ed).drop_duplicates(["record_id", "target"], keep="last")
    rows = pd.DataFrame({"record_id": last["record_id"], "kind": "edit", "target": last["target"],
                         "value": last["value"],
                         "source": (last["n_reviewers"] > 1).map({True: "agreement", False: "single"}),
                         "n_reviewers": last["n_reviewers"], "agreed": True})
    slow_rows: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    sl = edits[slow].sort_values(["record_id", "target", "seq"], kind="stable")
    editors: set[str] = set()
    group, last_ok = None, None  # the (record, target) run being resolved
    not_applied = []
    for idx, rid, tgt, rev, val, seen, eid, t in zip(sl.index, sl["record_id"], sl["target"], sl["reviewer"],
                                                    sl["value"], sl["seen_hash"], sl["id"], sl["time"]):
        if (rid, tgt) != group:
            if group is not None and last_ok is not None:
                slow_rows.append(_edit_row(group, last_ok, editors))
            group, last_ok, editors, pending, adj_done = (rid, tgt), None, set(), [], False
            cur = originals.get(group) if originals else None
            known, cur_hash = cur is not None, None
        is_adj = rev in adjudicators
        reason = None
        if adj_done and not is_adj:
            reason = "adjudicated"
        elif not is_adj and isinstance(seen, str) and known:
            if cur_hash is None:  # hashed only when someone checks against it
                cur_hash = value_hash(cur)
            if seen != cur_hash:
                reason = "stale"
        if reason:
            not_applied.append(idx)
            pending.append(len(conflicts))
            conflicts.append({"event_id": eid, "record_id": rid, "reviewer": rev, "target": tgt, "value": val,
                              "seen_hash": seen,
                              "current_hash": (cur_hash or value_hash(cur)) if known else None,
                              "current_value": cur, "reason": reason, "resolved": False, "time": t})
            continue
        cur, known, cur_hash, adj_done = val, True, None, adj_done or is_adj
        editors.add(rev)
        last_ok = (val, is_adj)
        # a conflict is settled once its author redoes the edit on the fresh text, or an adjudicator rules
        for p in pending:
            if is_adj or conflicts[p]["reviewer"] == rev:
                conflicts[p]["resolved"] = True
    if group is not None and last_ok is not None:
        slow_rows.append(_edit_row(group, last_ok, editors))
    applied.loc[not_applied] = False
    consolidated = rows.reset_index(drop=True)
    if slow_rows:
        extra = pd.DataFrame(slow_rows, columns=EDIT_COLUMNS)
        consolidated = extra if consolidated.empty else pd.concat([consolidated, extra], ignore_index=True)
    return applied, consolidated, pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS)


def _edit_row(group: tuple[str, str], last_ok: tuple[Any, bool], editors: set[str]) -> dict[str, Any]:
    value, is_adj = last_ok
    source = "adjudicator" if is_adj else ("single" if len(editors) == 1 else "agreement")
    return {"record_id": group[0], "kind": "edit", "target": group[1], "value": value,
            "source": source, "n_reviewers": len(editors), "agreed": True}
