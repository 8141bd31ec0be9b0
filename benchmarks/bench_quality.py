"""Time and peak memory per quality signal on a generated corpus of support conversations.

    .venv/bin/python benchmarks/bench_quality.py            # 200k records
    .venv/bin/python benchmarks/bench_quality.py --n 1000000 --report /tmp/wb-report

Prints seconds and records/s per signal for one run of all signals (as a report does), the peak RSS
of that run against the size of the data, and the two kernel targets measured on their own: text
statistics (word/char counts of every turn) >= 1M records/s and a regex rule pass (forbidden phrases
over every response) >= 500k records/s. The corpus is generated, saved as Parquet, and measured in a
fresh process, so the memory figures hold the data and the work, not the generator's objects.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from workbench.model import MESSAGES_TYPE, RECORD_SCHEMA, Dataset, Guidelines
from workbench.quality import compute_signals, textops
from workbench.quality.base import SignalContext
from workbench.quality.rules import phrase_pattern

CATS = ["billing", "account", "shipping", "returns", "technical", "product", "other"]


def make_table(n: int, seed: int = 0) -> pa.Table:
    """``n`` canonical records: SFT (10% multi-turn) and 10% preference pairs, with a few planted issues."""
    rng = np.random.default_rng(seed)
    syll = ["ka", "lo", "mi", "ten", "ra", "sul", "ve", "do", "pri", "an", "es", "or", "qu", "zi", "ble", "th",
            "ing", "er", "ment", "al"]
    vocab = np.array(sorted({a + b + c for a in syll for b in syll + [""] for c in syll + [""]}))  # 8,420 words
    zipf = 1.0 / np.arange(1, len(vocab) + 1)
    zipf /= zipf.sum()

    def texts(k: int, lo: int, hi: int) -> list[str]:
        lengths = rng.integers(lo, hi, k)
        words = vocab[rng.choice(len(vocab), int(lengths.sum()), p=zipf)]
        return [" ".join(w) for w in np.split(words, np.cumsum(lengths)[:-1])]

    prompts = [t.capitalize() + "?" for t in texts(n, 8, 50)]
    answers = [t.capitalize() + "." for t in texts(n, 40, 260)]
    for i in rng.choice(n, n // 100, replace=False):  # planted: forbidden phrases, PII, duplicates
        answers[i] = "As an AI language model, " + answers[i]
    for i in rng.choice(n, n // 200, replace=False):
        prompts[i] += f" Reach me at user{i}@example.com or +1 555 {i % 1000:03d} {i % 10000:04d}."
    for i in rng.choice(n - 1, n // 50, replace=False):
        prompts[i + 1], answers[i + 1] = prompts[i], answers[i]
    multi = rng.random(n) < 0.1
    is_pref = (rng.random(n) < 0.1) & ~multi
    follow = texts(int(multi.sum()) * 2, 5, 40)
    contents, roles, offsets = [], [], [0]
    fi = 0
    for i in range(n):
        turns = [("user", prompts[i])]
        if not is_pref[i]:
            turns.append(("assistant", answers[i]))
        if multi[i]:
            turns += [("user", follow[fi]), ("assistant", follow[fi + 1])]
            fi += 2
        for r, c in turns:
            roles.append(r)
            contents.append(c)
        offsets.append(len(contents))
    k = len(contents)
    struct = pa.StructArray.from_arrays(
        [pa.array(roles), pa.array(contents), pa.nulls(k, pa.string()), pa.nulls(k, pa.string()),
         pa.nulls(k, pa.int8())], fields=list(MESSAGES_TYPE.value_type))
    messages = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), struct)
    pref_idx = np.flatnonzero(is_pref)

    def completion(texts_: list[str]) -> pa.Array:
        m = len(texts_)
        s = pa.StructArray.from_arrays([pa.array(["assistant"] * m), pa.array(texts_), pa.nulls(m, pa.string()),
                                        pa.nulls(m, pa.string()), pa.nulls(m, pa.int8())],
                                       fields=list(MESSAGES_TYPE.value_type))
        return pa.ListArray.from_arrays(pa.array(np.arange(m + 1), pa.int32()), s)

    def scatter(arr: pa.Array) -> pa.Array:
        """Place the preference completions on their rows; null elsewhere."""
        idx = np.full(n, -1)
        idx[pref_idx] = np.arange(len(pref_idx))
        if not len(arr):
            return pa.nulls(n, MESSAGES_TYPE)
        taken = arr.take(pa.array(np.maximum(idx, 0)))
        return pc.if_else(pa.array(idx >= 0), taken, pa.scalar(None, MESSAGES_TYPE))

    chosen = scatter(completion([answers[i] for i in pref_idx]))
    rejected = scatter(completion([a[: len(a) // 2] + "." for a in (answers[i] for i in pref_idx)]))
    cols = {
        "id": pa.array([f"r{i}" for i in range(n)]),
        "kind": pa.array(np.where(is_pref, "preference", "sft")),
        "messages": messages, "chosen": chosen, "rejected": rejected,
        "candidates": pa.nulls(n, pa.list_(pa.string())), "completion": pa.nulls(n, MESSAGES_TYPE),
        "label": pa.nulls(n, pa.bool_()), "category": pa.array(np.array(CATS)[rng.integers(0, len(CATS), n)]),
        "source_file": pa.nulls(n, pa.string()), "source_line": pa.array(np.arange(n)),
        "metadata": pa.nulls(n, pa.string()),
    }
    return pa.Table.from_pydict(cols, schema=RECORD_SCHEMA)


def best_of(fn, repeat: int = 3) -> float:
    """The fastest of ``repeat`` timed calls (the machine is shared: the minimum is the least noisy)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


