"""Topics and the map: do topics follow the sources of a mixture of unrelated real files, and how long do
topics + map take at 200k and 1M records (time and peak memory)?

Quality: a mixture of real public files (Alpaca demo EN and ZH, glaive tool-calling ShareGPT, FastChat's
identity chats, MT-bench + Vicuna-bench questions, self-instruct's human eval) is clustered by the
topics signal (automatic k: k-means sub-clusters merged by Ward's criterion); the normalised mutual
information between topic and source file is
printed, beside a peer measured in the same run: the same spherical k-means over the WordLlama
embeddings of the same prompts (``quality.embed``), same k.

Files are read from ``--data`` (default ``/work/bench_data``; see ``tests/fixtures/SOURCES.md`` for
their origin), falling back to the small copies in ``tests/fixtures``.

Speed: real prompts of the mixture are resampled with small seeded perturbations (a word dropped,
two words swapped, a number appended) to 200k and 1M records; each size runs in a fresh subprocess
so its peak RSS is its own.

    .venv/bin/python benchmarks/bench_topics.py                 # quality + 200k + 1M
    .venv/bin/python benchmarks/bench_topics.py --sizes 200000  # quality + 200k only
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

REPO = Path(__file__).resolve().parent.parent
FIX = REPO / "tests" / "fixtures"
SOURCES = {  # name -> (file under --data, fallback under tests/fixtures)
    "alpaca_en": ("llamafactory_alpaca_en_demo.json", None),
    "alpaca_zh": ("llamafactory_alpaca_zh_demo.json", "llamafactory_alpaca_zh_demo_200.json"),
    "toolcall": ("llamafactory_glaive_toolcall_en_demo.json", "llamafactory_glaive_toolcall_en_demo_150.json"),
    "identity_chat": (None, "fastchat_dummy_conversation.json"),
    "hh_rlhf": ("hh_rlhf_harmless_base_test.jsonl.gz", None),
    "selfinstruct": (None, "selfinstruct_text-davinci-003_predictions.jsonl"),
    "bench_questions": ("mt_bench_question.jsonl", "fastchat_mt_bench_question.jsonl"),
}


def question_rows(path: Path) -> list[list[str]]:
    return [json.loads(line)["turns"] for line in path.read_text(encoding="utf-8").splitlines()]


def load_sources(data: Path, with_form: bool = False):
    """Prompt texts (user turns joined, as the signal sees them) per source; with ``with_form``, also the
    form columns the topics signal sets beside them (``quality.topics.record_form``)."""
    from workbench.io import load
    from workbench.quality.textviews import TextViews
    from workbench.quality.topics import record_form

    out, forms = {}, {}
    for name, (big, small) in SOURCES.items():
        path = data / big if big and (data / big).exists() else (FIX / small if small else None)
        if path is None or not path.exists():
            continue
        if name == "bench_questions":
            rows = question_rows(path)
            if (data / "vicuna_bench_question.jsonl").exists():
                rows += question_rows(data / "vicuna_bench_question.jsonl")
            texts = ["\n\n".join(r) for r in rows]
            users = np.array([len(r) for r in rows])
            form = np.column_stack([users >= 2, users >= 4, np.zeros(len(rows)),
                                    np.log1p([len(t) for t in texts]) / 8.0]).astype(np.float32)
        else:
            table = load(path).table
            views = TextViews(table)
            texts = views.prompt.to_pylist()
            form = record_form(table, views)
        out[name], forms[name] = texts, form
    return (out, forms) if with_form else out


def quality(data: Path) -> None:
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from workbench.quality.embed import embed_texts
    from workbench.quality.topics import find_topics

    sources, forms = load_sources(data, with_form=True)
    mixes = {"issue mix (alpaca_en, toolcall, hh_rlhf, bench_questions)":
             ["alpaca_en", "toolcall", "hh_rlhf", "bench_questions"],
             "every file": list(sources)}
    print("topics vs source file: normalised mutual information (automatic k)")
    for title, names in mixes.items():
        names = [s for s in names if s in sources]
        texts = [t for s in names for t in sources[s]]
        label = np.repeat(np.arange(len(names)), [len(sources[s]) for s in names])
        form = np.concatenate([forms[s] for s in names])
        start = time.perf_counter()
        found = find_topics(texts, form=form)
        took = time.perf_counter() - start
        k = len(found.labels)
        words_only = find_topics(texts, k=k).topic
        emb = embed_texts(texts)
        emb -= emb.mean(axis=0)
        emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)
        peer = MiniBatchKMeans(k, random_state=0, n_init=3, batch_size=4096).fit(emb).labels_
        print(f"  {title}: {len(texts)} prompts, k={k}: topics NMI {nmi(label, found.topic):.3f} "
              f"({took:.1f}s; words alone {nmi(label, words_only):.3f}) | peer (WordLlama embeddings + k-means) "
              f"NMI {nmi(label, peer):.3f}")
        for t in range(min(k, 12)):
            members = label[found.topic == t]
            top = np.bincount(members, minlength=len(names))
            print(f"    topic {t:2d} {int((found.topic == t).sum()):5d} [{found.labels[t]}]  "
                  f"mostly {names[int(top.argmax())]} ({top.max() / max(1, len(members)):.0%})")


def perturbed_table(texts: list[str], n: int, seed: int = 0) -> pa.Table:
    """``n`` SFT records whose prompts are real prompts with a small seeded edit each."""
    from workbench.model import RECORD_SCHEMA

    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(texts), n)
    edit = rng.integers(0, 3, n)
    num = rng.integers(0, 10_000, n)
    prompts = []
    for p, e, x in zip(pick.tolist(), edit.tolist(), num.tolist()):
        words = texts[p][:600].split(" ")
        if e == 0 and len(words) > 3:
            del words[x % len(words)]
        elif e == 1 and len(words) > 3:
            i = x % (len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        prompts.append(" ".join(words) + f" ({x})")
    role = pa.array(["user", "assistant"] * n)
    content = pa.array([v for p in prompts for v in (p, "An answer.")])
    nulls = pa.nulls(2 * n, pa.string())
    msgs = pa.StructArray.from_arrays([role, content, nulls, nulls, pa.nulls(2 * n, pa.int8())],
                                      names=["role", "content", "name", "tool_calls", "weight"])
    messages = pa.ListArray.from_arrays(pa.array(np.arange(0, 2 * n + 1, 2, dtype=np.int32)), msgs)
    cols = {f.name: pa.nulls(n, f.type) for f in RECORD_SCHEMA}
    cols["id"] = pa.array([f"r{i}" for i in range(n)])
    cols["kind"] = pa.array(["sft"] * n)
    cols["messages"] = messages.cast(RECORD_SCHEMA.field("messages").type)
    return pa.table(cols, schema=RECORD_SCHEMA)


def speed_child(n: int, data: Path) -> None:
    """Runs in a subprocess: build n records, time the topics signal, print one JSON line."""
    from workbench.quality.base import SignalContext
    from workbench.quality.topics import TopicsSignal

    texts = [t for v in load_sources(data).values() for t in v if t.strip()]
    table = perturbed_table(texts, n)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    res = TopicsSignal().compute(table, SignalContext())
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"n": n, "seconds": round(took, 1), "peak_rss_mb": round(peak),
                      "rss_before_mb": round(rss_before), "k": res.summary["k"],
                      "map": res.info.get("map", "none")}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/bench_data"))
    ap.add_argument("--sizes", default="200000,1000000")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        speed_child(args.child, args.data)
        return
    if not args.skip_quality:
        quality(args.data)
    targets = {200_000: 180, 1_000_000: 720}
    for n in [int(s) for s in args.sizes.split(",") if s]:
        out = subprocess.run([sys.executable, __file__, "--child", str(n), "--data", str(args.data)],
                             capture_output=True, text=True)
        if out.returncode:
            print(f"  {n}: failed\n{out.stderr[-2000:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        limit = targets.get(n)
        verdict = f" (target < {limit}s{', < 4096 MB' if n >= 1_000_000 else ''})" if limit else ""
        print(f"topics + map, {n:,} records: {r['seconds']}s, peak RSS {r['peak_rss_mb']} MB "
              f"(table alone {r['rss_before_mb']} MB), k={r['k']}, map {r['map']}{verdict}")


if __name__ == "__main__":
    main()
