"""On the bundled sample, the signals find the defects its generator planted (data/sample_manifest.json)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.io import load
from workbench.quality import signals

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def found():
    # the sample is support data: it is judged by its own support guidelines (the rules it plants need them)
    frame = signals(load(DATA / "support_conversations.jsonl"),
                    guidelines=DATA / "support_guidelines.yaml").frame.set_index("id")
    defects = json.loads((DATA / "sample_manifest.json").read_text())["defects"]
    return frame, defects


def flagged(frame, column):
    return set(frame.index[frame[column].astype(bool)])


def test_duplicates(found):
    frame, d = found
    exact_copies = {copy for copy, _ in d["exact_duplicates"]}
    assert exact_copies == flagged(frame, "is_exact_duplicates_issue")
    for copy, original in d["exact_duplicates"] + d["near_duplicates"]:
        assert frame.at[copy, "near_dup_cluster"] == frame.at[original, "near_dup_cluster"], (copy, original)


def test_rules_and_language(found):
    frame, d = found
    assert set(d["forbidden"]) == flagged(frame, "rule_forbidden_phrase")
    assert set(d["repeats_question"]) == flagged(frame, "rule_repeats_question")
    assert set(d["template_placeholder"]) == flagged(frame, "rule_placeholder")
    assert set(d["needless_apology"]) <= flagged(frame, "rule_apology")
    assert set(d["non_english"]) == flagged(frame, "is_unexpected_language")
    assert {d["length_outliers"]["long"]["id"], d["length_outliers"]["short"]["id"]} <= flagged(frame,
                                                                                               "is_length_outlier")


def test_pii_found_by_type(found):
    frame, d = found
    planted = {rid for ids in d["pii"].values() for rid in ids}
    hits = flagged(frame, "is_pii_issue")
    assert len(planted & hits) >= len(planted) - 1  # a French-format phone number is the known miss
    for rid in d["pii"]["credit_card"]:
        assert frame.at[rid, "pii_credit_card"] > 0
