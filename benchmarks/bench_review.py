"""Benchmark of the review widget: one page's render time and filter times at 10k and 1M records.

Usage::

    .venv/bin/python benchmarks/bench_review.py [--sizes 10000 1000000] [--pages 300]

For each size a canonical table is generated column-wise, a real project is created from it (frozen
Parquet + SQLite log) with a few hundred events, and a synthetic signal frame in the quality
package's shape is attached. Printed: the median and p95 time to render one page (session only,
and through the whole widget after a click on "next"), the time of each filter, and the ratio of
the largest to the smallest size. Target: under 20 ms per page at 1M records, ratio under 1.5.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.model import MESSAGE_TYPE, RECORD_SCHEMA, Dataset, Event
from workbench.store import Project
from workbench.ui import ReviewSession
from workbench.ui.widget import ReviewWidget

CATEGORIES = np.array(["billing", "account", "shipping", "returns", "technical", "product", "other"])
WORDS = np.array("the a refund card order account update payment invoice shipping please thanks help".split())


def make_table(n: int, seed: int = 0) -> pa.Table:
    """``n`` two-turn SFT records built column-wise (no per-record Python objects beyond the strings)."""
    rng = np.random.default_rng(seed)
    cats = CATEGORIES[rng.integers(0, len(CATEGORIES), n)]
    ids = [f"r{i:07d}" for i in range(n)]
    words = WORDS[rng.integers(0, len(WORDS), (n, 12))]
    body = [" ".join(w) for w in words]
    users = [f"Question {i} about {c}: {b}?" for i, c, b in zip(range(n), cats, body)]
    answers = [f"Answer {i}. {b}. " * 4 for i, b in zip(range(n), body)]
    role = pa.array(np.tile(np.array(["user", "assistant"], dtype=object), n))
    content = pa.array([x for pair in zip(users, answers) for x in pair], pa.string())
    nulls = pa.nulls(2 * n, pa.string())
    structs = pa.StructArray.from_arrays([role, content, nulls, nulls, pa.nulls(2 * n, pa.int8())],
                                         fields=list(MESSAGE_TYPE))
    messages = pa.ListArray.from_arrays(pa.array(np.arange(0, 2 * n + 1, 2, dtype=np.int32)), structs)
    empty = pa.nulls(n, RECORD_SCHEMA.field("chosen").type)
    cols = {"id": pa.array(ids), "kind": pa.array(np.full(n, "sft", dtype=object)), "messages": messages,
            "chosen": empty, "rejected": empty, "candidates": pa.nulls(n, pa.list_(pa.string())),
            "completion": empty, "label": pa.nulls(n, pa.bool_()), "category": pa.array(cats.astype(object)),
            "source_file": pa.array(np.full(n, "bench.jsonl", dtype=object)),
            "source_line": pa.array(np.arange(1, n + 1)), "metadata": pa.nulls(n, pa.string())}
    return pa.table(cols, schema=RECORD_SCHEMA)


def make_signals(ids: pd.Index, seed: int = 0) -> pd.DataFrame:
    """A signal frame shaped like ``SignalReport.frame`` (flags, scores, a language column)."""
    rng = np.random.default_rng(seed)
    n = len(ids)
    return pd.DataFrame({"id": ids, "is_pii_issue": rng.random(n) < 0.01, "pii_score": rng.random(n),
                         "is_length_issue": rng.random(n) < 0.05, "length_score": rng.random(n),
                         "language": np.where(rng.random(n) < 0.9, "en", "de")})


def add_events(project: Project, n: int = 300, seed: int = 0) -> None:
    """Ratings, decisions and edits by two reviewers on random records, in one transaction.

    The same number of events at every size: the log's size is not what this benchmark varies.
    """
    rng = np.random.default_rng(seed)
    ids = project.dataset.ids
    events = []
    for i in range(n):
        rid = ids[int(rng.integers(0, len(ids)))]
        who = "alice" if i % 2 else "bob"
        events.append(Event(rid, "rating", who, "overall", int(rng.integers(1, 6))))
        if i % 3 == 0:
            events.append(Event(rid, "decision", who, "decision", "accept"))
        if i % 5 == 0:
            events.append(Event(rid, "edit", who, "messages[1].content", f"edited answer {i}"))
    project.log.append_many(events)


def timed(fn, repeat: int = 1) -> float:
    """Median milliseconds of ``fn()`` over ``repeat`` runs."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def page_times(session: ReviewSession, positions: np.ndarray, page_size: int) -> list[float]:
    session.set_page_size(page_size)
    out = []
    for pos in positions:
        session.jump(int(pos))
        t = time.perf_counter()
        session.render_page()
        out.append((time.perf_counter() - t) * 1000)
    return out


