"""Benchmark the event store: appends per second (1 and 8 processes) and folding 1M events.

Peers measured in the same run: a plain ``INSERT`` loop into an unindexed SQLite table with
SQLite's defaults (one commit per insert, rollback journal, synchronous=FULL), and the same loop in
one transaction (no per-insert durability: an upper bound, not a fair comparison).

Run: ``python benchmarks/bench_store.py [--appends 2000] [--events 1000000]``
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.model.events import Event  # noqa: E402
from workbench.store import SqliteEventLog, fold_events  # noqa: E402


def _event(i: int, reviewer: str = "bench") -> Event:
    return Event(f"r{i % 1000}", "rating", reviewer, "overall", i % 5 + 1)


def bench_log_appends(path: Path, n: int) -> float:
    log = SqliteEventLog(path)
    t = time.perf_counter()
    for i in range(n):
        log.append(_event(i))
    dt = time.perf_counter() - t
    log.close()
    return n / dt


def bench_plain_insert(path: Path, n: int, one_transaction: bool) -> float:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (id TEXT, time TEXT, reviewer TEXT, record_id TEXT, kind TEXT, target TEXT, "
                 "value TEXT)")
    conn.commit()
    t = time.perf_counter()
    for i in range(n):
        e = _event(i)
        conn.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (e.id, e.time, e.reviewer, e.record_id, e.kind, e.target, str(e.value)))
        if not one_transaction:
            conn.commit()
    conn.commit()
    dt = time.perf_counter() - t
    conn.close()
    return n / dt


def _worker(path: str, w: int, n: int, barrier) -> None:
    log = SqliteEventLog(path)
    barrier.wait()
    for i in range(n):
        log.append(_event(i, f"w{w}"))
    log.close()


def bench_multiprocess(path: Path, procs: int, per_proc: int) -> float:
    SqliteEventLog(path).close()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(procs + 1)
    ps = [ctx.Process(target=_worker, args=(str(path), w, per_proc, barrier)) for w in range(procs)]
    for p in ps:
        p.start()
    barrier.wait()  # time from the moment every process is ready (imports excluded)
    t = time.perf_counter()
    for p in ps:
        p.join()
    dt = time.perf_counter() - t
    assert all(p.exitcode == 0 for p in ps), [p.exitcode for p in ps]
    log = SqliteEventLog(path)
    assert log.count() == procs * per_proc, log.count()
    log.close()
    return procs * per_proc / dt


def bench_read(path: Path, n: int) -> float:
    """Seconds for ``frame()`` to read ``n`` events back (stored in one transaction)."""
    log = SqliteEventLog(path)
    log.append_many(_event(i) for i in range(n))
    t = time.perf_counter()
    df = log.frame()
    dt = time.perf_counter() - t
    assert len(df) == n
    log.close()
    return dt


def bench_bulk(folder: Path, n: int, reps: int = 3) -> tuple[float, float]:
    """Best of ``reps``: seconds to store ``n`` events with one ``append_many`` (the per-row cost of
    indexes and append-only triggers, no per-commit fsync), and the peer, a plain INSERT loop into an
    unindexed table in one transaction."""
    events = [_event(i) for i in range(n)]
    ours, peer = [], []
    for r in range(reps):
        log = SqliteEventLog(folder / f"bulk{r}.sqlite")
        t = time.perf_counter()
        log.append_many(events)
        ours.append(time.perf_counter() - t)
        log.close()
        conn = sqlite3.connect(folder / f"bulk_peer{r}.sqlite")
        conn.execute("CREATE TABLE t (id TEXT, time TEXT, reviewer TEXT, record_id TEXT, kind TEXT, "
                     "target TEXT, value TEXT)")
        rows = [(e.id, e.time, e.reviewer, e.record_id, e.kind, e.target, str(e.value)) for e in events]
        t = time.perf_counter()
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        conn.commit()
        peer.append(time.perf_counter() - t)
        conn.close()
    return min(ours), min(peer)


def synthetic_frame(n: int, n_records: int = 100_000, n_reviewers: int = 20, seed: int = 0) -> pd.DataFrame:
    """A log frame of ``n`` events (ratings, labels, tags, decisions, preferences, edits, undos)."""
    rng = np.random.default_rng(seed)
    kinds = np.array(["rating", "label", "tags", "decision", "preference", "edit", "comment", "undo"],
                     dtype=object)
    kind = kinds[rng.choice(len(kinds), n, p=[0.40, 0.13, 0.08, 0.15, 0.05, 0.10, 0.02, 0.07])]
    rec = np.array([f"r{i}" for i in range(n_records)], dtype=object)[rng.integers(0, n_records, n)]
    rev = np.array([f"u{i}" for i in range(n_reviewers)], dtype=object)[rng.integers(0, n_reviewers, n)]
    ids = np.array([f"e{i:08d}" for i in range(n)], dtype=object)
    crit = np.array(["overall", "accuracy", "completeness", "tone", "length", "structure"], dtype=object)
    target = np.full(n, None, dtype=object)
    value = np.full(n, None, dtype=object)
    seen = np.full(n, None, dtype=object)
    reverts = np.full(n, None, dtype=object)
    for k, tgt in (("label", "category"), ("tags", "tags"), ("decision", "decision"),
                   ("preference", "preference"), ("comment", "comment")):
        target[kind == k] = tgt
    m = kind == "rating"
    target[m], value[m] = crit[rng.integers(0, 6, m.sum())], rng.integers(1, 6, m.sum())
    m = kind == "label"
    labels = np.array(["billing", "account", "shipping", "technical"], dtype=object)
    value[m] = labels[rng.integers(0, 4, m.sum())]
    m = kind == "tags"
    value[m] = [["pii"] if x else [] for x in rng.integers(0, 2, m.sum())]
    m = kind == "decision"
    value[m] = np.array(["accept", "reject", "needs_fix"], dtype=object)[rng.integers(0, 3, m.sum())]
    m = kind == "preference"
    value[m] = [{"choice": "A" if x else "B", "order": ["chosen", "rejected"]}
                for x in rng.integers(0, 2, m.sum())]
    m = kind == "comment"
    value[m] = "looks fine"
    m = kind == "edit"
    paths = np.array(["messages[2].content", "messages[4].content"], dtype=object)
    target[m] = paths[rng.integers(0, 2, m.sum())]
    value[m] = [f"edited text {i}" for i in range(m.sum())]
    half = np.flatnonzero(m)[::2]
    seen[half] = "0123456789abcdef"  # half the edits carry what the reviewer saw (conflict checks)
    m = np.flatnonzero(kind == "undo")
    reverts[m] = ids[np.maximum(m - rng.integers(1, 50, len(m)), 0)]  # some revert undos: chains
    target[m] = "undo"
    time_ = pd.date_range("2026-01-01", periods=n, freq="s", tz="UTC")
    cols = {"id": ids, "reviewer": rev, "session": np.full(n, "s", dtype=object), "record_id": rec,
            "kind": kind, "target": target, "value": value, "seen_hash": seen, "reverts": reverts}
    # object columns, as SqliteEventLog.frame() returns them
    return pd.DataFrame({"seq": np.arange(1, n + 1), "time": time_,
                         **{k: pd.Series(v, dtype=object) for k, v in cols.items()}})[
        ["seq", "id", "time", "reviewer", "session", "record_id", "kind", "target", "value", "seen_hash",
         "reverts"]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--appends", type=int, default=2000)
    ap.add_argument("--procs", type=int, default=8)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--bulk", type=int, default=30_000, help="events stored by one append_many")
    ap.add_argument("--read", type=int, default=200_000, help="events to store and read back with frame()")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        one = bench_log_appends(tmp / "log1.sqlite", args.appends)
        plain = bench_plain_insert(tmp / "plain.sqlite", args.appends, one_transaction=False)
        batch = bench_plain_insert(tmp / "plain_tx.sqlite", args.appends, one_transaction=True)
        many = bench_multiprocess(tmp / "log8.sqlite", args.procs, args.appends // args.procs)
        read_s = bench_read(tmp / "read.sqlite", args.read)
        bulk_s, bulk_peer = bench_bulk(tmp, args.bulk)
    print(f"appends, 1 process : {one:10.0f}/s  (SqliteEventLog: WAL, BEGIN IMMEDIATE, synchronous=FULL, "
          "4 indexes, triggers)")
    print(f"appends, {args.procs} processes: {many:10.0f}/s  (total across processes)")
    print(f"peer: plain INSERT loop, commit each : {plain:10.0f}/s  -> ratio 1 proc {one / plain:.2f}x, "
          f"{args.procs} procs {many / plain:.2f}x")
    print(f"peer: plain INSERT loop, one transaction: {batch:10.0f}/s  (no per-insert durability) "
          f"-> ratio {one / batch:.3f}x")
    print(f"append_many of {args.bulk:,} events in one transaction: {bulk_s:.3f} s "
          f"({bulk_s / args.bulk * 1e6:.1f} us/event); peer plain executemany into an unindexed table "
          f"{bulk_peer:.3f} s -> ratio {bulk_s / bulk_peer:.2f}x the time (best of 3 each)")
    print(f"frame() of {args.read:,} stored events: {read_s:.2f} s")
    t = time.perf_counter()
    frame = synthetic_frame(args.events)
    built = time.perf_counter() - t
    t = time.perf_counter()
    state = fold_events(frame, adjudicators={"u0"})
    dt = time.perf_counter() - t
    print(f"fold of {args.events:,} events: {dt:.2f} s  (frame built in {built:.1f} s; "
          f"{len(state.per_reviewer):,} per-reviewer values, {len(state.consolidated):,} consolidated, "
          f"{len(state.conflicts):,} conflicts)")


if __name__ == "__main__":
    main()
