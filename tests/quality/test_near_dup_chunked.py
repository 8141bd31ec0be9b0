"""The near-duplicate exact check in chunks of texts (issue 17: bounded memory) gives exactly the answer of
one check over every candidate, on real text: the same verified pairs, Jaccard values, clusters, columns
and summaries whatever the chunk budget."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from workbench.io import load
from workbench.model import RECORD_SCHEMA
from workbench.quality import compute_signals, minhash
from workbench.quality.near_duplicates import (
    NearDuplicateFinder,
    NearDuplicateSignal,
    record_chunks,
)
from workbench.quality.textviews import RecordTexts

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = ("fastchat_dummy_conversation.json", "llamafactory_dpo_en_demo.json",
         "selfinstruct_text-davinci-003_predictions.jsonl", "llamafactory_alpaca_zh_demo_200.json")


def _table() -> pa.Table:
    """Real records of four files, and edited copies of some (a word dropped, one swapped) so there are
    near duplicates of every degree besides the identity chats' own."""
    table = pa.concat_tables([load(FIXTURES / f).table.cast(RECORD_SCHEMA) for f in FILES])
    texts = RecordTexts(table).slice(0, table.num_rows).to_pylist()
    rng = np.random.default_rng(7)
    edited = []
    for i in rng.choice(len(texts), 120, replace=False):
        words = texts[i].split()
        if len(words) > 12:
            del words[int(rng.integers(len(words)))]
            j = int(rng.integers(len(words) - 1))
            words[j], words[j + 1] = words[j + 1], words[j]
        edited.append(" ".join(words))
    return table, pa.array(texts + edited)


TABLE, TEXTS = _table()


class OneGo(NearDuplicateFinder):
    """The check as it was before the chunks: every candidate's shingle set built at once."""

    def _verify(self, fetch, a, b):
        if not len(a):
            return a, b, np.zeros(0)
        involved = np.unique(np.concatenate([a, b]))
        sets = minhash.shingle_sets(fetch(involved), self.ngram, self.batch_size)
        jac = minhash.jaccard_pairs(sets, np.searchsorted(involved, a), np.searchsorted(involved, b))
        ok = jac >= self.threshold
        return a[ok], b[ok], jac[ok]


def _same(x, y) -> None:
    for field in dataclasses.fields(x):
        assert np.array_equal(getattr(x, field.name), getattr(y, field.name)), field.name


def test_the_texts_have_work_for_the_check():
    found = NearDuplicateFinder(threshold=0.7).find(TEXTS)
    assert found.candidates > 500  # identity chats: many candidates, some rejected
    assert 300 < len(found.pair_a) < found.candidates
    assert (found.size > 5).sum() > 50  # large clusters: a text in pairs of many chunks


@pytest.mark.parametrize("threshold, budgets", [(0.5, (9, 250)), (0.7, (2, 31)), (0.9, (1, 5))])
def test_every_budget_gives_the_one_chunk_answer(threshold, budgets):
    whole = OneGo(threshold=threshold).find(TEXTS)
    _same(NearDuplicateFinder(threshold=threshold, verify_records=10 ** 9).find(TEXTS), whole)
    for budget in budgets:
        _same(NearDuplicateFinder(threshold=threshold, verify_records=budget).find(TEXTS), whole)


def test_the_check_reads_at_most_the_budget_of_texts_at_a_time():
    finder = NearDuplicateFinder(threshold=0.7, verify_records=40)
    keys, bkeys, sig16 = finder.sketch(TEXTS)
    sizes, order = [], []

    def fetch(idx):
        sizes.append(len(idx))
        order.append(idx)
        return TEXTS.take(pa.array(idx))

    found = finder.resolve(keys, bkeys, sig16, fetch)
    assert max(sizes) <= 40 and len(sizes) > 5
    assert sorted(np.concatenate(order)) == sorted(set(np.concatenate(order)))  # each text read once
    whole = OneGo(threshold=0.7).find(TEXTS)
    _same(found, whole)


def test_record_chunks_cover_the_pairs_in_runs_within_the_budget():
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 300, 2000), rng.integers(300, 600, 2000)
    for limit in (1, 2, 5, 64, 10_000):
        chunks = record_chunks(a, b, limit)
        assert chunks[0][0] == 0 and chunks[-1][1] == len(a)
        assert all(hi > lo for lo, hi in chunks)
        assert all(chunks[k][1] == chunks[k + 1][0] for k in range(len(chunks) - 1))
        for lo, hi in chunks:
            distinct = len(np.unique(np.concatenate([a[lo:hi], b[lo:hi]])))
            assert distinct <= max(limit, 2) and hi - lo <= 8 * max(limit, 1)
            if hi < len(a) and hi - lo < 8 * limit:  # a run stops only where the next pair brings a new text
                assert len(np.unique(np.concatenate([a[lo:hi + 1], b[lo:hi + 1]]))) > limit


def test_signal_columns_and_summaries_do_not_depend_on_the_budget(monkeypatch):
    whole = compute_signals(TABLE, signals=["near_duplicates"], batch_size=150)
    original = NearDuplicateSignal.finder
    monkeypatch.setattr(NearDuplicateSignal, "finder",
                        lambda self: dataclasses.replace(original(self), verify_records=12))
    chunked = compute_signals(TABLE, signals=["near_duplicates"], batch_size=150)
    pd.testing.assert_frame_equal(whole.frame, chunked.frame, check_exact=True)
    assert whole.summaries == chunked.summaries
    assert whole.summaries["near_duplicates"]["record"]["verified_pairs"] > 50


def test_jaccard_of_a_pair_does_not_depend_on_its_chunk():
    sets_all = minhash.shingle_sets(TEXTS, 3)
    idx = np.array([5, 9, 700, 701])
    sets_few = minhash.shingle_sets(TEXTS.take(pa.array(idx)), 3)
    for k, i in enumerate(idx):
        assert np.array_equal(sets_all.hashes[sets_all.offsets[i]:sets_all.offsets[i + 1]],
                              sets_few.hashes[sets_few.offsets[k]:sets_few.offsets[k + 1]])
