"""First paint of the dashboard's Overview on the sample project (signals cached), and what it ships.

Prints the time to build the Overview (``Dashboard(project)``: counts, charts, the composition panel)
against its peer measured in the same run, reading the cached signals alone; the bytes of widget
state the browser receives; and the number of ``FigureWidget`` (each carries plotly.js, ~5 MB).

    python benchmarks/bench_overview.py [PROJECT_OR_DATA] [--repeat 3]

Without an argument the sample project is used (built once into ``WORKBENCH_CACHE``).
"""
from __future__ import annotations

import argparse
import json
import statistics
import time


def _walk(widget):
    stack, seen = [widget], set()
    while stack:
        w = stack.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        yield w
        stack.extend(getattr(w, "children", ()) or ())


def _state_bytes(widget) -> int:
    total = 0
    for w in _walk(widget):
        state = w.get_state()
        total += len(json.dumps(state, default=str))
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("target", nargs="?", help="project folder or dataset file (default: the sample project)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from workbench.app import resolve_target
    from workbench.quality import compute_signals
    from workbench.store import Project
    from workbench.ui.dashboard import Dashboard

    path = resolve_target(args.target)
    with Project.open(path) as project:
        compute_signals(project.dataset, project.guidelines, cache_dir=project.path / "cache")  # warm
        Dashboard(project)  # imports and plotly's first FigureWidget happen once per process
        peer, build = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            compute_signals(project.dataset, project.guidelines, cache_dir=project.path / "cache")
            peer.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            d = Dashboard(project)
            build.append(time.perf_counter() - t0)
        overview = d.tabs.children[0]
        n_fig = sum(type(w).__name__ == "FigureWidget" for w in _walk(overview))
        size = _state_bytes(overview)
    b, p = statistics.median(build), statistics.median(peer)
    print(f"records: {len(project.dataset):,}")
    print(f"overview build: {b:.3f} s (median of {args.repeat}); cached signal read (peer): {p:.3f} s; "
          f"ratio {b / p:.1f}x")
    print(f"overview widget state: {size / 1e6:.2f} MB; FigureWidgets: {n_fig}")


if __name__ == "__main__":
    main()
