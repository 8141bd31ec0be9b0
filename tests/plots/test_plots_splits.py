"""Split composition side by side and the shift between two dataset versions."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.plots import distribution_shift, split_composition, total_variation
from workbench.plots._common import NO_DATA, WARN


@pytest.fixture
def splits(signal_frame):
    return {"train": signal_frame.iloc[:8], "test": signal_frame.iloc[8:]}


def test_split_categories_side_by_side(splits):
    fig = split_composition(splits)
    train, test = fig.data
    assert (train.name, test.name) == ("train", "test")
    assert list(train.x) == ["billing", "code", "qa"]
    assert list(train.y) == pytest.approx([5 / 8, 3 / 8, 0])
    assert list(test.y) == pytest.approx([0, 1 / 4, 3 / 4])
    assert list(test.text) == ["0", "1", "3"]
    assert list(train.customdata) == ["billing", "code", "qa"]
    assert train.meta == {"link": "key", "column": "category"}
    note = fig.layout.annotations[0]
    assert note.text == "qa missing from train; billing missing from test" and note.font.color == WARN


def test_split_counts_languages_and_single_frame(signal_frame):
    df = signal_frame.assign(split=["train"] * 6 + ["val"] * 3 + ["test"] * 3)
    fig = split_composition(df, column="language", normalize=False)
    assert [t.name for t in fig.data] == ["train", "val", "test"]
    assert dict(zip(fig.data[2].x, fig.data[2].y)) == {"en": 0, "de": 1, "unknown": 1, "fr": 1}


def test_split_numeric_column_boxes_with_ids(splits):
    fig = split_composition(splits, column="response_words")
    train, test = fig.data
    assert train.type == "box" and list(test.y) == [900, 50, 110, 130]
    assert list(test.customdata) == ["r8", "r9", "r10", "r11"]


def test_split_series_values():
    fig = split_composition({"train": pd.Series(["a", "a", "b"]), "val": pd.Series(["a"])})
    assert list(fig.data[1].y) == pytest.approx([1.0, 0.0])


def test_distribution_shift_shares_and_delta():
    fig = distribution_shift({"billing": 40, "code": 40, "qa": 20},
                             {"billing": 15, "code": 45, "qa": 30, "math": 10}, labels=("v1", "v2"))
    before, after, delta = fig.data
    assert (before.name, after.name) == ("v1", "v2")
    assert list(before.x) == ["code", "billing", "qa", "math"]  # by mean share
    assert list(before.y) == pytest.approx([0.4, 0.4, 0.2, 0.0])
    assert list(after.y) == pytest.approx([0.45, 0.15, 0.3, 0.1])
    assert list(delta.y) == pytest.approx([5, -25, 10, 10])
    assert delta.marker.color[1] == WARN and delta.marker.color[0] != WARN
    assert delta.yaxis == "y2" and list(delta.customdata) == list(before.x)
    assert "total variation 25.0%" in fig.layout.title.text


def test_distribution_shift_raw_labels_and_title():
    fig = distribution_shift(pd.Series(["a", "b"]), pd.Series(["a", "a"]), title="task mix")
    assert fig.layout.title.text.startswith("task mix")
    assert total_variation({"a": 1}, {"a": 5}) == 0.0
    assert total_variation({"a": 1}, {"b": 1}) == 1.0


@pytest.mark.parametrize("value", [None, {}, pd.DataFrame(), {"train": pd.DataFrame({"x": [1]})},
                                   {"train": pd.DataFrame({"category": [None]})}])
def test_splits_empty(value):
    fig = split_composition(value)
    assert fig.data == () and fig.layout.annotations[0].text == NO_DATA
    fig = distribution_shift(None, {})
    assert fig.data == () and fig.layout.annotations[0].text == NO_DATA