class PeakRSS:
    """Samples the process RSS every ``interval`` seconds (Arrow allocations are invisible to
    tracemalloc); with ``children``, its child processes' too (Ray's raylet and workers)."""

    def __init__(self, children: bool = False, interval: float = 0.01) -> None:
        self.proc = psutil.Process()
        self.children = children
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> int:
        total = self.proc.memory_info().rss
        for child in self.proc.children(recursive=True) if self.children else ():
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            time.sleep(self.interval)

    def __enter__(self) -> PeakRSS:
        self.peak = self._total()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--report", help="also write the full report into this directory")
    ap.add_argument("--data", help=argparse.SUPPRESS)  # internal: measure this Parquet file
    args = ap.parse_args()
    if args.data:
        return measure(args)
    # build the corpus here, measure in a fresh process: its memory then holds the data, not the
    # Python objects used to generate it
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = Path(tmp) / "corpus.parquet"
        pq.write_table(make_table(args.n), path)
        print(f"corpus: {args.n:,} records built in {time.perf_counter() - t0:.1f} s "
              f"({path.stat().st_size / 1e6:,.0f} MB as Parquet)")
        cmd = [sys.executable, __file__, "--n", str(args.n), "--data", str(path)]
        subprocess.run(cmd + (["--report", args.report] if args.report else []), check=True)


def measure(args) -> None:
    rss0 = psutil.Process().memory_info().rss
    ds = Dataset(pq.read_table(args.data))
    pa.default_memory_pool().release_unused()  # the chunks Dataset combined are garbage now
    table = ds.table
    mb = table.nbytes / 1e6
    rss_loaded = psutil.Process().memory_info().rss
    print(f"loaded: {mb:,.0f} MB in Arrow; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          f"(the machine is shared: records/s fall when others run)")
    ctx = SignalContext(guidelines=Guidelines.default())
    views = ctx.views(table)
    contents = views.turns.content
    stats_s = best_of(lambda c=contents: (textops.word_counts(c), textops.char_counts(c)))
    resp = views.response
    pattern = phrase_pattern(ctx.guidelines.forbidden_phrases)
    regex_s = best_of(lambda r=resp: textops.regex_match(r, pattern))
    print(f"kernel: text statistics (words + chars of {len(contents):,} turns, {contents.nbytes / 1e6:,.0f} MB): "
          f"{args.n / stats_s:,.0f} records/s (target >= 1,000,000)")
    print(f"kernel: regex rule (forbidden phrases over {resp.nbytes / 1e6:,.0f} MB of responses): "
          f"{args.n / regex_s:,.0f} records/s (target >= 500,000)")
    del views, contents, resp, ctx

    print(f"\n{'signal':<18}{'seconds':>9}{'records/s':>12}")
    with PeakRSS() as mem:
        t = time.perf_counter()
        rep = compute_signals(ds)  # one run: signals share the text views, as in a real report
        total = time.perf_counter() - t
    for name, dt in rep.timings.items():
        print(f"{name:<18}{dt:>9.2f}{args.n / max(dt, 1e-9):>12,.0f}")
    print(f"{'all signals':<18}{total:>9.2f}{args.n / total:>12,.0f}")
    print(f"peak RSS {mem.peak / 1e6:,.0f} MB = {mem.peak / table.nbytes:.1f}x the data in Arrow "
          f"({mb:,.0f} MB; the interpreter and libraries alone: {rss0 / 1e6:,.0f} MB, with the data loaded: "
          f"{rss_loaded / 1e6:,.0f} MB)")
    if args.report:
        from workbench.report import write_report

        rss_before = psutil.Process().memory_info().rss
        t = time.perf_counter()
        with PeakRSS() as mem:
            write_report(ds, args.report, signal_report=rep)
        dt = time.perf_counter() - t
        print(f"report files: {dt:.1f} s (RSS {rss_before / 1e6:,.0f} MB before, peak {mem.peak / 1e6:,.0f} MB, "
              f"the dataset fingerprint included) -> {args.report}; "
              f"signals + report: {total + dt:.1f} s")


if __name__ == "__main__":
    main()