def run(n: int, pages: int, root: Path) -> dict[str, float]:
    t = time.perf_counter()
    table = make_table(n)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    project = Project.create(root / f"p{n}", Dataset(table))
    add_events(project)
    t_create = time.perf_counter() - t
    signals = make_signals(project.dataset.ids)
    t = time.perf_counter()
    session = ReviewSession(project, "alice", signals=signals, restore=False, state_path=root / f"s{n}.json")
    t_session = time.perf_counter() - t
    rng = np.random.default_rng(1)
    positions = rng.integers(0, n, pages)
    res: dict[str, float] = {}
    one = page_times(session, positions, 1)
    ten = page_times(session, positions[: max(10, pages // 5)], 10)
    res["page_1_median"], res["page_1_p95"] = statistics.median(one), float(np.percentile(one, 95))
    res["page_10_median"] = statistics.median(ten)
    # records that have events need one indexed query each: measure them on their own too
    touched = project.dataset.ids.get_indexer(sorted(set(project.log.frame()["record_id"]) - {"*"}))
    with_events = page_times(session, touched[touched >= 0][:pages], 1)
    res["page_1_events_median"] = statistics.median(with_events)
    session.set_page_size(1)
    ui = ReviewWidget(session)
    session.jump(int(positions[0]))
    clicks = []
    for _ in range(min(pages, 100)):
        t = time.perf_counter()
        ui.toolbar.next.click()
        clicks.append((time.perf_counter() - t) * 1000)
    res["widget_next_median"] = statistics.median(clicks)
    res["filter_category"] = timed(lambda: session.set_filters(category="billing"), 3)
    res["filter_search_first"] = timed(lambda: session.set_filters(category=None, search="refund card"))
    res["filter_search"] = timed(lambda: session.set_filters(search="invoice thanks"), 3)
    res["filter_regex"] = timed(lambda: session.set_filters(search=r"answer \d+7\.", regex=True,
                                                            search_in="response"), 3)
    res["filter_signal"] = timed(lambda: session.set_filters(search="", regex=False, signals=["pii"]), 3)
    res["filter_query"] = timed(lambda: session.set_filters(signals=[], query="length_score < 0.1 and "
                                                            "language == 'de'"), 3)
    res["filter_status"] = timed(lambda: session.set_filters(query="", status="unreviewed"), 3)
    res["sort_score"] = timed(lambda: session.set_filters(status=None, sort="length_score",
                                                          descending=True), 3)
    print(f"\n== {n:,} records: generate {t_gen:.1f} s, project + events {t_create:.1f} s, "
          f"session {t_session * 1000:.0f} ms")
    for k, v in res.items():
        print(f"  {k:<22} {v:9.2f} ms")
    project.close()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    ap.add_argument("--pages", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {n: run(n, args.pages, Path(tmp)) for n in args.sizes}
    small, large = min(results), max(results)
    print(f"\n== per-page render, {large:,} vs {small:,} records")
    for k in ("page_1_median", "page_1_p95", "page_10_median", "page_1_events_median", "widget_next_median"):
        a, b = results[small][k], results[large][k]
        print(f"  {k:<22} {a:7.2f} ms -> {b:7.2f} ms   ratio {b / a:5.2f}")
    at_large, at_small = results[large]["page_1_median"], results[small]["page_1_median"]
    ok = at_large < 20 and at_large / at_small < 1.5
    print(f"  target (< 20 ms per page at {large:,}, ratio < 1.5): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
