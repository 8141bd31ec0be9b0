"""The batchable signals three ways: the whole table at once, batch by batch here, and on Ray.

    .venv/bin/python benchmarks/bench_engines.py                       # 200k and 1M records
    .venv/bin/python benchmarks/bench_engines.py --sizes 200000

For each size a corpus is generated (``bench_quality.make_table``: support conversations, 10% multi-turn,
10% preference pairs) and saved as Parquet; each engine then runs in a fresh process that reads it,
computes every batchable signal (``Signal.batchable``: all built-ins but semantic_dup and topics) and
prints its time, its peak memory (the process and, on Ray, its worker processes) and a digest of every
column and summary. The digests must be equal: the engines give the same answers value for value.
The peer is the local whole-table engine measured in the same run; the ratios are against it.
Ray runs as a local cluster of ``--cpus`` CPUs (2 on this machine), started inside the measured time
only for its workers' start-up (``ray.init`` itself is timed apart).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_quality import PeakRSS, make_table  # noqa: E402

ENGINES = {"whole": {}, "batches": {"batch_size": 100_000}, "ray": {"engine": "ray", "batch_size": 100_000}}


def digest(report) -> str:
    """One hash of every column (values and dtypes) and every summary of a SignalReport."""
    h = hashlib.sha256()
    frame = report.frame
    h.update(json.dumps([(c, str(t)) for c, t in frame.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(frame.astype({c: str for c in frame.columns if frame[c].dtype == object}),
                                        index=False).to_numpy().tobytes())
    h.update(json.dumps(report.summaries, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def measure(path: str, engine: str, cpus: int) -> None:
    from workbench.model import Dataset
    from workbench.quality import compute_signals
    from workbench.quality.builtin import BUILTIN_SIGNALS

    names = [cls.name for cls in BUILTIN_SIGNALS if cls.batchable]
    ds = Dataset(pq.read_table(path))
    init = 0.0
    if engine == "ray":
        import ray

        t = time.perf_counter()
        ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
        init = time.perf_counter() - t
    summarizing = [0.0]  # the part that runs on the driver whatever the cluster (for docs/scaling.md)
    for cls in BUILTIN_SIGNALS:
        if cls.batchable:
            def timed(self, *a, _f=cls.summarize, **k):
                t0 = time.perf_counter()
                try:
                    return _f(self, *a, **k)
                finally:
                    summarizing[0] += time.perf_counter() - t0
            cls.summarize = timed
    with PeakRSS(children=True, interval=0.05) as mem:
        t = time.perf_counter()
        rep = compute_signals(ds, signals=names, **ENGINES[engine])
        seconds = time.perf_counter() - t
    print(json.dumps({"engine": engine, "seconds": seconds, "init": init, "peak": mem.peak,
                      "digest": digest(rep), "data": ds.table.nbytes, "summarize": summarizing[0],
                      "timings": rep.timings}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="200000,1000000")
    ap.add_argument("--cpus", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--engine", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.data:
        return measure(args.data, args.engine, args.cpus)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; Ray with {args.cpus} CPUs")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.parquet"
            pq.write_table(make_table(n), path)
            runs = {}
            for engine in ENGINES:
                out = subprocess.run([sys.executable, __file__, "--data", str(path), "--engine", engine,
                                      "--cpus", str(args.cpus)], check=True, capture_output=True, text=True)
                runs[engine] = json.loads(out.stdout.strip().splitlines()[-1])
            base = runs["whole"]
            print(f"\n{n:,} records ({base['data'] / 1e6:,.0f} MB in Arrow)")
            print(f"{'engine':<10}{'seconds':>9}{'x whole':>9}{'rec/s':>10}{'peak MB':>9}{'x data':>8}  digest")
            for engine, r in runs.items():
                extra = f"  (+ ray.init {r['init']:.1f} s)" if r["init"] else ""
                print(f"{engine:<10}{r['seconds']:>9.1f}{r['seconds'] / base['seconds']:>9.2f}"
                      f"{n / r['seconds']:>10,.0f}{r['peak'] / 1e6:>9,.0f}{r['peak'] / r['data']:>8.1f}  "
                      f"{r['digest']}{extra}")
            b = runs["batches"]
            print(f"batches: {b['summarize']:.1f} s of {b['seconds']:.1f} s summarizing (the driver's part); "
                  f"per signal: " + ", ".join(f"{k} {v:.1f}" for k, v in b["timings"].items()))
            same = len({r["digest"] for r in runs.values()}) == 1
            print("same columns and summaries on every engine" if same else "ENGINES DISAGREE")


if __name__ == "__main__":
    main()
