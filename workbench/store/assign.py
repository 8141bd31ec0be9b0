"""Work assignment: calibration for everyone first, an overlap share for agreement, gold items mixed in.

The plan is a pure function of its inputs and the seed (:func:`plan`); :func:`assign` stores it as
assignment events (record_id, target = reviewer, value = {"role", "position", "batch"}) so a
reviewer's queue survives restarts and every process sees the same one.
"""
from __future__ import annotations

import uuid

import numpy as np
import pandas as pd

from workbench.model.events import Event
from workbench.store.fold import PROJECT_RECORD, active_mask
from workbench.store.validate import check_reviewer

PLAN_COLUMNS = ["record_id", "reviewer", "role", "position"]


def plan(records: list[str], reviewers: list[str], overlap: float = 0.15, calibration: int = 30,
         gold: list[str] | None = None, gold_rate: float = 0.05, seed: int = 0,
         per_item: int = 2) -> pd.DataFrame:
    """Who reviews what, in which order; deterministic given the inputs and ``seed``.

    Parameters
    ----------
    records : list of str
        Records to assign (gold items among them are taken out of the pool).
    reviewers : list of str
        Reviewer names.
    overlap : float
        Share of the non-calibration records reviewed independently by ``per_item`` reviewers
        (the literature recommends 0.10-0.20).
    calibration : int
        Records every reviewer annotates first (20-50 is usual).
    gold : list of str, optional
        Gold records (expert answers known); each reviewer gets them at ``gold_rate`` of their queue.
    gold_rate : float
        Target share of gold items in each reviewer's (non-calibration) queue.
    seed : int
    per_item : int
        Reviewers per overlap item.

    Returns
    -------
    DataFrame with ``PLAN_COLUMNS``; role in {"calibration", "overlap", "single", "gold"}.
    """
    if not reviewers:
        raise ValueError("assign needs at least one reviewer")
    if len(set(reviewers)) != len(reviewers):
        raise ValueError("reviewer names must be distinct")
    if not 0 <= overlap <= 1 or not 0 <= gold_rate < 1:
        raise ValueError("overlap must be within 0-1 and gold_rate within 0-1 (exclusive)")
    if isinstance(calibration, bool) or not isinstance(calibration, int) or calibration < 0:
        raise ValueError(f"calibration must be a non-negative number of records, got {calibration!r}")
    rng = np.random.default_rng(seed)
    gold = list(dict.fromkeys(gold or []))
    gold_set = set(gold)
    pool = np.array([r for r in dict.fromkeys(records) if r not in gold_set], dtype=object)
    pool = pool[rng.permutation(len(pool))]
    cal, rest = pool[:calibration], pool[calibration:]
    n_rev = len(reviewers)
    k = min(max(per_item, 2), n_rev)
    n_ov = int(round(overlap * len(rest))) if n_rev >= 2 else 0
    # round-robin over a seeded reviewer order keeps loads within one item of each other
    order = [reviewers[i] for i in rng.permutation(n_rev)]
    slots = np.arange(n_ov * k + len(rest) - n_ov) % n_rev
    own: dict[str, list[tuple[str, str]]] = {r: [] for r in reviewers}
    for i, rid in enumerate(rest[:n_ov]):
        for j in slots[i * k:(i + 1) * k]:
            own[order[j]].append((rid, "overlap"))
    for i, rid in enumerate(rest[n_ov:]):
        own[order[slots[n_ov * k + i]]].append((rid, "single"))
    rows = []
    for name in reviewers:
        items = [own[name][i] for i in rng.permutation(len(own[name]))]
        n_gold = min(len(gold), int(round(gold_rate * len(items) / (1 - gold_rate)))) if gold else 0
        if n_gold:
            picks = [gold[i] for i in rng.choice(len(gold), n_gold, replace=False)]
            at = np.sort(rng.integers(0, len(items) + 1, n_gold))
            for shift, (pos, rid) in enumerate(zip(at, picks)):
                items.insert(int(pos) + shift, (rid, "gold"))
        queue = [(rid, "calibration") for rid in cal] + items
        rows += [(rid, name, role, p) for p, (rid, role) in enumerate(queue)]
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def assign(project, reviewers, records=None, overlap: float = 0.15, calibration: int = 30, gold=None,
           gold_rate: float = 0.05, seed: int = 0, by: str | None = None, per_item: int = 2) -> pd.DataFrame:
    """Plan and store an assignment (owner only); returns the plan with its ``batch`` id.

    ``records`` None assigns every record; ``gold`` None uses the records that have gold answers.
    Reviewers not yet in the project are added with role reviewer. All events are written in one
    transaction, so a queue is never half-assigned.
    """
    by = project._require_role(by, ("owner",), "assign work")
    reviewers = [check_reviewer(r) for r in ([reviewers] if isinstance(reviewers, str) else reviewers)]
    ids = project.dataset.ids
    records = list(ids) if records is None else list(records)
    if gold is None:
        pr = project.fold().per_reviewer
        gold = sorted(set(pr.loc[pr["kind"] == "gold", "record_id"]))
    for rid in [*records, *gold]:
        if not isinstance(rid, str) or rid not in ids:
            raise ValueError(f"unknown record id {rid!r}")
    df = plan(records, reviewers, overlap, calibration, list(gold), gold_rate, seed, per_item)
    batch = uuid.uuid4().hex[:12]
    known = project.reviewers
    events = [Event(PROJECT_RECORD, "role", by, r, {"role": "reviewer"}, session=project.session)
              for r in reviewers if r not in known]
    events += [Event(rid, "assignment", by, rev, {"role": role, "position": int(pos), "batch": batch},
                     session=project.session)
               for rid, rev, role, pos in zip(df["record_id"], df["reviewer"], df["role"], df["position"])]
    project.log.append_many(events)
    return df.assign(batch=batch)


