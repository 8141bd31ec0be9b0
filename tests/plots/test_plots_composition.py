"""Category mix against the target, tags and languages."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.plots import category_distribution, language_distribution, tag_distribution
from workbench.plots._common import NO_DATA, WARN


def test_category_shares_with_target_markers():
    fig = category_distribution({"billing": 40, "code": 35, "qa": 25},
                                target_mix={"billing": 0.15, "code": 0.35, "qa": 0.3, "math": 0.2})
    bar, target = fig.data
    assert (bar.type, target.type, target.name) == ("bar", "scatter", "target")
    assert list(bar.x) == ["billing", "code", "qa", "math"]  # a target with no record gets a bar of 0
    assert list(bar.y) == pytest.approx([0.40, 0.35, 0.25, 0.0])
    assert list(target.y) == pytest.approx([0.15, 0.35, 0.30, 0.20])
    assert list(bar.customdata) == ["billing", "code", "qa", "math"]
    assert bar.meta == {"link": "key", "column": "category"}
    assert list(bar.text) == ["40", "35", "25", "0"]
    # off-target bars are red, on-target ones are not
    assert bar.marker.color[0] == WARN and bar.marker.color[1] != WARN and bar.marker.color[3] == WARN
    assert "target 15.0% (+25.0 pts)" in bar.hovertext[0]


def test_category_target_is_normalised_and_optional():
    fig = category_distribution(pd.Series({"a": 3, "b": 1}), target_mix={"a": 1, "b": 1})
    assert list(fig.data[1].y) == pytest.approx([0.5, 0.5])
    fig = category_distribution({"a": 3, "b": 1})
    assert len(fig.data) == 1 and list(fig.data[0].y) == pytest.approx([0.75, 0.25])


def test_category_from_raw_labels(signal_frame):
    fig = category_distribution(signal_frame["category"])
    assert list(fig.data[0].x) == ["billing", "code", "qa"]
    assert list(fig.data[0].y) == pytest.approx([5 / 12, 4 / 12, 3 / 12])


def test_category_counts_entries_with_count_key():
    fig = category_distribution({"a": {"count": 2, "share": 0.5}, "b": {"count": 2, "share": 0.5}})
    assert list(fig.data[0].y) == pytest.approx([0.5, 0.5])
    assert len(fig.data) == 1


def test_category_report_entries_carry_their_targets():
    fig = category_distribution({"a": {"count": 3, "share": 0.75, "target": 0.5},
                                 "b": {"count": 1, "share": 0.25, "target": 0.5}})
    assert list(fig.data[1].y) == pytest.approx([0.5, 0.5])


def test_tags_from_per_record_lists_share_of_records():
    tags = pd.Series([["polite", "billing"], ["polite"], [], None, ["refusal"]])
    fig = tag_distribution(tags)
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["polite", "billing", "refusal"]
    assert list(bar.x) == [2, 1, 1]
    assert list(bar.customdata) == ["polite", "billing", "refusal"]
    assert bar.text[0] == "2 (40.0%)"  # 2 of 5 records


def test_tags_top_folds_the_rest_into_other():
    fig = tag_distribution({f"t{i}": 10 - i for i in range(6)}, top=3)
    assert list(fig.data[0].y) == ["t0", "t1", "t2", "other"]
    assert list(fig.data[0].x) == [10, 9, 8, 7 + 6 + 5]


def test_languages_count_unknown(signal_frame):
    fig = language_distribution(signal_frame["language"])
    bar = fig.data[0]
    assert list(bar.y) == ["en", "de", "unknown", "fr"]
    assert list(bar.x) == [8, 2, 1, 1]
    assert bar.meta == {"link": "key", "column": "language"}
    fig = language_distribution({"en": 5, "zh": 3})
    assert list(fig.data[0].customdata) == ["en", "zh"]


@pytest.mark.parametrize("value", [None, {}, pd.Series(dtype=float), [], pd.DataFrame()])
def test_composition_empty(value):
    for fn in (category_distribution, tag_distribution, language_distribution):
        fig = fn(value)
        assert fig.data == () and fig.layout.annotations[0].text == NO_DATA
