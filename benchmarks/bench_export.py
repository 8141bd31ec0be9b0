"""Export benchmark: a generated canonical table in OpenAI format with train/val/test splits, timed
against ``pandas.DataFrame.to_json(orient="records", lines=True)`` of the same records in the same run.

    python benchmarks/bench_export.py            # 1,000,000 records
    python benchmarks/bench_export.py --n 200000 --near

What is timed: ``export()`` end to end (selection, exact-duplicate and shared-prompt grouping,
stratified split assignment, conversion to OpenAI rows, JSONL writing, the leakage check, manifest
hashes, dataset card), without the quality report (``report=False``: it computes every quality signal
and has its own benchmark). Near-duplicate detection is off unless ``--near`` is given; it is the
costliest stage and is reported on its own with ``--near``.

The peer writes the same records (``{"messages": [...]}`` per line) with pandas, which serialises in C
but does no selection, grouping, splitting or checking.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.export import export
from workbench.model import MESSAGES_TYPE, RECORD_SCHEMA, Dataset

CATEGORIES = np.array(["billing", "account", "shipping", "returns", "technical", "product", "other"])
WORDS = np.array("the a order invoice refund card account password shipping delivery late box item "
                 "return policy days help please thanks update change address email support issue".split())


def sentences(rng: np.random.Generator, n: int, length: int) -> list[str]:
    """``n`` random texts of ``length`` words (vectorised: one join per row)."""
    idx = rng.integers(0, len(WORDS), (n, length))
    return [" ".join(row) for row in WORDS[idx]]


def build_table(n: int, seed: int = 0) -> pa.Table:
    """``n`` SFT records in the canonical schema, built column-wise with pyarrow (2% exact copies,
    a third of the answers in two paragraphs)."""
    rng = np.random.default_rng(seed)
    users = [f"[{i}] {s}?" for i, s in enumerate(sentences(rng, n, 12))]
    answers = sentences(rng, n, 40)
    for i in range(0, n, 3):  # a third of the answers have two paragraphs, as support answers do
        answers[i] = answers[i].replace(" ", "\n\n", 1)
    dup = rng.choice(n, n // 50, replace=False)
    for i in dup:  # exact copies of other records' text
        users[i], answers[i] = users[(i + 1) % n], answers[(i + 1) % n]
    role = pa.array(np.tile(["user", "assistant"], n))
    content = pa.array([t for pair in zip(users, answers) for t in pair], pa.string())
    nulls = pa.nulls(2 * n, pa.string())
    structs = pa.StructArray.from_arrays([role, content, nulls, nulls, pa.nulls(2 * n, pa.int8())],
                                         fields=list(MESSAGES_TYPE.value_type))
    messages = pa.ListArray.from_arrays(pa.array(np.arange(0, 2 * n + 1, 2, dtype=np.int32)), structs,
                                        type=MESSAGES_TYPE)
    cols = {"id": pa.array([f"rec-{i:08d}" for i in range(n)]), "kind": pa.array(["sft"] * n),
            "messages": messages, "category": pa.array(CATEGORIES[rng.integers(0, len(CATEGORIES), n)])}
    return pa.table({f.name: cols.get(f.name, pa.nulls(n, f.type)) for f in RECORD_SCHEMA},
                    schema=RECORD_SCHEMA)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--near", action="store_true", help="also time with near-duplicate detection on")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    ds = Dataset(build_table(args.n))
    print(f"built {args.n:,} records in {time.perf_counter() - t0:.1f}s")
    tmp = Path(tempfile.mkdtemp(prefix="bench_export_"))
    try:
        df = pd.DataFrame({"messages": pd.Series(ds.table.column("messages").to_pylist(), dtype=object)})
        t0 = time.perf_counter()
        df.to_json(tmp / "pandas.jsonl", orient="records", lines=True, force_ascii=False)
        t_pandas = time.perf_counter() - t0
        del df
        runs = [("export, near duplicates off", None)]
        if args.near:
            runs.append(("export, near duplicates on", 0.8))
        print(f"pandas to_json(lines=True): {t_pandas:.2f}s")
        for label, near in runs:
            t0 = time.perf_counter()
            res = export(ds, tmp / f"out-{near}", format="openai", splits=(0.8, 0.1, 0.1), report=False,
                         near_threshold=near)
            t = time.perf_counter() - t0
            print(f"{label}: {t:.2f}s  ({t / t_pandas:.1f}x pandas)  counts {res['counts']}, "
                  f"left out {res['left_out']}, leakage ok {res['leakage_check']['ok']}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
