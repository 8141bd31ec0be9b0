import json

import pandas as pd
import pytest
from quality.quality_data import answer, dataset, sft

from workbench.quality import compute_signals, signals
from workbench.quality.near_duplicates import NearDuplicateSignal


@pytest.fixture
def data():
    return dataset([sft("a", "How do I change my billing address?", answer(), "billing"),
                    sft("b", "How do I change my billing address?", answer(), "billing"),
                    sft("c", "Where is my parcel?", answer(120, 3), "shipping")])


def test_frame_has_id_and_every_signal(data):
    rep = compute_signals(data)
    assert list(rep.frame["id"]) == ["a", "b", "c"]
    for name in rep.results:
        assert f"is_{name}_issue" in rep.frame and f"{name}_score" in rep.frame
    assert set(rep.summaries) == set(rep.results)
    json.dumps(rep.summaries)  # serialisable


def test_selected_signals_and_dependencies(data):
    rep = compute_signals(data, signals=["coverage"])
    assert list(rep.results) == ["coverage"]  # language ran for it but is not reported
    frame = signals(data, signals=["pii", NearDuplicateSignal(threshold=0.9)]).frame
    assert "is_pii_issue" in frame and "near_dup_cluster" in frame and "language" not in frame


def test_accepts_a_table(data):
    frame = signals(data.table, signals=["multiturn"]).frame
    assert len(frame) == 3


def test_signals_is_compute_signals():
    import workbench as wb

    assert signals is compute_signals and wb.signals is wb.compute_signals


def test_cache_roundtrip_and_invalidation(data, tmp_path):
    first = compute_signals(data, signals=["text_stats", "exact_duplicates"], cache_dir=tmp_path)
    assert first.cached == []
    assert len(list(tmp_path.glob("*.parquet"))) == 2
    again = compute_signals(data, signals=["text_stats", "exact_duplicates"], cache_dir=tmp_path)
    assert again.cached == ["text_stats", "exact_duplicates"]
    pd.testing.assert_frame_equal(first.frame, again.frame, check_dtype=False)
    assert again.summaries == first.summaries
    other = compute_signals(data, signals=[NearDuplicateSignal(threshold=0.5)], cache_dir=tmp_path)
    assert other.cached == []
    changed = dataset([sft("a", "Something else entirely", answer())])
    assert compute_signals(changed, signals=["text_stats"], cache_dir=tmp_path).cached == []


def test_damaged_cache_is_recomputed(data, tmp_path):
    compute_signals(data, signals=["multiturn"], cache_dir=tmp_path)
    for p in tmp_path.glob("*.parquet"):
        p.write_bytes(b"not parquet")
    assert compute_signals(data, signals=["multiturn"], cache_dir=tmp_path).cached == []


def test_empty_dataset():
    rep = compute_signals(dataset([]))
    assert len(rep.frame) == 0 and rep.issues()["near_duplicates"] == 0
