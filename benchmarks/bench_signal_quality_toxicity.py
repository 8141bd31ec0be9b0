"""Measured quality and speed of offensive-language detection on a public test set it was not trained on.

Test set: OffensEval 2019 / OLID test set A (860 tweets, 240 offensive; Zampieri et al. 2019), files
``testset-levela.tsv`` + ``labels-levela.csv`` of github.com/idontflow/OLID. OLID carries no explicit
licence: it is read for measurement only (never committed, never trained on; its *training* tweets are
the classifier's development set, see ``tools/train_toxicity.py``). Clean set: LLaMA-Factory's
``data/alpaca_en_demo.json`` (github.com/hiyouga/LLaMA-Factory, Apache-2.0), never trained on.

Data: read by ``benchmarks/signal_data.py`` from ``$WB_SIGNAL_DATA`` or from local git snapshots of
those repositories (``/work/.mirror/<owner>+<name>/repo``; make them with the search tool's
``fetch github:idontflow/OLID`` / ``fetch github:hiyouga/LLaMA-Factory``, or ``git clone --bare``).

Prints precision, recall and F1 of the lexicons, of the classifier at its model-card threshold and of
the safety signal's rule; the share of the clean set flagged; and records/s of the classifier on
``--n`` instruction responses (each with words of its own) against a scikit-learn peer doing the same work in the same run
(``HashingVectorizer`` word 1-2-grams + ``char_wb`` 3-5-grams, ``LogisticRegression.predict_proba``
on the same head + tail window) and against the lexicon pass.

    .venv/bin/python benchmarks/bench_signal_quality_toxicity.py --n 1000000
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
sys.path.insert(0, str(ROOT))

from benchmarks.signal_data import read_source  # noqa: E402
from tools.train_toxicity import prf as prf_dict  # noqa: E402
from tools.train_toxicity import read_olid_test  # noqa: E402  (one OLID reader for training and measuring)
from workbench.quality.safety import HARM_CATEGORIES, SafetySignal, lexicon_hits  # noqa: E402
from workbench.quality.toxicity import load_model, model_card, toxicity_scores  # noqa: E402


def prf(pred: np.ndarray, gold: np.ndarray) -> str:
    m = prf_dict(pred, gold)
    return f"precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}"


def distinct_records(base: list[str], n: int) -> pa.Array:
    """``n`` records cycling through ``base``, each with two random 7-letter words of its own (one at
    the head, one at the tail): about 2n distinct tokens, as real data has, rather than the few
    thousand of ``base`` repeated (the classifier hashes each distinct token once)."""
    rng = np.random.default_rng(0)
    letters = rng.integers(97, 123, size=(n, 14), dtype=np.uint8)
    words = letters.view("S7").reshape(n, 2).astype(str)
    return pa.array([f"{words[i, 0]} {base[i % len(base)]} {words[i, 1]}" for i in range(n)])


def sklearn_peer(texts: list[str]):
    """A scikit-learn pipeline of the same shape (fitted on a few texts: only its speed is measured)."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression

    _, _, params = load_model()
    word = HashingVectorizer(n_features=params.n_features, ngram_range=(1, 2), alternate_sign=False)
    char = HashingVectorizer(n_features=params.n_features, analyzer="char_wb", ngram_range=(3, 5),
                             alternate_sign=False)
    fit = texts[:200]
    model = LogisticRegression().fit(hstack([word.transform(fit), char.transform(fit)]).tocsr(),
                                     np.arange(len(fit)) % 2)
    head, tail = params.head_bytes, params.tail_bytes

    def run(batch: list[str]) -> np.ndarray:
        batch = [t if len(t) <= head + tail else t[:head] + " " + t[-tail:] for t in batch]
        x = hstack([word.transform(batch), char.transform(batch)]).tocsr()
        return model.predict_proba(x)[:, 1]

    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="records for the speed measurement")
    ap.add_argument("--peer-n", type=int, default=20_000, help="records for the (slower) scikit-learn peer")
    args = ap.parse_args()
    card = model_card()
    signal_th = SafetySignal.Config().classifier_threshold
    data = read_olid_test()
    if data is None:
        print("missing OLID test set A: fetch github:idontflow/OLID (see this script's docstring)")
        return 1
    texts, gold = data
    lex = sum(lexicon_hits(texts, HARM_CATEGORIES).values()) > 0
    prob = toxicity_scores(texts)
    print(f"OLID test set A ({len(texts)} tweets, {int(gold.sum())} offensive); trained on: "
          + ", ".join(f"{d['name']} ({d['licence']})" for d in card["training_data"]))
    print(f"  lexicons (harm categories)              {prf(lex, gold)}")
    card_th = card["threshold"]
    print(f"  classifier >= {card_th:.2f} (card, chosen on dev)  {prf(prob >= card_th, gold)}")
    print(f"  classifier >= {signal_th:.2f} (signal)            {prf(prob >= signal_th, gold)}")
    print(f"  signal: lexicon OR classifier >= {signal_th:.2f}  {prf(lex | (prob >= signal_th), gold)}")
    print("  target: F1 >= 0.60 with precision >= 0.70")
    raw = read_source("hiyouga/LLaMA-Factory", "data/alpaca_en_demo.json")
    responses = None
    if raw:
        responses = [r["output"] for r in json.loads(raw)]
        p = toxicity_scores(responses)
        lx = sum(lexicon_hits(responses, HARM_CATEGORIES).values()) > 0
        print(f"clean English instructions (alpaca_en_demo, {len(p)} responses): "
              "classifier >= card threshold "
              f"{np.mean(p >= card['threshold']):.2%}, >= signal threshold {np.mean(p >= signal_th):.2%}, "
              f"signal rule {np.mean(lx | (p >= signal_th)):.2%}")
    base = responses or texts
    big = distinct_records(base, args.n)
    toxicity_scores(big[:1000])  # load the weights outside the timing
    t0 = time.perf_counter()
    toxicity_scores(big)
    ours = time.perf_counter() - t0
    peer = sklearn_peer(base)
    small = big[:args.peer_n].to_pylist()
    t0 = time.perf_counter()
    peer(small)
    peer_s = (time.perf_counter() - t0) * args.n / len(small)
    t0 = time.perf_counter()
    lexicon_hits(big)
    lex_s = time.perf_counter() - t0
    mean_chars = sum(map(len, base)) / len(base)
    print(f"speed on {args.n:,} responses ({mean_chars:.0f} chars on average; {os.cpu_count()} cores):")
    print(f"  classifier (numpy + Arrow)            {args.n / ours:>10,.0f} records/s (target >= 50,000)")
    print(f"  peer: scikit-learn Hashing+LR ({len(small):,}) {args.n / peer_s:>10,.0f} records/s "
          f"(ours is {peer_s / ours:.1f}x faster)")
    print(f"  lexicon pass (all categories)         {args.n / lex_s:>10,.0f} records/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
