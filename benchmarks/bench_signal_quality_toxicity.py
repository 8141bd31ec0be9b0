"""Measured quality of offensive-language detection on a public test set it was not trained on.

Test set: OffensEval 2019 / OLID test set A (860 tweets, 240 offensive; Zampieri et al. 2019), as
``testset-levela.tsv`` and ``labels-levela.csv`` in ``$WB_SIGNAL_DATA`` (default
``.cache/signal-quality/``; copy them from github.com/idontflow/OLID; the OLID files carry no explicit
licence and are used here for measurement only, never committed or trained on). The classifier was
trained on Davidson et al. 2017 and Surge AI's toxicity sample (both MIT), see its model card.

Prints precision, recall and F1 of: the category lexicons; the classifier at its model-card (dev)
threshold and at the safety signal's threshold; and the signal's rule (lexicon harm hit OR classifier
at the signal threshold). Also the share of a clean instruction set (LLaMA-Factory alpaca_en_demo,
Apache-2.0) flagged, and records/s of the classifier against the lexicon pass in the same run.

    .venv/bin/python benchmarks/bench_signal_quality_toxicity.py --n 100000
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

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WB_SIGNAL_DATA", ROOT / ".cache" / "signal-quality"))
sys.path.insert(0, str(ROOT))

from tools.train_toxicity import read_olid_test  # noqa: E402  (one OLID reader for training and measuring)
from tools.train_toxicity import prf as prf_dict  # noqa: E402
from workbench.quality.safety import HARM_CATEGORIES, SafetySignal, lexicon_hits  # noqa: E402
from workbench.quality.toxicity import model_card, toxicity_scores  # noqa: E402


def prf(pred: np.ndarray, gold: np.ndarray) -> str:
    m = prf_dict(pred, gold)
    return f"precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50_000, help="records for the speed measurement")
    args = ap.parse_args()
    card = model_card()
    signal_th = SafetySignal.Config().classifier_threshold
    data = read_olid_test(DATA)
    if data is None:
        print(f"missing OLID test set A in {DATA}: copy testset-levela.tsv and labels-levela.csv from "
              "github.com/idontflow/OLID (measurement only)")
        return 1
    texts, gold = data
    lex = sum(lexicon_hits(texts, HARM_CATEGORIES).values()) > 0
    prob = toxicity_scores(texts)
    print(f"OLID test set A ({len(texts)} tweets, {int(gold.sum())} offensive); trained on: "
          + ", ".join(f"{d['name']} ({d['licence']})" for d in card["training_data"]))
    print(f"  lexicons (harm categories)          {prf(lex, gold)}")
    print(f"  classifier >= {card['threshold']:.2f} (card, dev)    {prf(prob >= card['threshold'], gold)}")
    print(f"  classifier >= {signal_th:.2f} (signal)        {prf(prob >= signal_th, gold)}")
    print(f"  signal: lexicon OR classifier>={signal_th:.2f}  {prf(lex | (prob >= signal_th), gold)}")
    print("  target: F1 >= 0.60 with precision >= 0.70")
    clean = DATA / "llamafactory_alpaca_en_demo.json"
    responses = None
    if clean.exists():
        responses = [r["output"] for r in json.loads(clean.read_text(encoding="utf-8"))]
        p = toxicity_scores(responses)
        lx = sum(lexicon_hits(responses, HARM_CATEGORIES).values()) > 0
        print(f"clean English instructions (alpaca_en_demo, {len(p)} responses): "
              f"classifier >= card threshold "
              f"{np.mean(p >= card['threshold']):.2%}, >= signal threshold {np.mean(p >= signal_th):.2%}, "
              f"signal rule {np.mean(lx | (p >= signal_th)):.2%}")
    base = responses or texts
    big = pa.array((base * (-(-args.n // len(base))))[:args.n])
    t0 = time.perf_counter()
    toxicity_scores(big)
    clf = time.perf_counter() - t0
    t0 = time.perf_counter()
    lexicon_hits(big)
    peer = time.perf_counter() - t0
    print(f"speed on {args.n:,} responses ({os.cpu_count()} cores): classifier {args.n / clf:,.0f} records/s "
          f"(target >= 50,000); peer lexicon pass {args.n / peer:,.0f} records/s "
          f"(time ratio {clf / peer:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
