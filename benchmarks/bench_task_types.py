"""Task types: accuracy, macro-F1 and share of ``other`` per labelled set, and speed at 1M records.

Sets: ``sni_dev`` (676 Super-NaturalInstructions records from ``../shared/data/task_types``, never
trained on; the verb patterns were written with its errors in view, so read it as a development
figure), the committed held-out fixture (English Dolly prompts, Chinese BELLE prompts) and, with
``--heldout DIR``, the held-out sets that ``tools/train_task_types.py --heldout-out DIR`` writes (Dolly
ids held out, BELLE questions held out, whole T0 datasets held out, GSM8K).

Speed: ``--n`` distinct prompts (default 1M) made by resampling every labelled prompt above and giving
each a unique suffix, typed by ``classify_task_types``; the peer measured in the same run is
WordLlama's own ``embed_texts`` (its subword tokenizer) on a sample, so the ratio says how much the
Arrow tokenisation saves.

    .venv/bin/python benchmarks/bench_task_types.py [--n 1000000] [--heldout /path/to/heldout]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.train_task_types import scores  # noqa: E402  (the training script's own figures)
from workbench.quality.embed import embed_texts  # noqa: E402
from workbench.quality.task_type import classify_task_types, load_weights  # noqa: E402

SNI_DEV = ROOT.parent / "shared" / "data" / "task_types" / "sni_dev.jsonl"
FIXTURE = ROOT / "tests" / "fixtures" / "task_types_labelled.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def labelled_sets(heldout: Path | None) -> dict[str, list[tuple[str, str, str]]]:
    """Set name -> (prompt, gold label, response or "")."""
    sets: dict[str, list[tuple[str, str, str]]] = {}
    if SNI_DEV.exists():
        sets["sni_dev"] = [(r["instruction"] + (f"\n\n{r['input']}" if r["input"] else ""), r["category"],
                            r.get("output") or "") for r in read_jsonl(SNI_DEV)]
    fx = read_jsonl(FIXTURE)
    sets["fixture_en (Dolly)"] = [(r["text"], r["label"], "") for r in fx if r["lang"] == "en"]
    sets["fixture_zh (BELLE)"] = [(r["text"], r["label"], "") for r in fx if r["lang"] == "zh"]
    if heldout is not None:
        for path in sorted(heldout.glob("*.jsonl")):
            sets[path.stem] = [(r["text"], r["label"], r.get("response") or "") for r in read_jsonl(path)]
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--heldout", type=Path)
    ap.add_argument("--peer-sample", type=int, default=20_000)
    args = ap.parse_args()
    load_weights()
    sets = labelled_sets(args.heldout)
    print("prompt: the typer reads the prompt alone; record: the prompt and its response (as wb.signals does)")
    print(f"{'set':34s} {'n':>6s} {'accuracy':>9s} {'macro-F1':>9s} {'other':>7s}")
    pool = []
    for name, rows in sets.items():
        texts = [t for t, _, _ in rows]
        gold = np.array([g for _, g, _ in rows], dtype=object)
        views = [("prompt", None)]
        if any(r for _, _, r in rows):
            views.append(("record", [r for _, _, r in rows]))
        for view, responses in views:
            pred, _ = classify_task_types(texts, responses=responses)
            s = scores(gold, pred)
            print(f"{name + ' / ' + view:34s} {s['n']:6d} {s['accuracy']:9.3f} {s['macro_f1']:9.3f} {s['other_share']:7.1%}")
        pool += texts
    rng = random.Random(0)
    big = pa.array([f"{rng.choice(pool)} (#{i})" for i in range(args.n)], pa.string())
    classify_task_types(big.slice(0, 1000))  # warm-up: model and vocabulary load
    start = time.perf_counter()
    labels, _ = classify_task_types(big)
    took = time.perf_counter() - start
    sample = big.slice(0, min(args.peer_sample, args.n)).to_pylist()
    start = time.perf_counter()
    embed_texts(sample)
    peer = time.perf_counter() - start
    rate, peer_rate = args.n / took, len(sample) / peer
    print(f"\ntyping {args.n:,} distinct prompts: {took:.1f} s ({rate:,.0f} records/s) on {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"peer, WordLlama embed_texts on {len(sample):,}: {peer_rate:,.0f} records/s -> task typing is "
          f"{rate / peer_rate:.1f}x its speed")
    print("types at 1M:", dict(zip(*np.unique(labels, return_counts=True))))


if __name__ == "__main__":
    main()
