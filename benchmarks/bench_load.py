"""``workbench.load`` against ``pyarrow.json.read_json`` on every JSONL format the loader reads.

For each format (OpenAI chat with ids, Alpaca with and without an id column, ShareGPT, DPO with string
and with message-list sides) a seeded file is generated (``gen_data.py``, cached in /tmp), then both
readers load it, each in its own fresh process, alternating, ``--repeat`` times; the best time of each is
kept (the machine is shared). Prints per format: pyarrow's time, workbench's time, their ratio, the
ratio of their CPU times (user + system of the whole process, best run of each: steadier than wall time
when other work shares the cores, as the load average printed with the table shows), and peak memory
(max RSS of the process) over the file size.
Targets (issue 17): time <= 2.0x pyarrow, peak memory <= 2.5x the file, on every format.

``--baseline-src DIR`` also times another copy of the package (e.g. ``git archive <commit> workbench |
tar -x -C DIR``) in the same run, so a change to the loader is measured against the code before it.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_data import WRITERS, write_jsonl  # noqa: E402

CHILD = r"""
import json, resource, sys, time
path, which = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    sys.path.insert(0, sys.argv[3])  # the baseline copy of the package
t = time.perf_counter()
if which == "pyarrow":
    import pyarrow.json as pj
    n = pj.read_json(path).num_rows
    fmt = "-"
else:
    import workbench as wb
    ds = wb.load(path)
    n, fmt = len(ds), ds.format
dt = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"rows": n, "seconds": dt, "format": fmt, "cpu": ru.ru_utime + ru.ru_stime,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(path: Path, which: str, src: str | None = None) -> dict:
    extra = [src] if src else []
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), which, *extra], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def bench_one(path: Path, repeat: int, baseline_src: str | None) -> dict:
    runs = {"pyarrow": [], "workbench": []}
    if baseline_src:
        runs["baseline"] = []
    for _ in range(repeat):  # alternate the readers, keep each one's best time
        for which in runs:
            src = baseline_src if which == "baseline" else None
            runs[which].append(measure(path, "workbench" if which == "baseline" else which, src))
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
    for k, v in runs.items():  # the least CPU any run of each reader took
        best[k] = {**best[k], "cpu": min(r["cpu"] for r in v)}
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300_000, help="records per file")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--formats", default=",".join(WRITERS), help=f"comma-separated, of {', '.join(WRITERS)}")
    ap.add_argument("--dir", default="/tmp", help="where the generated files are kept")
    ap.add_argument("--baseline-src", default=None, help="folder holding an older workbench/ to compare with")
    args = ap.parse_args()
    rows = []
    load_before = " ".join(open("/proc/loadavg").read().split()[:3])
    for kind in args.formats.split(","):
        path = write_jsonl(Path(args.dir) / f"workbench_bench_{kind}_{args.n}.jsonl", kind, args.n)
        size_mb = path.stat().st_size / 2**20
        best = bench_one(path, args.repeat, args.baseline_src)
        ref, ours = best["pyarrow"], best["workbench"]
        row = {"kind": kind, "mb": size_mb, "format": ours["format"], "rows": ours["rows"],
               "pa_s": ref["seconds"], "wb_s": ours["seconds"], "ratio": ours["seconds"] / ref["seconds"],
               "cpu_ratio": ours["cpu"] / ref["cpu"], "mem": ours["peak_mb"] / size_mb,
               "pa_mem": ref["peak_mb"] / size_mb}
        if args.baseline_src:
            row["base_ratio"] = best["baseline"]["seconds"] / ref["seconds"]
            row["base_mem"] = best["baseline"]["peak_mb"] / size_mb
            row["base_cpu_ratio"] = best["baseline"]["cpu"] / ref["cpu"]
        rows.append(row)
        print(json.dumps(row), flush=True)
    print(f"\n{args.n:,} records per file, best of {args.repeat} alternating runs, each in a fresh process; "
          f"load average {' '.join(open('/proc/loadavg').read().split()[:3])} (before: {load_before})")
    head = f"{'file':<13} {'MB':>5} {'read as':<11} {'pyarrow s':>9} {'wb s':>6} {'ratio':>6} {'cpu ratio':>9} " \
           f"{'mem/file':>8} {'pa mem/file':>11}"
    if args.baseline_src:
        head += f" {'base ratio':>10} {'base cpu':>8} {'base mem':>8}"
    print(head)
    for r in rows:
        line = f"{r['kind']:<13} {r['mb']:>5.0f} {r['format']:<11} {r['pa_s']:>9.2f} {r['wb_s']:>6.2f} " \
               f"{r['ratio']:>5.2f}x {r['cpu_ratio']:>8.2f}x {r['mem']:>7.2f}x {r['pa_mem']:>10.2f}x"
        if args.baseline_src:
            line += f" {r['base_ratio']:>9.2f}x {r['base_cpu_ratio']:>7.2f}x {r['base_mem']:>7.2f}x"
        print(line)
    worst = max(rows, key=lambda r: r["ratio"])
    print(f"targets: time <= 2.0x pyarrow (worst: {worst['kind']} {worst['ratio']:.2f}x), "
          f"peak memory <= 2.5x the file (worst: {max(r['mem'] for r in rows):.2f}x)")


if __name__ == "__main__":
    main()