def _active_assignments(project) -> pd.DataFrame:
    log = project.log
    df = pd.concat([log.frame(kind="assignment"), log.frame(kind="undo")], ignore_index=True)
    df = df.sort_values("seq", kind="stable")
    df = df[active_mask(df) & (df["kind"] == "assignment").to_numpy()]
    role = df["value"].map(lambda v: v.get("role") if isinstance(v, dict) else None)
    batch = df["value"].map(lambda v: v.get("batch") if isinstance(v, dict) else None)
    return pd.DataFrame({"record_id": df["record_id"], "reviewer": df["target"], "role": role,
                         "batch": batch, "seq": df["seq"]}).reset_index(drop=True)


def queue(project, reviewer: str, pending: bool = False) -> list[str]:
    """The reviewer's records in queue order (events are stored in queue order, batch after batch).

    Gold items appear like any other record. ``pending`` leaves out records the reviewer has decided.
    """
    df = _active_assignments(project)
    ids = list(dict.fromkeys(df.loc[df["reviewer"] == reviewer, "record_id"]))
    if pending:
        pr = project.fold().per_reviewer
        done = set(pr.loc[(pr["reviewer"] == reviewer) & (pr["kind"] == "decision"), "record_id"])
        ids = [r for r in ids if r not in done]
    return ids


def assignments(project, by: str | None = None) -> pd.DataFrame:
    """Every active assignment with its role (owner only, since it reveals the gold items)."""
    project._require_role(by, ("owner",), "see assignments")
    return _active_assignments(project)


def gold_items(project, by: str | None = None) -> list[str]:
    """Records used as gold (assigned as gold, or with a gold answer); owner only."""
    project._require_role(by, ("owner",), "see gold items")
    df = _active_assignments(project)
    pr = project.fold().per_reviewer
    assigned = set(df.loc[df["role"] == "gold", "record_id"])
    return sorted(assigned | set(pr.loc[pr["kind"] == "gold", "record_id"]))
