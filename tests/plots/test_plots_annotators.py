"""Per-annotator rating distributions, gold accuracy, drift and edit effort."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import agreement
from workbench.plots import annotator_drift, edit_effort, gold_accuracy, rating_distributions
from workbench.plots._bands import EDGES
from workbench.plots._common import NO_DATA, WARN


@pytest.fixture
def long() -> pd.DataFrame:
    rows = [("r1", "ann", "overall", 5), ("r2", "ann", "overall", 5), ("r3", "ann", "overall", 4),
            ("r1", "bob", "overall", 2), ("r2", "bob", "overall", 3), ("r1", "bob", "tone", "polite")]
    return pd.DataFrame(rows, columns=["record_id", "annotator", "field", "value"])


def test_rating_distributions_shares_per_annotator(long):
    fig = rating_distributions(long)
    ann, bob = fig.data
    assert ann.name == "ann (n=3, mean 4.67)" and bob.name == "bob (n=2, mean 2.50)"
    assert list(ann.x) == ["2", "3", "4", "5"]
    assert list(ann.y) == pytest.approx([0, 0, 1 / 3, 2 / 3])
    assert list(bob.y) == pytest.approx([0.5, 0.5, 0, 0])
    assert list(ann.customdata[3]) == ["ann", 5]
    assert fig.layout.barmode == "group"


def test_rating_distributions_counts_labels_and_order(long):
    fig = rating_distributions(long, field="tone", normalize=False)
    (bob,) = fig.data
    assert list(bob.x) == ["polite"] and list(bob.y) == [1]
    fig = rating_distributions(long, order=[1, 2, 3, 4, 5])
    assert list(fig.data[0].x) == ["1", "2", "3", "4", "5"]
    assert list(fig.data[1].y) == pytest.approx([0, 0.5, 0.5, 0, 0])


def test_gold_accuracy_bars_with_n_and_intervals():
    df = pd.DataFrame({"annotator": ["ann", "bob"], "field": "overall", "accuracy": [0.75, 0.5],
                       "n_gold": [12, 4]})
    fig = gold_accuracy(df, target=0.7)
    (bar,) = fig.data
    assert list(bar.x) == ["ann", "bob"] and list(bar.y) == [0.75, 0.5]
    assert list(bar.text) == ["75% (n=12)", "50% (n=4)"]
    assert list(bar.customdata) == ["ann", "bob"]
    assert bar.marker.color[1] == WARN and bar.marker.color[0] != WARN
    lo = 0.75 - bar.error_y.arrayminus[0]
    hi = 0.75 + bar.error_y.array[0]
    assert 0.4 < lo < 0.5 and 0.9 < hi < 0.95  # Wilson 95% for 9/12
    assert fig.layout.shapes[0].y0 == 0.7


def test_gold_accuracy_one_trace_per_field_and_plain_n():
    df = pd.DataFrame({"annotator": ["a", "a", "b"], "field": ["overall", "tone", "overall"],
                       "accuracy": [0.8, 0.6, 0.9], "n": [10, 10, 10]})
    fig = gold_accuracy(df)
    assert [t.name for t in fig.data] == ["overall", "tone"]
    assert fig.data[0].text[0] == "80% (n=10)"


def test_gold_accuracy_from_agreement_package():
    long = pd.DataFrame({"record_id": [1, 2, 3, 1, 2, 3], "annotator": ["a"] * 3 + ["b"] * 3,
                         "field": "label", "value": ["x", "y", "x", "x", "x", "x"]})
    gold = pd.DataFrame({"record_id": [1, 2, 3], "field": "label", "value": ["x", "y", "x"]})
    fig = gold_accuracy(agreement.gold_accuracy(long, gold))
    assert list(fig.data[0].text) == ["100% (n=3)", "67% (n=3)"]


def test_drift_lines_with_record_ids():
    df = pd.DataFrame({"annotator": ["a"] * 3 + ["b"] * 2, "position": [0, 1, 2, 0, 1],
                       "record_id": ["r1", "r2", "r3", "r1", "r2"],
                       "rolling_agreement": [1.0, 0.5, 0.33, 1.0, np.nan]})
    fig = annotator_drift(df)
    a, _b = fig.data
    assert (a.name, a.mode) == ("a", "lines+markers")
    assert list(a.x) == [0, 1, 2] and list(a.y) == pytest.approx([1.0, 0.5, 0.33])
    assert list(a.customdata) == ["r1", "r2", "r3"]
    assert sorted(s.y0 for s in fig.layout.shapes) == list(EDGES)
    assert fig.layout.xaxis.title.text == "position"


def test_drift_from_agreement_package():
    long = pd.DataFrame({"record_id": list(range(6)) * 3, "annotator": np.repeat(["a", "b", "c"], 6),
                         "field": "overall", "value": [1, 2, 3, 4, 5, 1] * 2 + [5, 5, 5, 1, 1, 1]})
    fig = annotator_drift(agreement.drift(long, field="overall", window=3))
    assert [t.name for t in fig.data] == ["a", "b", "c"]
    assert list(fig.data[0].customdata) == list(range(6))


def test_drift_time_axis_and_missing_columns():
    df = pd.DataFrame({"annotator": ["a", "a"], "time": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                       "agreement": [1.0, 0.0], "record_id": [1, 2]})
    assert annotator_drift(df).layout.xaxis.title.text == "time"
    assert annotator_drift(df.drop(columns="agreement")).layout.annotations[0].text == NO_DATA


def test_edit_effort_boxes_and_flagged_points():
    df = pd.DataFrame({"reviewer": ["ann", "ann", "bob", "bob", "bob"],
                       "record_id": ["r1", "r2", "r3", "r4", "r5"],
                       "char_ratio": [0.02, 0.4, 0.3, 0.5, 0.05],
                       "cosmetic_on_poor": [True, False, False, False, False]})
    fig = edit_effort(df)
    ann, bob, flagged = fig.data
    assert (ann.type, ann.boxpoints) == ("box", "all")
    assert list(ann.y) == [0.02, 0.4] and list(ann.customdata) == ["r1", "r2"]
    assert list(bob.customdata) == ["r3", "r4", "r5"]
    assert flagged.name == "cosmetic edit on poor record" and list(flagged.customdata) == ["r1"]
    assert fig.layout.shapes[0].y0 == 0.1


def test_edit_effort_word_ratio_without_flags():
    df = pd.DataFrame({"reviewer": ["a"], "record_id": ["r1"], "word_ratio": [0.2]})
    fig = edit_effort(df, value_col="word_ratio", cosmetic=None)
    assert len(fig.data) == 1 and fig.layout.shapes == ()


@pytest.mark.parametrize("value", [None, pd.DataFrame(),
                                   pd.DataFrame(columns=["annotator", "reviewer", "value", "accuracy",
                                                         "char_ratio", "rolling_agreement"])])
def test_annotators_empty(value):
    for fn in (rating_distributions, gold_accuracy, annotator_drift, edit_effort):
        fig = fn(value)
        assert fig.data == () and fig.layout.annotations[0].text == NO_DATA


def test_gold_accuracy_figures_sit_under_the_bars_not_under_the_error_bars():
    df = pd.DataFrame({"annotator": ["ann", "<b>bob</b>"], "accuracy": [0.75, 0.5], "n_gold": [12, 4]})
    fig = gold_accuracy(df)
    (bar,) = fig.data
    assert bar.textposition == "none"  # nothing drawn inside a bar, where the error bar runs
    assert fig.layout.xaxis.tickangle == 0  # horizontal
    assert list(fig.layout.xaxis.tickvals) == ["ann", "<b>bob</b>"]
    assert list(fig.layout.xaxis.ticktext) == ["ann<br>75% (n=12)", "&lt;b&gt;bob&lt;/b&gt;<br>50% (n=4)"]
    two = gold_accuracy(pd.DataFrame({"annotator": ["a", "a"], "field": ["x", "y"], "accuracy": [0.8, 0.6],
                                      "n": [10, 10]}))
    assert all(t.textposition == "none" for t in two.data) and two.layout.xaxis.tickangle == 0
