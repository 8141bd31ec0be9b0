"""Readable topic labels: the most distinctive terms of each topic, class-based TF-IDF (as BERTopic).

Terms are lower-cased words of two or more letters (English stop words and instruction boilerplate
left out) and, for Chinese / Japanese text, character bigrams of each run of CJK characters, so the
same code labels both without a segmenter. A term's weight in topic ``c`` is its frequency in ``c``
(normalised by the topic's term count) times ``log(1 + A / f)``, with ``A`` the mean term count per
topic and ``f`` the term's count over all topics: frequent in this topic, rare elsewhere.
"""
from __future__ import annotations

import re
from collections import Counter

import numpy as np

_WORD = re.compile(r"[a-z][a-z0-9'_-]+|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
# common English words plus the words every instruction set repeats ("write", "following"...)
STOP = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
each few for from further get got had hadn't has hasn't have haven't having he he'd he'll he's her here
here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
just let's like me more most mustn't my myself no nor not now of off on once only or other ought our
ours ourselves out over own please same shan't she she'd she'll she's should shouldn't so some such than
that that's the their theirs them themselves then there there's these they they'd they'll they're they've
this those through to too under until up us very was wasn't we we'd we'll we're we've were weren't what
what's when when's where where's which while who who's whom why why's will with won't would wouldn't you
you'd you'll you're you've your yours yourself yourselves yes okay ok sure thanks thank hi hello hey
one two use using used make made need want know tell give given following provide write create describe
explain generate find list many much well way new also may might must shall let s t re ll ve d m
""".split())
_CJK_STOP = frozenset("的了是在我你他她它们和与或这那有个一也就都要会能吗呢吧啊请给出以下中为对".strip())


def terms(text: str) -> list[str]:
    """Label terms of one text (see the module docstring)."""
    out: list[str] = []
    for tok in _WORD.findall(text.lower()):
        if _CJK.match(tok):
            chars = [c for c in tok if c not in _CJK_STOP]
            out.extend(a + b for a, b in zip(chars, chars[1:]))
        elif tok not in STOP and not tok.isdigit():
            out.append(tok)
    return out


def class_tfidf(texts: list[str], topics: np.ndarray, k: int, top: int = 8) -> list[list[tuple[str, float]]]:
    """The ``top`` most distinctive (term, weight) pairs of each topic ``0..k-1``.

    Parameters
    ----------
    texts : list of str
        A sample of prompts (a few thousand per topic are plenty).
    topics : ndarray of int
        Topic of each text (-1 is ignored).
    k : int
        Number of topics.
    top : int
        Terms kept per topic.
    """
    counts: list[Counter[str]] = [Counter() for _ in range(k)]
    for text, t in zip(texts, topics.tolist()):
        if t >= 0:
            counts[t].update(set(terms(text)))  # document frequency within the topic: one long text is one vote
    total: Counter = Counter()
    for c in counts:
        total.update(c)
    if not total:
        return [[] for _ in range(k)]
    mean_terms = sum(total.values()) / max(1, sum(1 for c in counts if c))
    out = []
    for c in counts:
        size = sum(c.values()) or 1
        scored = [(term, (n / size) * np.log1p(mean_terms / total[term])) for term, n in c.items() if n >= 2 or size < 40]
        # ties broken by the term itself, so labels never depend on dict order
        scored.sort(key=lambda tw: (-tw[1], tw[0]))
        out.append([(term, round(float(w), 5)) for term, w in scored[:top]])
    return out


def label_of(top_terms: list[tuple[str, float]], n: int = 3) -> str:
    """A short label: the first ``n`` terms joined, leaving out a term contained in an earlier one."""
    chosen: list[str] = []
    for term, _ in top_terms:
        if any(term in c or c in term for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n:
            break
    return " · ".join(chosen) if chosen else "(no terms)"
