"""Train the task-type classifier shipped as ``workbench/quality/models/task_types.npz``.

Usage::

    python tools/train_task_types.py DATA_DIR [--out workbench/quality/models] [--heldout-out DIR]

``DATA_DIR`` holds public files copied out of GitHub snapshots (none of it is committed):

====================================  ==========================================================  ===============
file or folder                        origin (repository: path)                                   licence
====================================  ==========================================================  ===============
dolly-15k-analysis/                   nayohan/dolly-15k-analysis: ``dolly_decode_bak/google_      CC BY-SA 3.0
                                      flan-t5-base_decode_output.jsonl`` (Dolly instructions with  (Dolly)
                                      their Dolly ids 0-6399) and ``T5_piechart/d_google/{flan-t5-
                                      base,flan-t5-large,t5-v1_1-base}/{All,<category>}.csv``
                                      (model outputs in Dolly order, whole and per category: their
                                      alignment recovers each id's Dolly category, see
                                      ``dolly_categories``)
belle_eval_set.json                   LianjiaTech/BELLE: eval/eval_set.json (Chinese, 12 classes)  ODC-By (data)
belle_zh_seed_tasks.json              LianjiaTech/BELLE: data/1.5M/zh_seed_tasks.json             ODC-By (data)
self_instruct_seed_tasks.jsonl        yizhongw/self-instruct: data/seed_tasks.jsonl               Apache-2.0
t0/*.jsonl                            yizhongw/self-instruct: data/finetuning/t0_train_50k/       Apache-2.0
                                      data_per_template/ (P3 prompts)                              (prompts)
mt_bench_question.jsonl               lm-sys/FastChat: fastchat/llm_judge/data/mt_bench/          Apache-2.0
vicuna_bench_question.jsonl           lm-sys/FastChat: fastchat/llm_judge/data/vicuna_bench/      Apache-2.0
gsm8k_test.jsonl                      openai/grade-school-math: grade_school_math/data/test.jsonl MIT
====================================  ==========================================================  ===============

The 175 self-instruct seed tasks (and BELLE's Chinese translations of them, matched by task name)
carry no category; ``SEED_LABELS`` below gives each a type by hand (seeds that fit no type are left
out). Held out from training, and reported in the card: every fifth Dolly id, a third of the BELLE
eval set (by a hash of the question), whole T0 datasets (``T0_HELDOUT``) and part of GSM8K.
``/work/shared/data/task_types/sni_dev.jsonl`` is evaluation data only and is never read here.

Tried (2026-12-05, held-out accuracy / macro-F1; Dolly = held-out Dolly without passages, Dolly+p = with
the stand-in passage, T0 = held-out T0 datasets; one run each, so differences under ~1.5 points on Dolly's
1,266 rows are noise):

=========================================  ==============  ==============  ======  ======  =====  ===========
setting                                    Dolly           Dolly+p         BELLE   T0      GSM8K  SNI dev
=========================================  ==============  ==============  ======  ======  =====  ===========
version 2 (C=1, sqrt-balanced classes)     0.637 / 0.524   0.782 / 0.723   0.704   0.667   0.993  0.926
C=0.5 / 2 / 4 (accuracy)                   .630/.640/.639  .776/.782/.775  .67-74  .65-67  0.993  .914/.911/.893
no class balancing                         0.629 / 0.499   0.776 / 0.698   0.704   0.653   0.980  0.907
fully balanced classes                     0.623 / 0.509   0.762 / 0.707   0.689   0.678   0.993  0.939
passage-free copies, weight 1              0.701 / 0.655   0.757 / 0.697   0.689   0.636   0.987  0.911
opening tokens (PREFIX_TOKENS=3) only     0.650 / 0.544  0.785 / 0.720   0.718   0.678   0.993  0.916
opening tokens + copies at 0.25 (shipped)  0.694 / 0.634   0.778 / 0.714   0.709   0.693   0.993  0.913
the same with Dolly rows weighted 1.5      0.699 / 0.641   0.780 / 0.716   0.704   0.693   0.993  0.911
=========================================  ==============  ==============  ======  ======  =====  ===========

Unseen Super-NaturalInstructions tasks (2026-12-06): ``sni_dev`` is not a held-out figure (the verb patterns
were written against its errors: 0.91 there). 89 other SNI tasks (347 records, ``tools/sni_unseen_tasks.tsv``:
names and commits; the texts are transcribed from the task files and not committed) gave the shipped model
0.671 / 0.626, and 0.651 when retrained without the 6 SNI tasks it had (their transcription was lost). 41 more
SNI tasks in training (``tools/sni_extra_tasks.tsv``; none from a source dataset of either evaluation set),
weight chosen on half A of the unseen set (tasks split by md5 of the name): 0 / 2 / 4 / 8 -> half A 0.654 /
0.755 / 0.723 / 0.718; shipped at 2: unseen 0.723 / 0.689 (half B, not used for the choice: 0.648 -> 0.685),
other sets within noise (Dolly 0.694, Dolly+p 0.777, BELLE 0.709, T0 0.678, sni_dev 0.933). Still weak on
unseen SNI: chat, creative_writing, open_qa phrased as "answer the question" and SCAN-style code; few such
SNI tasks are left to train on that share no source dataset with the evaluation set.

A one-hidden-layer MLP (48 units, scikit-learn) on the same features and rows, classifier alone (no verb
patterns): Dolly 0.695, Dolly+p 0.765, T0 0.603, BELLE 0.686 against the shipped linear model's 0.693,
0.778, 0.640, 0.663 - no gain worth a second inference path.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from task_type_sources import load_all  # noqa: E402

from workbench.model.taxonomy import OTHER, TASK_TYPES  # noqa: E402
from workbench.quality import task_features  # noqa: E402

CLASSES = tuple(t for t in TASK_TYPES if t != OTHER)


def features(rows):
    """Dense (embedding + structure) and sparse (hashed n-grams) features of ``rows``."""
    import scipy.sparse as sp

    texts = [r["text"] for r in rows]
    # responses are not features: their shape (a short label, a list, a long text) helped whole held-out T0
    # datasets (+9 points) but cost 8 points on SNI tasks (sni_dev 0.93 -> 0.85), whose outputs look otherwise
    _, emb, ngrams, struct = task_features.featurize(texts, np.ones(len(texts), np.int64))
    # Dolly's passages are not in our copy of it: its passage categories get the flag they carry in Dolly
    force = np.array([r.get("passage", False) for r in rows])
    struct[force, 0] = 1.0
    struct[force, 1] = np.maximum(struct[force, 1], np.log1p(800) / 8.0)
    return sp.hstack([sp.csr_matrix(emb), ngrams, sp.csr_matrix(struct)]).tocsr()


def passage_free_copies(rows, weight: float) -> list[dict]:
    """Each training row with a passage flag again without it, at ``weight`` times its weight: records also
    carry a passage task's instruction alone ("Based on this paragraph, who ..."), and without these copies
    the classifier learnt the flag rather than the wording (held-out Dolly without passages 0.650 -> 0.694,
    with a passage 0.785 -> 0.778 at weight 0.25; 0.701 / 0.757 at weight 1)."""
    return [dict(r, passage=False, weight=r.get("weight", 1.0) * weight) for r in rows if r.get("passage")] if weight else []


def train(rows, c: float):
    from sklearn.linear_model import LogisticRegression

    x = features(rows)
    y = np.array([CLASSES.index(r["label"]) for r in rows])
    sw = np.array([r.get("weight", 1.0) for r in rows])
    counts = np.bincount(y, weights=sw, minlength=len(CLASSES))
    # half-way to balanced classes: rare types (translation, chat) still count, without over-predicting them
    sw = sw * ((len(y) / (len(CLASSES) * np.maximum(counts, 1))) ** 0.5)[y]
    clf = LogisticRegression(C=c, max_iter=3000, solver="lbfgs")
    clf.fit(x, y, sample_weight=sw)
    dim = 256
    coef = clf.coef_.T.astype(np.float32)  # features x classes
    k = len(CLASSES)
    full = np.zeros((coef.shape[0], k), np.float32)
    full[:, clf.classes_] = coef
    b = np.full(k, -30.0, np.float32)
    b[clf.classes_] = clf.intercept_
    return {"coef_emb": full[:dim], "coef_hash": full[dim:dim + task_features.N_HASH],
            "coef_struct": full[dim + task_features.N_HASH:], "intercept": b,
            "classes": np.array(CLASSES), "n_hash": np.int64(task_features.N_HASH),
            "max_tokens": np.int64(task_features.MAX_TOKENS), "prefix_tokens": np.int64(task_features.PREFIX_TOKENS)}


def evaluate(weights, rows, use_rules: bool = True, with_response: bool = False) -> dict:
    from workbench.quality.task_type import classify_task_types, model_probabilities

    texts = [r["text"] for r in rows]
    responses = [r.get("response") or "" for r in rows] if with_response else None
    gold = np.array([r["label"] for r in rows], dtype=object)
    if use_rules:
        pred, _ = classify_task_types(texts, responses=responses, weights=weights)
    else:
        _, prob = model_probabilities(texts, responses=responses, weights=weights)
        pred = np.array(CLASSES, dtype=object)[prob.argmax(axis=1)]
    return scores(gold, pred)


def scores(gold, pred) -> dict:
    labels = sorted(set(gold))
    f1 = []
    for lab in labels:
        tp = np.sum((pred == lab) & (gold == lab))
        p = tp / max(np.sum(pred == lab), 1)
        r = tp / max(np.sum(gold == lab), 1)
        f1.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return {"n": int(len(gold)), "accuracy": round(float(np.mean(pred == gold)), 4),
            "macro_f1": round(float(np.mean(f1)), 4), "other_share": round(float(np.mean(pred == OTHER)), 4)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "workbench/quality/models")
    ap.add_argument("--heldout-out", type=Path, help="write the held-out rows here as JSONL per set")
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--passage-free-weight", type=float, default=0.25,
                    help="weight of the copies of passage tasks without their passage flag (0: none)")
    args = ap.parse_args(argv)
    t0 = time.time()
    train_rows, heldout, sources = load_all(args.data_dir)
    copies = passage_free_copies(train_rows, args.passage_free_weight)
    print(f"train rows {len(train_rows)}: {dict(Counter(r['label'] for r in train_rows))}")
    weights = train(train_rows + copies, args.c)
    metrics = {}
    for name, rows in heldout.items():
        metrics[name] = {"with_rules": evaluate(weights, rows), "model_only": evaluate(weights, rows, False)}
        if any(r.get("response") for r in rows):
            metrics[name]["with_rules_and_response"] = evaluate(weights, rows, with_response=True)
        print(name, metrics[name])
        if args.heldout_out:
            args.heldout_out.mkdir(parents=True, exist_ok=True)
            with open(args.heldout_out / f"{name}.jsonl", "w", encoding="utf-8") as fh:
                for r in rows:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "task_types.npz"
    store = {k: (v.astype(np.float16) if v.dtype == np.float32 and v.ndim == 2 else v) for k, v in weights.items()}
    np.savez_compressed(path, **store)
    card = {
        "model": "multinomial logistic regression (scikit-learn, lbfgs, sqrt-balanced classes, C=%g) over WordLlama "  # noqa: UP031
                 "256-d static embeddings + hashed token 1-3-grams and the first %d tokens (%d bins) + %d structural flags; "
                 "passage tasks also without their passage flag (weight %g); weights stored float16"
                 % (args.c, task_features.PREFIX_TOKENS, task_features.N_HASH, len(task_features.STRUCT_NAMES),
                    args.passage_free_weight),
        "classes": list(CLASSES), "trained": dt.date.today().isoformat(),
        "sources": sources,
        "sizes": {"train": len(train_rows), "passage_free_copies": len(copies), "train_by_label": dict(Counter(r["label"] for r in train_rows)),
                  "heldout": {k: len(v) for k, v in heldout.items()}},
        "heldout_metrics": metrics,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest()[:16],
        "seconds": round(time.time() - t0, 1),
    }
    path.with_suffix(".json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
