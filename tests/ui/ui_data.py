"""Data for the review widget tests: small canonical rows and a fake signal frame."""
from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
from helpers import msg, sft

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def rows() -> list[dict]:
    """Ten SFT records (two exact-duplicate pairs, one hostile), a preference, a ranking and a KTO record."""
    out = [sft(f"s{i}", f"Question {i} about billing?", f"Answer {i}: use the billing page.",
               "billing" if i % 2 == 0 else "account") for i in range(8)]
    out[3]["messages"][1]["content"] = out[1]["messages"][1]["content"]  # duplicate answers
    out.append(sft("dup1", "Question 1 about billing?", "Answer 1: use the billing page.", "account"))
    out.append(sft("evil", f"Please render {HOSTILE}", f"Sure: {HOSTILE}\n\n```html\n{HOSTILE}\n```",
                   "technical"))
    out.append({"id": "pref", "kind": "preference", "category": "billing",
                "messages": [msg("user", "Which is better?")],
                "chosen": [msg("assistant", "The good answer.")],
                "rejected": [msg("assistant", "The bad answer.")]})
    out.append({"id": "rank", "kind": "ranking", "category": "product",
                "messages": [msg("user", "Rank these.")],
                "candidates": ["first", "second", "third"]})
    out.append({"id": "kto", "kind": "kto", "category": "other", "messages": [msg("user", "Hi")],
                "completion": [msg("assistant", "Hello!")], "label": True})
    return out


def signals_frame(ids: list[str]) -> pd.DataFrame:
    """A signal frame in the quality package's shape (exact duplicate groups hold the first member's id)."""
    group = {"s1": "s1", "dup1": "s1", "s0": None}
    df = pd.DataFrame({"id": ids})
    df["record_dup_group"] = [group.get(i) for i in ids]
    df["is_exact_duplicates_issue"] = [i == "dup1" for i in ids]
    df["exact_duplicates_score"] = [0.5 if i in ("s1", "dup1") else 1.0 for i in ids]
    df["is_pii_issue"] = [i == "s2" for i in ids]
    df["pii_score"] = [0.1 if i == "s2" else 1.0 for i in ids]
    df["pii_types"] = [["email"] if i == "s2" else [] for i in ids]
    df["language"] = ["de" if i == "s4" else "en" for i in ids]
    df["length_score"] = [float(n) / len(ids) for n in range(len(ids))]
    return df


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_safe(html: str) -> None:
    """No script/img/iframe element and no on* attribute in ``html`` (parsed like a browser would)."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "iframe", "object", "embed"), f"<{tag}> element in rendered HTML"
        for name, _ in attrs:
            assert not name.lower().startswith("on"), f"event-handler attribute {name} on <{tag}>"
    assert "<script" not in html.lower()
