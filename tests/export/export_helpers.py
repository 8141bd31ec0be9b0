"""Builders for the export tests: corpora with categories, injected duplicates and shared prompts."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from helpers import make_dataset, msg

from workbench.model import Guidelines
from workbench.sample import support_guidelines_path
from workbench.store import Project

CATEGORIES = ("billing", "account", "shipping", "returns", "technical")


def words(rng: np.random.Generator, n: int) -> str:
    """``n`` pseudo-words: distinct texts share almost no 3-grams."""
    return " ".join(hashlib.md5(str(x).encode()).hexdigest()[:7] for x in rng.integers(0, 10**9, n))


def corpus(n: int, seed: int = 0, categories=CATEGORIES, weights=None) -> list[dict]:
    """``n`` SFT rows with categories drawn by ``weights`` (uniform by default)."""
    rng = np.random.default_rng(seed)
    cats = rng.choice(list(categories), n, p=weights)
    return [{"id": f"r{i:05d}", "kind": "sft", "category": str(c),
             "messages": [msg("user", words(rng, 12) + "?"), msg("assistant", words(rng, 40) + ".")]}
            for i, c in enumerate(cats)]


def near_copy(row: dict, rid: str) -> dict:
    """The row with its last word changed (word 3-gram Jaccard about 0.95)."""
    text = row["messages"][1]["content"].rsplit(" ", 1)[0] + " changed."
    return {**row, "id": rid, "messages": [row["messages"][0], msg("assistant", text)]}


def with_duplicates(rows: list[dict], k: int = 10) -> tuple[list[dict], list[set[str]]]:
    """Rows plus ``k`` exact and ``k`` near copies (of different originals); the groups of ids."""
    out, groups = list(rows), []
    for i in range(k):
        a, b = rows[2 * i], rows[2 * i + 1]
        out.append({**a, "id": f"x{i}"})
        out.append(near_copy(b, f"n{i}"))
        groups += [{a["id"], f"x{i}"}, {b["id"], f"n{i}"}]
    return out, groups


def preference_rows(n_prompts: int, per_prompt: int = 3, seed: int = 0) -> list[dict]:
    """Preference pairs, ``per_prompt`` different pairs for each prompt."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n_prompts):
        prompt = words(rng, 15) + "?"
        cat = CATEGORIES[p % len(CATEGORIES)]
        for j in range(per_prompt):
            rows.append({"id": f"p{p:04d}-{j}", "kind": "preference", "category": cat,
                         "messages": [msg("user", prompt)],
                         "chosen": [msg("assistant", words(rng, 30))],
                         "rejected": [msg("assistant", words(rng, 30))]})
    return rows


def make_project(path: Path, n: int = 40, seed: int = 3) -> Project:
    """A project over ``n`` SFT records with the sample's support guidelines and their categories."""
    g = Guidelines.load(support_guidelines_path())
    rows = corpus(n, seed, categories=tuple(g.categories[:5]))
    return Project.create(path, make_dataset(rows), g, owner="olga")
