"""Issue 17's memory bounds change nothing in the answers: the batched signals' rows wait on disk between
their batches and their summary and come back value for value; topic features hashed in smaller batches
are the same features."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.io import load
from workbench.model import RECORD_SCHEMA
from workbench.quality import batches, compute_signals
from workbench.quality.textviews import TextViews
from workbench.quality.topic_features import TopicSpace

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _frame(lo: int, n: int, as_float: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(lo)
    score = rng.random(n)
    score[::7] = np.nan
    return pd.DataFrame({
        "flag": rng.random(n) > 0.5,
        "key": rng.integers(0, 2 ** 63, n, dtype=np.uint64) * np.uint64(2),
        "small": rng.integers(-100, 100, n).astype(np.int8),
        "half": rng.random(n).astype(np.float16),
        "score": score,
        "count": rng.integers(0, 9, n).astype(np.float64 if as_float else np.int64),
        "label": pd.array(np.where(rng.random(n) > 0.3, "en", None), dtype="str"),
    })


def test_plain_rows_are_spilled_and_come_back_as_concat_gives_them(tmp_path):
    parts = [_frame(0, 50), _frame(50, 50), _frame(100, 17)]
    spilled = [batches._spill(f, tmp_path / f"{i}") for i, f in enumerate(parts)]
    assert all(isinstance(p, Path) and p.exists() for p in spilled)
    back = batches._gather(spilled)
    pd.testing.assert_frame_equal(back, pd.concat(parts, ignore_index=True), check_exact=True)
    assert list(back.dtypes) == list(parts[0].dtypes) and back["label"].isna().any()
    assert not any(p.exists() for p in spilled)  # read once, then removed


def test_batches_of_other_dtypes_and_object_columns_give_what_concat_gives(tmp_path):
    parts = [_frame(0, 30), _frame(30, 30, as_float=True)]  # int64 then float64: concat makes float64
    spilled = [batches._spill(f, tmp_path / f"{i}") for i, f in enumerate(parts)]
    pd.testing.assert_frame_equal(batches._gather(spilled), pd.concat(parts, ignore_index=True), check_exact=True)
    strings = pd.DataFrame({"label": pd.Series(["a", None, "b"], dtype=object), "x": [1.0, 2.0, np.nan]})
    assert batches._spill(strings, tmp_path / "s") is strings  # object columns stay in memory
    mixed = [batches._spill(_frame(0, 3), tmp_path / "m"), strings]
    pd.testing.assert_frame_equal(batches._gather(mixed), pd.concat([_frame(0, 3), strings], ignore_index=True))


def test_a_batched_report_spills_its_rows_and_leaves_no_file(monkeypatch):
    table = pa.concat_tables([load(FIXTURES / f).table.cast(RECORD_SCHEMA)
                              for f in ("llamafactory_dpo_en_demo.json", "fastchat_dummy_conversation.json")])
    folders = []
    made = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        folders.append(Path(made(*args, **kwargs)))
        return str(folders[-1])

    written = []
    spill = batches._spill

    def spill_and_count(rows, path):
        out = spill(rows, path)
        written.append(isinstance(out, Path))
        return out

    monkeypatch.setattr(batches.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(batches, "_spill", spill_and_count)
    signals = ["text_stats", "near_duplicates", "exact_duplicates", "pii"]
    batched = compute_signals(table, signals=signals, batch_size=97)
    rows = [f for f in folders if f.name.startswith("workbench-rows-")]
    assert len(rows) == 1 and not any(f.exists() for f in folders)  # the near-duplicate check's too
    assert sum(written) >= 3 * (table.num_rows // 97)  # near-duplicate sketches, text stats, exact keys
    whole = compute_signals(table, signals=signals)
    pd.testing.assert_frame_equal(batched.frame, whole.frame, check_exact=True)
    assert batched.summaries == whole.summaries


def test_topic_features_do_not_depend_on_the_hashing_batch():
    table = load(FIXTURES / "fastchat_dummy_conversation.json").table.cast(RECORD_SCHEMA)
    prompts = TextViews(table).prompt
    space = TopicSpace.fit(prompts, dims=16, seed=0)
    whole = space.transform(prompts, batch=len(prompts))
    for batch in (1, 7, 64):
        assert np.array_equal(space.transform(prompts, batch=batch), whole)
