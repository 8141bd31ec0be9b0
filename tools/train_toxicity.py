"""Train the shipped offensive-language classifier (``workbench/quality/models/toxicity_*``).

Training data (nothing is committed; each file is read from ``--data`` if a copy is there, else from
a local git snapshot of its repository under ``--mirror``, e.g. the snapshots the project's search
tool ``fetch`` leaves in ``/work/.mirror/<owner>+<name>/repo``; nothing is downloaded here):

- t-davidson/hate-speech-and-offensive-language ``data/labeled_data.csv`` (MIT): 24,783 tweets;
  positive: hate speech or offensive (class 0, 1).
- surge-ai/toxicity ``toxicity_en.csv`` (MIT): 1,000 comments; positive: is_toxic == Toxic.
- amandacurry/convabuse ``2_splits/ConvAbuseEMNLP{train,valid,test}.csv`` (CC BY 4.0): user turns to
  two chatbots; positive: most annotators chose abusive (-1..-3).
- microsoft/TOXIGEN ``prompts/{hate,neutral}_*_1k.txt`` (MIT): distinct prompt sentences; positive:
  the hate_* files.
- ipavlopoulos/toxic_spans ``data/comments.csv`` + ``data/annotations.csv`` (CC0 1.0): Civil Comments
  posts; positive: most annotators did not mark the post "not toxic".
- hiyouga/LLaMA-Factory ``data/c4_demo.jsonl`` (ODC-By 1.0) + ``data/glaive_toolcall_en_demo.json``
  (Apache-2.0): web text and chat turns, all negative (ordinary text).
- paul-rottger/hatecheck-data ``test_suite_cases.csv`` (CC BY 4.0): 3,728 cases; positive: hateful,
  or profanity.
- not by default: openai/moderation-api-release ``data/samples-1680.jsonl.gz`` (MIT), prompts
  labelled hate or harassment (positive) or nothing at all (negative); it lowered the dev F1.
- not by default: HKUST-KnowComp/MLMA_hate_speech ``hate_speech_mlma.zip`` (MIT), English tweets; it
  lowered the dev average precision.
- not by default: HateXplain (hate-alert/HateXplain, MIT; 19,229 tweets and Gab posts with a majority
  label, 11,415 hatespeech or offensive), read from the copy of the whole set in Media-Bias-Group/MBIB
  ``datasets/092_HateXplain/092-HateXplain.csv`` (HateXplain's post ids, joined tokens and majority
  category; the hate-alert snapshot lacks ``Data/dataset.json``). It lowered the dev average precision
  0.680 -> 0.655 and the dev F1 at precision >= 0.70 0.570 -> 0.526 (C 0.5-4, alpha 1-5, weight x2 all
  lower; only its positives 0.532, only its tweets 0.511, only its negatives 0.512): its "normal" posts
  hold much profanity and its positives are identity-directed hate, while OLID calls any profanity or
  insult offensive and is full of political tweets naming groups.

Development set (threshold, C and the naive-Bayes smoothing are chosen on it; never trained on): the OLID / OffensEval
2019 *training* tweets (idontflow/OLID ``olid-training-v1.0.tsv``). The OLID *test* set A
(``testset-levela.tsv`` + ``labels-levela.csv``) is only measured, after every choice is made.
OLID carries no explicit licence: it is used for measurement, never committed nor trained on.

Features are ``workbench.quality.toxicity.featurize`` (hashed word 1-2-grams and char 4-5-grams inside
words), so training and the numpy inference share one definition. Each feature is first scaled by its
naive-Bayes log-count ratio ``r = log((alpha + sum over offensive rows) / |.|) - log((alpha + sum over
the others) / |.|)`` (Wang & Manning 2012, "NBSVM"); scikit-learn then fits an L2 logistic regression
``w`` on the scaled matrix, and ``r * w`` ships, so inference is unchanged (one weight per hashed
feature). On the dev set this raised F1 at precision >= 0.70 from 0.539 to 0.570 (average precision
0.659 -> 0.680); char 4-5-grams instead of 3-5 were a little better there and are cheaper.
Tried and not better on the dev set: WordLlama mean embeddings alone (average precision 0.54: the
Llama-2 vocabulary splits most insults into pieces) or beside the n-grams (0.657), per-source class
balancing (0.650), one model per source with the mean or max of their logits (0.54), char 2-6 / 3-6-grams,
2^20 hashed features, and weighting Davidson / Toxic Spans / ConvAbuse x0.5 or x2 (F1 0.556-0.579, noise).
Per-source sample weights (``--weights``) and a wider C / alpha grid (2026-12-05): leaving HateCheck out
raised the dev F1 0.570 -> 0.580 (C 2, alpha 2: 0.596; AP 0.684) but lowered plain identity-hate
sentences ("Muslims are disgusting vermin." 0.69 -> 0.39) below the threshold; HateCheck at weight 0.25
with C in {1, 2, 4} and alpha in {1, 2, 5} kept most of them (0.63 at C 2, alpha 2) and chose C 2,
alpha 1: dev P 0.700 R 0.513 F1 0.592 (AP 0.686) at threshold 0.37. Measured once on OLID test A
after that choice: P 0.685 R 0.508 F1 0.584 (AP 0.677; shipped: P 0.721 R 0.463 F1 0.564, AP 0.675) -
higher F1, but precision under the 0.70 target (the dev threshold sat at the edge of the constraint),
so it was not shipped and no other candidate was measured on the test set. Reproduce with
``--weights hatecheck=0.25 --C 1 2 4 --alpha 1 2 5 --dry-run``.
The decision threshold is the dev-F1-best one whose dev precision is at least
``--min-precision``. Writes float16 coefficients (compressed ``.npz``, no pickle) and a JSON card
with sources, licences and metrics.

    .venv/bin/python tools/train_toxicity.py            # snapshots in /work/.mirror
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# a copy in --data, else a local git snapshot of the repository
from benchmarks.signal_data import MIRROR, read_bytes, read_source  # noqa: E402
from workbench.quality.toxicity import CARD, WEIGHTS, HashParams, featurize  # noqa: E402

csv.field_size_limit(1 << 24)


def _rows(text: str | None, **kw) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), **kw)) if text else []


def read_davidson(data=None, mirror=MIRROR):
    rows = _rows(read_source("t-davidson/hate-speech-and-offensive-language", "data/labeled_data.csv",
                             data, mirror))
    return [r["tweet"] for r in rows], np.array([r["class"] in ("0", "1") for r in rows], dtype=bool)


def read_surge(data=None, mirror=MIRROR):
    rows = _rows(read_source("surge-ai/toxicity", "toxicity_en.csv", data, mirror))
    return [r["text"] for r in rows], np.array([r["is_toxic"] == "Toxic" for r in rows], dtype=bool)


def read_convabuse(data=None, mirror=MIRROR):
    """User turns; abusive when most of the annotators who rated the turn chose -1, -2 or -3."""
    texts, labels = [], []
    for split in ("train", "valid", "test"):
        for r in _rows(read_source("amandacurry/convabuse", f"2_splits/ConvAbuseEMNLP{split}.csv",
                                   data, mirror)):
            votes = abusive = 0
            for k, v in r.items():
                if k and "_is_abuse." in k and v in ("1", "1.0"):
                    votes += 1
                    abusive += k.rsplit(".", 1)[-1].startswith("-")
            if votes and r.get("user", "").strip():
                texts.append(r["user"])
                labels.append(abusive * 2 > votes)
    return texts, np.array(labels, dtype=bool)


def read_toxigen(data=None, mirror=MIRROR):
    """Distinct sentences of the ToxiGen prompt files (hate_* positive, neutral_* negative)."""
    texts, labels = [], []
    groups = ("asian", "bisexual", "black", "chinese", "immigrant", "jewish", "latino", "lgbtq",
              "mental_disability", "mexican", "middle_east", "muslim", "native_american",
              "physical_disability", "trans", "women")
    for kind in ("hate", "neutral"):
        seen = set()
        for g in groups:
            raw = read_source("microsoft/TOXIGEN", f"prompts/{kind}_{g}_1k.txt", data, mirror) or ""
            for line in raw.replace("\\n", "\n").splitlines():
                s = line.strip().lstrip("-").strip()
                if len(s) > 3 and s not in seen:
                    seen.add(s)
                    texts.append(s)
                    labels.append(kind == "hate")
    return texts, np.array(labels, dtype=bool)


def read_hatecheck(data=None, mirror=MIRROR):
    rows = _rows(read_source("paul-rottger/hatecheck-data", "test_suite_cases.csv", data, mirror))
    return ([r["test_case"] for r in rows],
            np.array([r["label_gold"] == "hateful" or r["functionality"] == "profanity_nh" for r in rows],
                     dtype=bool))


def read_toxic_spans(data=None, mirror=MIRROR):
    """Civil Comments posts of the Toxic Spans data (selected as likely toxic): toxic when most of the
    workers who annotated the post did not mark it "not toxic"."""
    comments = _rows(read_source("ipavlopoulos/toxic_spans", "data/comments.csv", data, mirror))
    votes: dict[str, list[int]] = {}
    for r in _rows(read_source("ipavlopoulos/toxic_spans", "data/annotations.csv", data, mirror)):
        v = votes.setdefault(r["comment_id"], [0, 0])
        v[0] += 1
        v[1] += r["not toxic"] == "True"
    rows = [r for r in comments if r["comment_id"] in votes]
    return ([r["comment_text"] for r in rows],
            np.array([votes[r["comment_id"]][1] * 2 < votes[r["comment_id"]][0] for r in rows], dtype=bool))


def read_mlma(data=None, mirror=MIRROR):
    """English tweets of MLMA: offensive when every annotated sentiment is one of offensive, abusive,
    hateful, disrespectful or fearful; not offensive when it is "normal"; mixed labels are left out."""
    import re
    import zipfile

    raw = read_bytes("HKUST-KnowComp/MLMA_hate_speech", "hate_speech_mlma.zip", data, mirror)
    if raw is None:
        return [], np.zeros(0, dtype=bool)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        text = z.read("hate_speech_mlma/en_dataset_with_stop_words.csv").decode("utf-8", errors="replace")
    texts, labels = [], []
    for r in _rows(text):
        kinds = set(r["sentiment"].split("_"))
        if kinds == {"normal"} or "normal" not in kinds:
            tweet = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), r["tweet"])
            tweet = tweet.encode("utf-16", "surrogatepass").decode("utf-16", errors="replace")  # emoji pairs
            texts.append(tweet.replace("@URL", "URL"))
            labels.append(kinds != {"normal"})
    return texts, np.array(labels, dtype=bool)


def read_hatexplain(data=None, mirror=MIRROR):
    """HateXplain posts (tweets and Gab posts): offensive when most annotators chose hatespeech or
    offensive; posts without a majority are left out. Read from the copy of the whole set in
    Media-Bias-Group/MBIB (its process.py keeps HateXplain's post id, the joined post tokens and the
    majority category: 0 normal, 1 hatespeech, 2 offensive, 3 undecided); the hate-alert/HateXplain
    snapshot lacks its 12 MB ``Data/dataset.json``."""
    rows = _rows(read_source("Media-Bias-Group/MBIB", "datasets/092_HateXplain/092-HateXplain.csv",
                             data, mirror))
    rows = [r for r in rows if r.get("category") in ("0", "1", "2")]
    return [r["text"] for r in rows], np.array([r["category"] != "0" for r in rows], dtype=bool)


def read_moderation(data=None, mirror=MIRROR):
    """OpenAI's moderation evaluation samples: offensive when labelled hate (H, H2) or harassment (HR);
    not offensive when every category is labelled 0; the rest (sexual, self-harm, violence only, or
    unknown labels) is left out."""
    import gzip

    raw = read_bytes("openai/moderation-api-release", "data/samples-1680.jsonl.gz", data, mirror)
    texts, labels = [], []
    for line in gzip.decompress(raw).decode("utf-8").splitlines() if raw else []:
        r = json.loads(line)
        keys = ("S", "H", "V", "HR", "SH", "S3", "H2", "V2")
        offensive = any(r.get(k) == 1 for k in ("H", "HR", "H2"))
        clean = all(r.get(k) == 0 for k in keys)
        if offensive or clean:
            texts.append(r["prompt"])
            labels.append(offensive)
    return texts, np.array(labels, dtype=bool)


def read_clean(data=None, mirror=MIRROR):
    """Ordinary text as negatives: LLaMA-Factory's C4 sample (web text that C4 filtered for bad words)
    and the assistant turns of its Glaive tool-calling demo (never the alpaca demo, the benchmark's
    clean set)."""
    texts = []
    for line in (read_source("hiyouga/LLaMA-Factory", "data/c4_demo.jsonl", data, mirror) or "").splitlines():
        if line.strip():
            texts.append(json.loads(line)["text"])
    raw = read_source("hiyouga/LLaMA-Factory", "data/glaive_toolcall_en_demo.json", data, mirror)
    for conv in json.loads(raw) if raw else []:
        texts += [t["value"] for t in conv["conversations"] if t["from"] in ("human", "gpt")]
    return texts, np.zeros(len(texts), dtype=bool)


SOURCES = {
    "davidson": (read_davidson, "Davidson et al. 2017, hate speech and offensive language (tweets)",
                 "github.com/t-davidson/hate-speech-and-offensive-language data/labeled_data.csv", "MIT",
                 "hate speech or offensive (classes 0, 1)"),
    "surge": (read_surge, "Surge AI toxicity sample (social-media comments)",
              "github.com/surge-ai/toxicity toxicity_en.csv", "MIT", "is_toxic == Toxic"),
    "convabuse": (read_convabuse, "ConvAbuse (Cercas Curry et al. 2021), user turns to chatbots",
                  "github.com/amandacurry/convabuse 2_splits/ConvAbuseEMNLP{train,valid,test}.csv",
                  "CC BY 4.0", "most annotators rated the turn abusive (-1..-3)"),
    "toxigen": (read_toxigen, "ToxiGen prompt sentences (Hartvigsen et al. 2022)",
                "github.com/microsoft/TOXIGEN prompts/{hate,neutral}_*_1k.txt", "MIT", "hate_* files"),
    "toxic_spans": (read_toxic_spans, "Toxic Spans (Pavlopoulos et al. 2021/2022), Civil Comments posts",
                    "github.com/ipavlopoulos/toxic_spans data/comments.csv + data/annotations.csv", "CC0 1.0",
                    "most annotators did not mark the post 'not toxic'"),
    "mlma": (read_mlma, "MLMA hate speech, English tweets (Ousidhoum et al. 2019)",
             "github.com/HKUST-KnowComp/MLMA_hate_speech hate_speech_mlma.zip en_dataset_with_stop_words.csv",
             "MIT", "offensive/abusive/hateful/disrespectful/fearful, not 'normal'"),
    "hatexplain": (read_hatexplain, "HateXplain (Mathew et al. 2021), tweets and Gab posts",
                   "github.com/hate-alert/HateXplain (MIT), the copy in github.com/Media-Bias-Group/MBIB "
                   "datasets/092_HateXplain/092-HateXplain.csv", "MIT",
                   "most annotators chose hatespeech or offensive"),
    "moderation": (read_moderation, "OpenAI moderation evaluation samples (Markov et al. 2022)",
                   "github.com/openai/moderation-api-release data/samples-1680.jsonl.gz", "MIT",
                   "hate (H, H2) or harassment (HR)"),
    "clean": (read_clean, "LLaMA-Factory C4 sample and Glaive tool-calling demo turns (negatives only)",
              "github.com/hiyouga/LLaMA-Factory data/c4_demo.jsonl, data/glaive_toolcall_en_demo.json",
              "ODC-By 1.0 (C4) / Apache-2.0 (Glaive)", "none (ordinary text)"),
    "hatecheck": (read_hatecheck, "HateCheck functional test cases (Röttger et al. 2021)",
                  "github.com/paul-rottger/hatecheck-data test_suite_cases.csv", "CC BY 4.0",
                  "hateful, or profanity"),
}


def read_olid_train(data=None, mirror=MIRROR):
    rows = _rows(read_source("idontflow/OLID", "olid-training-v1.0.tsv", data, mirror), delimiter="\t",
                 quoting=csv.QUOTE_NONE)
    if not rows:
        return None
    return [r["tweet"] for r in rows], np.array([r["subtask_a"] == "OFF" for r in rows], dtype=bool)


def read_olid_test(data=None, mirror=MIRROR):
    """OLID test set A (860 tweets): from ``data`` or the idontflow/OLID snapshot; None if neither."""
    tweets = _rows(read_source("idontflow/OLID", "testset-levela.tsv", data, mirror), delimiter="\t",
                   quoting=csv.QUOTE_NONE)
    labels = read_source("idontflow/OLID", "labels-levela.csv", data, mirror)
    if not tweets or not labels:
        return None
    gold = dict(line.strip().split(",") for line in labels.splitlines() if line.strip())
    tweets = [r for r in tweets if r["id"] in gold]
    return [r["tweet"] for r in tweets], np.array([gold[r["id"]] == "OFF" for r in tweets], dtype=bool)


def prf(pred: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    tp = int((pred & gold).sum())
    p = tp / max(int(pred.sum()), 1)
    r = tp / max(int(gold.sum()), 1)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(p + r, 1e-9), 4),
            "n": int(len(gold)), "positives": int(gold.sum())}


def pick_threshold(prob: np.ndarray, gold: np.ndarray, min_precision: float) -> float:
    best = (0.5, -1.0)
    for t in np.arange(0.05, 0.96, 0.01):
        m = prf(prob >= t, gold)
        if m["precision"] >= min_precision and m["f1"] > best[1]:
            best = (round(float(t), 2), m["f1"])
    return best[0]


def nb_ratios(x, y: np.ndarray, alpha: float) -> np.ndarray:
    """Naive-Bayes log-count ratio of every feature column: log of its smoothed share of the offensive
    rows' feature mass over its share of the other rows'."""
    p = alpha + np.asarray(x[y].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[~y].sum(axis=0)).ravel()
    return np.log(p / p.sum()) - np.log(q / q.sum())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="folder with copies of the source files")
    ap.add_argument("--mirror", type=Path, default=MIRROR)
    # mlma, moderation and hatexplain are readable but left out by default: they lowered the dev average
    # precision (0.656 -> 0.646; 0.680 -> 0.655) or the dev F1 (0.539 -> 0.535)
    ap.add_argument("--sources", default=",".join(k for k in SOURCES
                                                  if k not in ("mlma", "moderation", "hatexplain")))
    # "--weights hatecheck=0.25 --C 1 2 4 --alpha 1 2 5" raised the dev F1 (0.570 -> 0.592) but not the
    # OLID test A precision (0.72 -> 0.69): not shipped (see the docstring)
    ap.add_argument("--weights", default="",
                    help="per-source sample weights in the logistic regression, name=w,... (default 1)")
    ap.add_argument("--C", type=float, nargs="+", default=[1.0, 4.0])
    ap.add_argument("--alpha", type=float, nargs="+", default=[1.0, 5.0],
                    help="smoothing of the naive-Bayes log-count ratios (chosen on dev with C)")
    ap.add_argument("--min-precision", type=float, default=0.7)
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    ap.add_argument("--dry-run", action="store_true", help="print the metrics, write nothing")
    args = ap.parse_args()
    from scipy.sparse import diags
    from sklearn.linear_model import LogisticRegression

    weights = {k: float(v) for k, v in (kv.split("=") for kv in args.weights.split(",") if kv)}
    texts, labels, used, sample_w = [], [], [], []
    for name in args.sources.split(","):
        reader, title, source, licence, positive = SOURCES[name]
        t, y = reader(args.data, args.mirror)
        if not t:
            sys.exit(f"missing {name}: {source} (neither in --data nor in a snapshot under {args.mirror})")
        texts += t
        labels.append(y)
        sample_w.append(np.full(len(t), weights.get(name, 1.0)))
        used.append({"name": title, "source": source, "licence": licence, "rows": len(t),
                     "positives": int(y.sum()), "positive": positive, "weight": weights.get(name, 1.0)})
        print(f"{name}: {len(t)} rows, {int(y.sum())} positive", file=sys.stderr)
    y = np.concatenate(labels)
    sw = np.concatenate(sample_w)
    dev = read_olid_train(args.data, args.mirror)
    if dev is None:
        sys.exit("missing the OLID training tweets (idontflow/OLID olid-training-v1.0.tsv), the dev set")
    params = HashParams(char_min=4, char_max=5)
    x = featurize(texts, params)
    xd = featurize(dev[0], params)
    best = None
    for alpha in args.alpha:
        r = nb_ratios(x, y, alpha)
        xr = x @ diags(r)
        for c in args.C:
            model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", solver="liblinear")
            model.fit(xr, y, sample_weight=sw)
            coef16 = (model.coef_[0] * r).astype(np.float16)  # what ships: r * w
            prob = 1 / (1 + np.exp(-(xd @ coef16.astype(np.float32) + model.intercept_[0])))
            th = pick_threshold(prob, dev[1], args.min_precision)
            m = prf(prob >= th, dev[1])
            print(f"alpha={alpha} C={c}: dev threshold {th:.2f} {m}", file=sys.stderr)
            if best is None or m["f1"] > best[3]["f1"]:
                best = (alpha, c, th, m, coef16, float(model.intercept_[0]))
    alpha, c, threshold, dev_m, coef16, intercept = best
    card = {
        "model": "logistic regression over hashed word 1-2-grams and char 4-5-grams inside words, "
                 "features scaled by naive-Bayes log-count ratios (NBSVM-style, folded into the weights) "
                 f"(head {params.head_bytes} + tail {params.tail_bytes} bytes; numpy inference)",
        "params": asdict(params), "threshold": threshold, "C": c, "nb_alpha": alpha, "training_data": used,
        "dev_metrics": {"set": "OLID / OffensEval 2019 training tweets (threshold, C and alpha chosen here; "
                               "never trained on)",
                        "source": "github.com/idontflow/OLID olid-training-v1.0.tsv", **dev_m},
    }
    test = read_olid_test(args.data, args.mirror)
    if test is not None:
        xo = featurize(test[0], params)
        prob = 1 / (1 + np.exp(-(xo @ coef16.astype(np.float32) + intercept)))
        card["test_metrics"] = {"set": "OffensEval 2019 (OLID) test set A, never trained on nor tuned on",
                                "source": "github.com/idontflow/OLID testset-levela.tsv, labels-levela.csv",
                                **prf(prob >= threshold, test[1])}
    print(json.dumps(card, indent=2))
    if args.dry_run:
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, coef=coef16, intercept=np.array([intercept], np.float32),
                        params=np.array(json.dumps(asdict(params))))
    CARD.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) and {CARD}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
