"""Format detection from a sample of parsed rows."""
from __future__ import annotations

from collections import Counter

from workbench.io.errors import LoadError
from workbench.io.formats import FORMATS, Format

SAMPLE = 200


def detect_format(rows: list[dict], where: str = "input") -> Format:
    """The format that recognises most of the first rows; ties go to the more specific format."""
    sample = [r for r in rows[:SAMPLE * 2] if isinstance(r, dict)][:SAMPLE]
    if not sample:
        raise LoadError(f"{where} holds no JSON objects to detect a format from")
    best, best_hits = None, 0
    for fmt in FORMATS.values():
        hits = sum(1 for r in sample if fmt.sniff(r))
        if hits > best_hits:
            best, best_hits = fmt, hits
    if best is None:
        keys = Counter(k for r in sample for k in r)
        seen = ", ".join(k for k, _ in keys.most_common(12))
        raise LoadError(f"unknown format in {where}: tried {', '.join(FORMATS)}; keys seen: {seen} "
                        "(a prompt goes in 'instruction', 'prompt', 'question' or 'query', its answer in "
                        "'output', 'response', 'completion' or 'answer'; chats in 'messages' or 'conversations')")
    return best
