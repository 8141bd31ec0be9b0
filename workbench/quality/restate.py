"""Does the answer open by restating the question? A vectorised content-word check.

The rule is meant to be precise: an answer that *names the topic* ("Explain e-commerce." ->
"E-commerce is ...") is a normal answer; an answer that *copies the question back* ("Tracking says my
doorbell was delivered on September 1 but I never got it. Before anything else, ...") is not. So:

- the question is the user's last turn without its greeting and sign-off ("Hello team," / "Thanks, Ravi");
- its *content words* are its tokens minus function words, instruction verbs and pleasantries;
- the answer's *opening* is its first N tokens, N = 1.5 x the question's length in tokens + 2 (room for
  "You asked:" around the copy; about its first sentence when the question is one sentence, its first
  few when the question is several);
- it restates the question when the question has >= ``min_words`` distinct content words and >= ``share``
  of them appear in the opening.

All of it is whole-column work: one regex pass to strip greetings, one tokenizer pass per side (64-bit
token hashes), one sort of (record, hash) keys to count the question's words found in the opening.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.quality import textops
from workbench.quality.tokens import Tokens, mix64, tokenize, unique_sets

GREETING = (r"(?i)^\s*(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening))\b[^\n.!?]{0,40}"
            r"[,.!?:]*\s*")
SIGN_OFF = (r"(?i)(?:^|[\n.!?])\s*(?:many thanks|thanks(?: a lot| in advance)?|thank you(?: in advance)?"
            r"|cheers|best regards|kind regards|regards|best wishes|sincerely|thx)\b[^\n]{0,30}"
            r"(?:\n[^\n]{0,40})?\s*$")
# a name alone on the last line after a blank line ("\n\nNora", "\n\n- ravi k."): a signature, and an
# answer that greets the user by name copies nothing
NAME_LINE = r"\n\s*\n\s*(?:[-\x{2014}\x{2013}]\s*)?[^\s\d?!.,:;]{1,20}(?: [^\s\d?!,:;]{1,20}){0,2}\s*$"
# function words, instruction verbs and pleasantries: words that say nothing about what was asked
STOPWORDS = """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing don down during each either else ever few for from
further had has have having he her here hers herself him himself his how i if in into is it its itself
just let like may me might more most much must my myself neither never no nor not now of off on once
one only or other our ours ourselves out over own per please quick question questions same shall she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up upon us very via was we were what when where which while who whom whose
why will with within without would yes yet you your yours yourself yourselves ll ve re isn aren wasn
weren hasn haven hadn doesn didn won wouldn shan shouldn cannot couldn mustn let's
explain describe tell give write list name provide show find make create generate suggest compose
summarize summarise rewrite answer help know want need thanks thank hello hi hey dear team regards
cheers sir madam anyone someone something anything way ways really actually
""".split()
_STOP = np.unique(tokenize([" ".join(STOPWORDS)]).hashes)


def strip_pleasantries(questions) -> pc.Array:
    """``questions`` without a leading greeting and a trailing sign-off (and the name under it)."""
    arr = textops.as_strings(questions)
    arr = pc.replace_substring_regex(arr, GREETING, "")
    arr = pc.replace_substring_regex(arr, SIGN_OFF, ".")
    return pc.replace_substring_regex(arr, NAME_LINE, "")


def _openings(answers, rows: np.ndarray, need_chars: np.ndarray, open_len: np.ndarray,
              limits: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(row, 64-bit hash) of the tokens in the openings of ``answers[rows]``.

    Tokenising is the cost, so each answer is cut to the first of ``limits`` that holds its opening
    (``need_chars``): answers to short questions are read for a few hundred characters, not thousands.
    """
    recs, hashes, lo = [], [], -1
    for limit in limits:
        sel = rows[(need_chars[rows] > lo) & ((need_chars[rows] <= limit) | (limit == limits[-1]))]
        lo = limit
        if not len(sel):
            continue
        toks = tokenize(pc.utf8_slice_codeunits(answers.take(pa.array(sel, pa.int64())), 0, limit))
        rec = toks.record_index()
        pos = np.arange(len(toks.hashes)) - toks.offsets[:-1][rec]
        keep = pos < open_len[sel][rec]
        recs.append(sel[rec[keep]])
        hashes.append(toks.hashes[keep])
    if not recs:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    return np.concatenate(recs), np.concatenate(hashes)


def restates_question(questions, answers, min_words: int = 6, share: float = 0.7, opening: float = 1.5,
                      prefix_chars: int = 2000, batch_size: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """Which answers open by restating their question.

    Parameters
    ----------
    questions, answers : array-like of str
        The user's last turn and the response, row-aligned (nulls read as empty).
    min_words : int
        Fewest distinct content words a question needs (shorter ones cannot be "restated").
    share : float
        Share of the question's content words that must appear in the answer's opening.
    opening : float
        The opening's length in tokens, as a multiple of the question's (plus 2).
    prefix_chars : int
        At most this many leading characters of an answer are read (its opening is usually shorter).
    batch_size : int
        Rows per batch (bounds memory at 1M records).

    Returns
    -------
    (numpy.ndarray of bool, numpy.ndarray of float)
        Per row: restates the question; the share of its content words found in the opening (0 for
        questions under ``min_words`` content words).
    """
    q_all, a_all = strip_pleasantries(questions), textops.as_strings(answers)
    n = len(q_all)
    found_share = np.zeros(n)
    sizes = np.zeros(n, dtype=np.int64)
    one, bits = np.uint64(1), np.uint64(44)
    for lo in range(0, n, batch_size):
        q_part = q_all.slice(lo, batch_size)
        qt = tokenize(q_part)
        m = len(qt.offsets) - 1
        open_len = np.ceil(qt.counts * opening) + 2
        # a binary search in the sorted stop list (np.isin would sort all tokens); >= 256 drops 1-letter
        # ASCII tokens ("s" of "it's")
        stop = _STOP[np.minimum(np.searchsorted(_STOP, qt.hashes), len(_STOP) - 1)] == qt.hashes
        content = ~stop & (qt.hashes >= 256)
        q_rec = qt.record_index()[content]
        q_offsets = np.searchsorted(q_rec, np.arange(m + 1)).astype(np.int64)
        qs = unique_sets(Tokens(mix64(qt.hashes[content]), q_offsets), bits=43)
        rows = np.flatnonzero(qs.counts >= min_words)  # only these questions can be restated
        need = np.ceil(textops.char_counts(q_part) * opening) + 40
        limits = tuple(x for x in (300, 600, 1200) if x < prefix_chars) + (prefix_chars,)
        a_rec, a_hash = _openings(a_all.slice(lo, batch_size), rows, need, open_len, limits)
        q_keys = ((qs.record_index().astype(np.uint64) << np.uint64(43)) | qs.hashes) << one
        a_keys = ((((a_rec.astype(np.uint64) << np.uint64(43)) | (mix64(a_hash) >> np.uint64(21))) << one)
                  | one)
        keys = np.sort(np.concatenate([q_keys, a_keys]))
        # a question word is found when the next key is the same word of the same record, answer side
        found = (keys[:-1] & one == 0) & (keys[1:] == keys[:-1] | one)
        hit = np.bincount((keys[:-1][found] >> bits).astype(np.int64), minlength=m)
        sizes[lo:lo + m] = qs.counts
        found_share[lo:lo + m] = np.divide(hit, qs.counts, out=np.zeros(m), where=qs.counts > 0)
    has_answer = textops.char_counts(a_all) > 0 if n else np.zeros(0, bool)
    big = sizes >= min_words
    return has_answer & big & (found_share >= share), np.where(big, found_share, 0.0)
