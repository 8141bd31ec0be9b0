"""Measured quality of PII detection on a public labelled corpus it was not tuned on.

Row level, per type: a text is positive for a type when the corpus labels at least one span of it;
precision = found rows that are labelled / found rows, recall = labelled rows found / labelled rows.
Corpus: Microsoft presidio-research ``data/synth_dataset_v2.json`` (1,500 template sentences with
labelled spans, generated with Faker for many locales; MIT licence). Read from ``$WB_SIGNAL_DATA``
(default ``.cache/signal-quality/``) as ``presidio_synth_dataset_v2.json``; nothing is downloaded:
copy the file from a clone of github.com/microsoft/presidio-research.

Speed: records/s of ``pii_counts`` (every type) on ``--n`` texts (the corpus repeated), against the
structured types alone (e-mail, phone, card, IBAN, IP, SSN, secrets) in the same run.

    .venv/bin/python benchmarks/bench_signal_quality_pii.py --n 200000
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from workbench.quality.pii import PII_NAMES, TEXT_TYPES, pii_counts

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WB_SIGNAL_DATA", ROOT / ".cache" / "signal-quality"))
CORPUS = DATA / "presidio_synth_dataset_v2.json"
LABELS = {"EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "credit_card",
          "IBAN_CODE": "iban",
          "IP_ADDRESS": "ip_address", "US_SSN": "ssn", "PERSON": "name", "STREET_ADDRESS": "address"}
TARGETS = {"email": (0.9, 0.9), "phone": (0.9, 0.9), "credit_card": (0.9, 0.9), "iban": (0.9, 0.9),
           "ip_address": (0.9, 0.9), "ssn": (0.9, 0.9), "name": (0.85, 0.8), "address": (0.85, 0.8)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="texts for the speed measurement")
    ap.add_argument("--show", default="", help="print missed and wrong rows of this type")
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"missing {CORPUS}: copy data/synth_dataset_v2.json of github.com/microsoft/presidio-research "
              "there (MIT licence)")
        return 1
    rows = json.loads(CORPUS.read_text(encoding="utf-8"))
    texts = [r["full_text"] for r in rows]
    truth = {t: np.array([any(LABELS.get(s["entity_type"]) == t for s in r["spans"]) for r in rows])
             for t in LABELS.values()}
    t0 = time.perf_counter()
    found = pii_counts(texts)
    small = time.perf_counter() - t0
    print(f"PII, row level, on presidio-research synth_dataset_v2.json ({len(rows)} texts; MIT licence)")
    print(f"  {'type':<12} {'rows':>5} {'precision':>9} {'recall':>7}  target P/R")
    for t, want in truth.items():
        got = found[t] > 0
        tp = int((got & want).sum())
        p = tp / max(int(got.sum()), 1)
        r = tp / max(int(want.sum()), 1)
        tp_, tr_ = TARGETS[t]
        ok = "ok" if p >= tp_ and r >= tr_ else "BELOW"
        print(f"  {t:<12} {int(want.sum()):>5} {p:>9.3f} {r:>7.3f}  {tp_:.2f}/{tr_:.2f} {ok}")
        if t == args.show:
            for i in np.flatnonzero(got != want)[:25]:
                kind = "missed" if want[i] else "wrong "
                print(f"    {kind} {texts[i][:150]!r}")
    reps = -(-args.n // len(texts))
    big = pa.array((texts * reps)[:args.n])
    structured = [t for t in PII_NAMES if t not in TEXT_TYPES and t != "date_of_birth"]
    t0 = time.perf_counter()
    pii_counts(big, structured)
    peer = time.perf_counter() - t0
    t0 = time.perf_counter()
    pii_counts(big)
    whole = time.perf_counter() - t0
    print(f"speed on {args.n:,} texts ({os.cpu_count()} cores; first pass on the corpus took {small:.2f} s):")
    print(f"  all types (with names, addresses, dates of birth): {args.n / whole:,.0f} texts/s")
    print(f"  peer: structured types only: {args.n / peer:,.0f} texts/s (time ratio {whole / peer:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
