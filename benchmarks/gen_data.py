"""Deterministic synthetic corpora for the benchmarks (generated, never committed)."""
from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = ("account billing refund order shipping package delivery password reset invoice plan upgrade "
         "downgrade cancel subscription charge card payment address tracking return label warranty device "
         "error login email support ticket update settings profile verify code network battery screen").split()
CATEGORIES = ["billing", "account", "shipping", "returns", "technical", "product", "other"]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def openai_record(rng: random.Random, i: int) -> dict:
    msgs = [{"role": "user", "content": " ".join(sentence(rng, rng.randint(6, 14)) for _ in range(2))},
            {"role": "assistant", "content": " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(6))}]
    if i % 5 == 0:
        msgs = [{"role": "system", "content": "You are a helpful support agent."}] + msgs
    return {"id": f"rec-{i:07d}", "category": CATEGORIES[i % len(CATEGORIES)], "messages": msgs}


def write_openai_jsonl(path: Path, n: int, seed: int = 0) -> Path:
    """Write ``n`` OpenAI-chat records (~700 bytes each) unless the file already exists."""
    path = Path(path)
    if path.exists():
        return path
    rng = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(openai_record(rng, i)) + "\n")
    tmp.rename(path)
    return path
