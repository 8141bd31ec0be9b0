"""Duplicate group sizes and the similarity of near pairs."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.plots import cluster_size_table, duplicate_cluster_sizes, near_duplicate_similarity
from workbench.plots._common import NO_DATA


def test_cluster_size_table_ignores_singletons_and_markers():
    df = pd.DataFrame({"g": [1, 1, 2, 2, 2, 3, -1, -1, None, 4, 4]})
    t = cluster_size_table(df, "g")
    assert t.index.tolist() == [2, 3]
    assert t["groups"].tolist() == [2, 1]
    assert t["records"].tolist() == [4, 3]
    assert sorted(t.loc[2, "cluster_ids"]) == [1, 4]


def test_cluster_sizes_exact_and_near(signal_frame):
    fig = duplicate_cluster_sizes(signal_frame)
    exact, near = fig.data
    assert (exact.name, near.name) == ("exact", "near")
    assert list(exact.x) == [2, 3] and list(exact.y) == [1, 1]
    assert list(near.x) == [2, 3] and list(near.y) == [1, 2]
    assert list(exact.customdata) == [["r0"], ["r5"]]
    assert sorted(near.customdata[1]) == ["r0", "r5"]
    assert near.meta == {"link": "groups", "column": "near_dup_cluster"}
    assert fig.layout.barmode == "group"


def test_cluster_sizes_records_mode_and_one_column(signal_frame):
    fig = duplicate_cluster_sizes(signal_frame, exact_col=None, records=True)
    (near,) = fig.data
    assert list(near.y) == [2, 6]
    assert fig.layout.yaxis.title.text == "records"


def test_cluster_sizes_without_duplicates(signal_frame):
    df = signal_frame.assign(record_dup_group=None, near_dup_cluster=signal_frame["id"])
    fig = duplicate_cluster_sizes(df)
    assert fig.data == () and fig.layout.annotations[0].text == "no duplicates"


def test_similarity_from_signal_frame_keeps_clustered_records(signal_frame):
    fig = near_duplicate_similarity(signal_frame, threshold=0.8)
    h = fig.data[0]
    assert h.type == "histogram"
    assert sorted(h.x) == pytest.approx([0.82, 0.82, 0.85, 0.95, 0.95, 1.0, 1.0, 1.0])
    assert "r3" not in list(h.customdata) and "r0" in list(h.customdata)
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1) == (0.8, 0.8)
    assert fig.layout.annotations[0].text == "threshold 0.8"


def test_similarity_from_pairs_and_series():
    pairs = pd.DataFrame({"a": ["r1", "r2"], "b": ["r3", "r4"], "similarity": [0.9, 0.85]})
    h = near_duplicate_similarity(pairs).data[0]
    assert list(h.customdata) == ["r1|r3", "r2|r4"] and h.meta == {"link": "pairs"}
    h = near_duplicate_similarity(pd.Series([0.7, 0.9], index=["x", "y"])).data[0]
    assert list(h.x) == [0.7, 0.9] and list(h.customdata) == ["x", "y"]
    h = near_duplicate_similarity([0.5, None, 0.6]).data[0]
    assert list(h.x) == [0.5, 0.6]


@pytest.mark.parametrize("value", [None, pd.DataFrame(), pd.Series(dtype=float), [], [None]])
def test_duplicates_empty(value):
    assert near_duplicate_similarity(value).layout.annotations[0].text == NO_DATA
    if not isinstance(value, list):
        assert duplicate_cluster_sizes(value).layout.annotations[0].text == NO_DATA
