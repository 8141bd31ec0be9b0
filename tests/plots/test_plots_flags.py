"""Quality flag counts, PII by type, safety by category."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.plots import flag_counts, pii_by_type, safety_by_category
from workbench.plots._common import NO_DATA

QUALITY = {"rows": {"read": 100, "valid": 98, "quarantined": 2},
           "pii": {"email": 7, "phone": 2, "iban": 0}, "safety": {"hate": 1, "toxicity": 4},
           "rules": {"as_an_ai": 12, "needless_apology": {"count": 3, "examples": ["r1"]}}}


def test_flag_counts_flat_summary():
    fig = flag_counts(QUALITY["rules"], total=100)
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert list(bar.y) == ["as_an_ai", "needless_apology"]
    assert list(bar.x) == [12, 3]
    assert list(bar.text) == ["12 (12.0%)", "3 (3.0%)"]
    assert list(bar.customdata) == ["as_an_ai", "needless_apology"]


def test_flag_counts_grouped_summary():
    fig = flag_counts({"rules": QUALITY["rules"], "pii": QUALITY["pii"]})
    assert [t.name for t in fig.data] == ["rules", "pii"]
    assert list(fig.data[1].customdata) == ["pii:email", "pii:phone", "pii:iban"]
    assert list(fig.data[0].y) == ["rules: as_an_ai", "rules: needless_apology"]
    assert fig.layout.showlegend is True


def test_flag_counts_from_signal_frame(signal_frame):
    fig = flag_counts(signal_frame)
    (bar,) = fig.data
    assert list(bar.y) == ["text_stats", "pii"]
    assert list(bar.x) == [2, 2]
    assert list(bar.customdata) == ["is_text_stats_issue", "is_pii_issue"]  # the column to filter on
    assert bar.text[0] == "2 (16.7%)"


def test_pii_by_type_from_quality_json_drops_zero_types():
    fig = pii_by_type(QUALITY)
    (bar,) = fig.data
    assert list(bar.x) == ["email", "phone"] and list(bar.y) == [7, 2]
    assert list(bar.customdata) == ["email", "phone"]
    assert bar.meta == {"link": "key", "column": "pii_types"}


def test_pii_by_type_from_signal_summary_and_column(signal_frame):
    fig = pii_by_type({"records": {"email": 3, "ssn": 0}, "occurrences": {"email": 4, "ssn": 0}})
    assert list(fig.data[0].x) == ["email"]
    fig = pii_by_type(signal_frame["pii_types"])  # comma-joined per record
    assert dict(zip(fig.data[0].x, fig.data[0].y)) == {"email": 2, "phone": 1}


def test_safety_by_category():
    fig = safety_by_category(QUALITY)
    assert list(fig.data[0].x) == ["toxicity", "hate"] and list(fig.data[0].y) == [4, 1]
    fig = safety_by_category(pd.Series([["hate", "violence"], [], None]))
    assert sorted(fig.data[0].x) == ["hate", "violence"]


@pytest.mark.parametrize("value", [{"pii": {"email": 0}}, {"pii": {}}, {"email": 0},
                                   {"records": {"email": 0}}, pd.Series(["", ""])])
def test_nothing_found_says_so(value):
    fig = pii_by_type(value)
    assert fig.data == () and fig.layout.annotations[0].text == "no PII found"
    assert safety_by_category({"safety": {}}).layout.annotations[0].text == "no safety findings"


@pytest.mark.parametrize("value", [None, {}, pd.DataFrame(), pd.Series(dtype=object), [], {"rows": "x"}])
def test_flags_empty(value):
    for fn in (flag_counts, pii_by_type, safety_by_category):
        fig = fn(value)
        assert fig.data == () and fig.layout.annotations[0].text == NO_DATA


def test_safety_of_a_summary_without_safety_is_no_data():
    assert safety_by_category({"pii": {"email": 3}}).layout.annotations[0].text == NO_DATA
