"""Fixtures for assisted annotation: a labelled project, prompt-only and preference rows, a fake LLM."""
from __future__ import annotations

import random

import pytest
from assist.fake_llm import FakeLLM
from helpers import make_dataset, msg, sft

from workbench.assist import LLMClient
from workbench.sample import support_guidelines_path
from workbench.store import Project

TOPICS = {
    "billing": (["invoice", "refund", "charged twice", "payment", "billing statement"],
                "Open Settings > Billing to see the invoice and request the refund."),
    "shipping": (["parcel", "delivery", "tracking number", "courier", "shipment"],
                 "Your parcel is with the courier; the tracking page shows the delivery date."),
    "account": (["password", "login", "username", "two-factor code", "profile"],
                "Reset the password from the login page, then sign in with the new one."),
}
FILLER = ["please help", "today", "again", "thanks", "quickly", "my order", "since Monday", "urgent"]


def labelled_rows(n: int = 60, seed: int = 0) -> list[dict]:
    """``n`` SFT records over three topics; every 5th carries an email (pii), every 7th an AI disclaimer."""
    rng = random.Random(seed)
    rows = []
    cats = list(TOPICS)
    for i in range(n):
        cat = cats[i % 3]
        words, answer = TOPICS[cat]
        q = (f"Question {i}: {rng.choice(words)} {rng.choice(words)} {rng.choice(FILLER)} "
             f"{rng.choice(FILLER)}?")
        if i % 5 == 0:
            q += f" Write to me at user{i}@example.com."
        a = answer if i % 7 else "As an AI language model I cannot help with that."
        rows.append(sft(f"r{i:02d}", q, a, None))
    return rows


def truth(rid: str) -> dict:
    i = int(rid[1:])
    return {"category": list(TOPICS)[i % 3], "pii": i % 5 == 0, "poor": i % 7 == 0}


@pytest.fixture
def make_project(tmp_path):
    def make(rows: list[dict], name: str = "p", **kw) -> Project:
        kw.setdefault("guidelines", support_guidelines_path())  # support data: the sample's guidelines
        p = Project.create(tmp_path / name, make_dataset(rows), **kw)
        for who in ("alice", "bob"):
            p.add_reviewer(who, "reviewer")
        return p

    return make


def label_records(project: Project, ids: list[str], reviewer: str = "alice") -> None:
    """The team's labels: category, tags (pii) and an overall rating (1 for AI disclaimers, else 4)."""
    for rid in ids:
        t = truth(rid)
        project.label(reviewer, rid, t["category"])
        project.tag(reviewer, rid, ["pii"] if t["pii"] else [])
        project.rate(reviewer, rid, 1 if t["poor"] else 4)


@pytest.fixture
def labelled(make_project):
    """60 records; the first 45 labelled by alice, the last 15 unlabelled."""
    p = make_project(labelled_rows())
    label_records(p, [f"r{i:02d}" for i in range(45)])
    return p


@pytest.fixture
def fake_llm():
    with FakeLLM() as server:
        yield server


@pytest.fixture
def client(fake_llm, tmp_path):
    sleeps: list[float] = []
    c = LLMClient(base_url=fake_llm.base_url, model="fake-1", cache_dir=str(tmp_path / "llm-cache"),
                  backoff=0.01, jitter=0.0, timeout=5, sleep=sleeps.append)
    c.sleeps = sleeps
    return c


def prompt_rows() -> list[dict]:
    return [{"id": f"q{i}", "kind": "prompt_only", "category": "billing",
             "messages": [msg("user", f"How do I get refund number {i}?")]} for i in range(4)]


def preference_rows() -> list[dict]:
    out = []
    for i in range(4):
        good, bad = f"GOOD answer {i}: open the billing page.", f"Meh answer {i}."
        out.append({"id": f"p{i}", "kind": "preference", "category": "billing",
                    "messages": [msg("user", f"Question {i}?")],
                    "chosen": [msg("assistant", good)], "rejected": [msg("assistant", bad)]})
    return out
