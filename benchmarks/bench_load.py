"""Load a generated 1M-record OpenAI-chat JSONL with ``workbench.load`` and with ``pyarrow.json.read_json``.

Prints wall time and peak memory (each measured in its own fresh process) and the ratios.
Targets: time within 2x of pyarrow (stretch 1.5x); peak memory under 2.5x the file size.

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
from gen_data import write_openai_jsonl  # noqa: E402

CHILD = r"""
import json, resource, sys, time
path, which = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    sys.path.insert(0, sys.argv[3])  # the baseline copy of the package
t = time.perf_counter()
if which == "pyarrow":
    import pyarrow.json as pj
    n = pj.read_json(path).num_rows
else:
    import workbench as wb
    ds = wb.load(path)
    n = len(ds)
dt = time.perf_counter() - t
print(json.dumps({"rows": n, "seconds": dt, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(path: Path, which: str, src: str | None = None) -> dict:
    extra = [src] if src else []
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), which, *extra], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--path", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-src", default=None, help="folder holding an older workbench/ to compare with")
    args = ap.parse_args()
    path = Path(args.path or f"/tmp/workbench_bench_{args.n}.jsonl")
    write_openai_jsonl(path, args.n)
    size_mb = path.stat().st_size / 2**20
    # alternate the two, three runs each, and keep each one's best time (the machine is shared)
    runs = {"pyarrow": [], "workbench": []}
    if args.baseline_src:
        runs["baseline"] = []
    for _ in range(args.repeat):
        for which in runs:
            src = args.baseline_src if which == "baseline" else None
            runs[which].append(measure(path, "workbench" if which == "baseline" else which, src))
    ref = min(runs["pyarrow"], key=lambda r: r["seconds"])
    ours = min(runs["workbench"], key=lambda r: r["seconds"])
    print(f"file: {path} ({args.n:,} records, {size_mb:,.0f} MB)")
    print(f"pyarrow.json.read_json: {ref['seconds']:.2f} s, peak {ref['peak_mb']:,.0f} MB")
    print(f"workbench.load:         {ours['seconds']:.2f} s, peak {ours['peak_mb']:,.0f} MB, rows {ours['rows']:,}")
    print(f"time ratio (workbench / pyarrow): {ours['seconds'] / ref['seconds']:.2f}x  (target <= 2.0, stretch 1.5)")
    print(f"peak memory / file size: {ours['peak_mb'] / size_mb:.2f}x  (target < 2.5)")
    if args.baseline_src:
        base = min(runs["baseline"], key=lambda r: r["seconds"])
        print(f"baseline ({args.baseline_src}): {base['seconds']:.2f} s, peak {base['peak_mb']:,.0f} MB, "
              f"ratio to pyarrow {base['seconds'] / ref['seconds']:.2f}x")
        print(f"this code / baseline: {ours['seconds'] / base['seconds']:.2f}x time, "
              f"{ours['peak_mb'] / base['peak_mb']:.2f}x peak memory")


if __name__ == "__main__":
    main()
