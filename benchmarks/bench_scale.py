"""The whole CLI path on a large Alpaca JSONL: ``workbench init``, ``report`` and ``export``, step by step.

    .venv/bin/python benchmarks/bench_scale.py --sizes 200000 1000000 [5000000] [--dir /work/scale]

For each size a seeded Alpaca JSONL is generated (``gen_data.write_jsonl``, ~590 bytes a record, cached in
``--dir``; never committed), then each step runs as the user would run it, in a fresh process
(``workbench init DIR FILE``; ``workbench report DIR --batch-size N``; ``workbench export DIR --dedupe
near``, with ``--no-report`` if given), and the benchmark prints its wall time, time per record and peak
memory (the process's max RSS, from ``wait4``). The peer measured in the same run is ``pyarrow.json.read_json`` of the same file (time
and peak), so the loader's share of ``init`` reads as a ratio. Issue 17's targets: every step <= 4 GB
peak, and per-record time at 5M no more than 1.3x the time at 1M.

Kept apart from the other benchmarks because a 1M-record run takes minutes on this 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_data import write_jsonl  # noqa: E402

WB = [sys.executable, "-m", "workbench.cli"]
PYARROW = [sys.executable, "-c", "import sys, pyarrow.json as pj; print(pj.read_json(sys.argv[1]).num_rows)"]


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in GB (the child's ru_maxrss) and the last line it printed."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({os.waitstatus_to_exitcode(status)}): {out[-2000:]}")
    last = out.strip().splitlines()[-1] if out.strip() else ""
    return seconds, usage.ru_maxrss / 1024 ** 2, last


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    ap.add_argument("--dir", type=Path, default=Path("/tmp/wb_scale"))
    ap.add_argument("--batch-size", type=int, default=100_000)
    ap.add_argument("--steps", nargs="+", default=["pyarrow", "init", "report", "export"])
    ap.add_argument("--no-report", action="store_true",
                    help="export with --no-report (no quality report or hand-over documents: needs no report "
                         "step before it, which takes ~20 min at 1M)")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    per_record: dict[str, dict[int, float]] = {}
    print(f"{'records':>9} {'step':<8} {'seconds':>8} {'us/record':>10} {'peak GB':>8}  output")
    for n in args.sizes:
        data = write_jsonl(args.dir / f"alpaca_{n}.jsonl", "alpaca", n)
        project, report, export = (args.dir / f"{kind}_{n}" for kind in ("project", "report", "export"))
        for path in (project, report, export):
            if path.exists() and "init" in args.steps:
                shutil.rmtree(path)
        cmds = {
            "pyarrow": [*PYARROW, str(data)],
            "init": [*WB, "init", str(project), str(data)],
            "report": [*WB, "report", str(project), "--out", str(report), "--batch-size", str(args.batch_size)],
            "export": [*WB, "export", str(project), "--out", str(export), "--dedupe", "near", "--overwrite",
                       *(["--no-report"] if args.no_report else [])],
        }
        for step in args.steps:
            seconds, peak, last = run(cmds[step])
            per_record.setdefault(step, {})[n] = seconds / n
            print(f"{n:>9} {step:<8} {seconds:>8.1f} {1e6 * seconds / n:>10.1f} {peak:>8.2f}  {last[:90]}",
                  flush=True)
    sizes = sorted(args.sizes)
    if len(sizes) > 1:
        for step, by_n in per_record.items():
            print(f"per-record time {step}: {sizes[-1]} / {sizes[-2]} records = "
                  f"{by_n[sizes[-1]] / by_n[sizes[-2]]:.2f}x (target <= 1.3x at 5M / 1M)")


if __name__ == "__main__":
    main()
