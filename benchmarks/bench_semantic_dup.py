"""Semantic duplicates: recall and precision on paraphrase pairs built from real text, MinHash as the peer.

Three sets of pairs, each hidden in a corpus of real prompts (Alpaca demo, self-instruct, glaive
tool-calling, LLaMA-Factory DPO demo; see ``tests/fixtures/SOURCES.md``):

1. hand-written paraphrases of 21 MT-bench questions (``tests/fixtures/mt_bench_paraphrases.jsonl``);
2. rule-built paraphrases of Alpaca instructions: the instruction verb and common words replaced by
   synonyms and the request wrapped in another phrasing ("Could you please ...?"), kept only when
   word 3-gram Jaccard < 0.8 (so MinHash cannot see them by construction);
3. the human-labelled MRPC test pairs (news sentences; 1,147 paraphrases, 578 non-paraphrases, read from
   ``--data``/msr_paraphrase_test.txt when present): a harder, looser kind of paraphrase, printed for
   reference.

Recall: built pairs whose two texts land in one group. Precision: of the pairs found that touch a
built text, the share that are the built pairs (sets 1-2); for MRPC, labelled paraphrases among the
labelled pairs found. The corpus's own pairs (template families of the real files) are counted apart.

    .venv/bin/python benchmarks/bench_semantic_dup.py [--threshold 0.82] [--n 200000]
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import time
from pathlib import Path

import numpy as np

from workbench.quality.near_duplicates import NearDuplicateFinder
from workbench.quality.semantic_dup import SemanticDuplicateFinder

REPO = Path(__file__).resolve().parent.parent
FIX = REPO / "tests" / "fixtures"
VERBS = {"write": "compose", "generate": "produce", "create": "come up with", "describe": "give a description of",
         "explain": "clarify", "give": "provide", "list": "enumerate", "identify": "point out", "find": "work out",
         "summarize": "sum up", "rewrite": "rephrase", "suggest": "propose", "classify": "categorize",
         "name": "mention", "translate": "render", "make": "put together", "compare": "contrast",
         "design": "devise", "analyze": "examine", "construct": "build", "edit": "revise", "calculate": "compute"}
WORDS = {"the following": "this", "sentence": "statement", "short": "brief", "story": "tale", "article": "piece",
         "example": "instance", "examples": "instances", "important": "significant", "different": "various",
         "use": "employ", "help": "assist", "about": "regarding", "ways": "methods", "tips": "pieces of advice",
         "list of": "set of", "benefits": "advantages", "reasons": "causes", "describe": "portray",
         "given": "provided", "text": "passage", "word": "term", "words": "terms", "poem": "verse",
         "good": "great", "new": "fresh", "people": "individuals", "main": "key", "create": "make"}
WRAPS = ["Could you please {}?", "I'd like you to {}.", "Please {}.", "Can you {} for me?", "I need you to {}."]


def paraphrase(text: str, rng: np.random.Generator) -> str:
    """A rule-built paraphrase: verb and word synonyms, then a wrapper phrase."""
    s = text.strip().rstrip(".?!")
    first, _, rest = s.partition(" ")
    verb = VERBS.get(first.lower(), first.lower())
    body = f"{verb} {rest}" if rest else verb
    for a, b in WORDS.items():
        body = re.sub(rf"\b{re.escape(a)}\b", b, body)
    return WRAPS[int(rng.integers(len(WRAPS)))].format(body)


def corpus_texts(data: Path) -> list[str]:
    from workbench.io import load
    from workbench.quality.textviews import TextViews

    files = [data / "llamafactory_alpaca_en_demo.json", FIX / "selfinstruct_text-davinci-003_predictions.jsonl",
             FIX / "llamafactory_glaive_toolcall_en_demo_150.json", FIX / "llamafactory_dpo_en_demo.json"]
    texts: list[str] = []
    for f in files:
        if f.exists():
            texts += TextViews(load(f).table).prompt.to_pylist()
    return list(dict.fromkeys(t for t in texts if len(t.strip()) >= 20))


def jaccard3(a: str, b: str) -> float:
    def sh(t: str) -> set:
        w = re.findall(r"\w+", t.lower())
        return {tuple(w[i:i + 3]) for i in range(max(1, len(w) - 2))}
    x, y = sh(a), sh(b)
    return len(x & y) / max(1, len(x | y))


def evaluate(name: str, base: list[str], pairs: list[tuple[str, str]], threshold: float) -> None:
    """Hide ``pairs`` in ``base`` and print recall / precision of the semantic finder and of MinHash."""
    texts = base + [a for a, _ in pairs] + [b for _, b in pairs]
    off, k = len(base), len(pairs)
    built = {(off + i, off + k + i) for i in range(k)}
    start = time.perf_counter()
    found = SemanticDuplicateFinder(threshold=threshold).find(texts)
    took = time.perf_counter() - start
    recall = np.mean([found.rep[a] == found.rep[b] for a, b in built])
    got = set(zip(found.pair_a.tolist(), found.pair_b.tolist()))
    touching = {p for p in got if p[0] >= off or p[1] >= off}
    precision = len(touching & built) / max(1, len(touching))
    own = len(got - touching)
    near = NearDuplicateFinder().find(texts)
    near_recall = np.mean([near.rep[a] == near.rep[b] for a, b in built])
    print(f"  {name}: {k} pairs in {len(texts)} prompts: recall {recall:.3f}, precision {precision:.3f} "
          f"({len(touching)} pairs touch the built texts; {own} more among the real prompts themselves) "
          f"in {took:.1f}s | peer MinHash (Jaccard 0.8) recall {near_recall:.3f}")


def mrpc(data: Path, threshold: float) -> None:
    path = data / "msr_paraphrase_test.txt"
    if not path.exists():
        print("  MRPC: not found under --data, skipped")
        return
    rows = [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]]
    label = np.array([int(r[0]) for r in rows])
    texts = [r[3] for r in rows] + [r[4] for r in rows]
    m = len(rows)
    found = SemanticDuplicateFinder(threshold=threshold, min_chars=1).find(texts)
    linked = found.rep[:m] == found.rep[m:]
    tp, fp = int((linked & (label == 1)).sum()), int((linked & (label == 0)).sum())
    print(f"  MRPC test (news, human labels; reference): recall {tp / max(1, (label == 1).sum()):.3f}, "
          f"precision on labelled pairs {tp / max(1, tp + fp):.3f} ({tp} paraphrases, {fp} non-paraphrases linked)")


def scale(n: int, base: list[str], threshold: float) -> None:
    rng = np.random.default_rng(0)
    pick = rng.integers(0, len(base), n)
    texts = [f"{base[p][:400]} ({x})" for p, x in zip(pick.tolist(), rng.integers(0, 10**6, n).tolist())]
    start = time.perf_counter()
    found = SemanticDuplicateFinder(threshold=threshold).find(texts)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  scale: {n:,} prompts in {took:.1f}s, peak RSS {peak:.0f} MB, {len(found.pair_a):,} pairs, "
          f"{int((found.size > 1).sum()):,} records in groups")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/bench_data"))
    ap.add_argument("--threshold", type=float, default=SemanticDuplicateFinder.threshold)
    ap.add_argument("--n", type=int, default=0, help="also time a search over n resampled prompts")
    args = ap.parse_args()
    base = corpus_texts(args.data)
    print(f"semantic duplicates at cosine >= {args.threshold}")
    hand = [json.loads(line) for line in (FIX / "mt_bench_paraphrases.jsonl").read_text().splitlines()]
    evaluate("hand-written MT-bench paraphrases", base, [(p["original"], p["paraphrase"]) for p in hand],
             args.threshold)
    rng = np.random.default_rng(0)
    alpaca = [t for t in base[:999] if "\n" not in t and 5 <= len(t.split()) <= 30]
    built = [(t, paraphrase(t, rng)) for t in alpaca]
    built = [(a, b) for a, b in built if jaccard3(a, b) < 0.8][:500]
    rest = [t for t in base if t not in {a for a, _ in built}]
    evaluate("rule-built paraphrases of Alpaca instructions", rest, built, args.threshold)
    mrpc(args.data, args.threshold)
    if args.n:
        scale(args.n, base, args.threshold)


if __name__ == "__main__":
    main()
