"""``workbench guidelines draft`` / ``wb.draft_guidelines``: a starting guidelines file from the data."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from helpers import make_dataset, sft

import workbench as wb
from workbench.cli import main
from workbench.io import load
from workbench.model import Guidelines
from workbench.model.guidelines import RULE_OPTIONS
from workbench.quality import compute_signals
from workbench.quality.draft import MIN_RECORDS, draft_guidelines

FIXTURES = Path(__file__).parent / "fixtures"
ALPACA = FIXTURES / "selfinstruct_text-davinci-003_predictions.jsonl"


@pytest.fixture(scope="module")
def categorised():
    """60 'howto' answers of 10-69 words, 25 'chat' answers of 3-27 words, 5 odd ones of 400 words."""
    rows = [sft(f"h{i}", f"How do I do thing {i}?", " ".join(["word"] * (10 + i)), "howto") for i in range(60)]
    rows += [sft(f"c{i}", f"Hi number {i}", " ".join(["hey"] * (3 + i)), "chat") for i in range(25)]
    rows += [sft(f"x{i}", f"Odd {i}", " ".join(["long"] * 400), 'we"ird: #cat') for i in range(5)]
    return make_dataset(rows)


def test_draft_from_categories_loads_back_with_observed_windows(categorised, tmp_path):
    text = draft_guidelines(categorised, out=tmp_path / "g.yaml", topics=False)
    assert (tmp_path / "g.yaml").read_text(encoding="utf-8") == text
    g = Guidelines.load(tmp_path / "g.yaml")
    assert g.categories == ["howto", "chat", 'we"ird: #cat']  # by size; odd names survive the YAML
    assert g.target_mix == {"howto": round(60 / 90, 4), "chat": round(25 / 90, 4), 'we"ird: #cat': round(5 / 90, 4)}
    howto = np.percentile(np.arange(10, 70), [5, 95])
    # rounded outwards: whole words under 20 words, multiples of 5 under 100
    assert howto[0] < 20 <= howto[1] < 100
    assert g.length_window_per_category["howto"] == {"min_words": int(howto[0]),
                                                     "max_words": int(-(-howto[1] // 5) * 5)}
    chat = np.percentile(np.arange(3, 28), [5, 95])
    assert chat[0] < 20 <= chat[1]
    assert g.length_window_per_category["chat"] == {"min_words": int(chat[0]), "max_words": int(-(-chat[1] // 5) * 5)}
    assert 'we"ird: #cat' not in g.length_window_per_category  # 5 < MIN_RECORDS responses: no window of its own
    assert MIN_RECORDS > 5 and g.window_for('we"ird: #cat') == g.window_for(None)
    allw = np.concatenate([np.arange(10, 70), np.arange(3, 28), [400] * 5])
    lo, hi = np.percentile(allw, [5, 95])
    assert g.window_for(None)[0] <= lo and g.window_for(None)[1] >= hi
    assert g.rules == {name: False for name in RULE_OPTIONS}  # nothing judged until the team says so
    assert g.forbidden_phrases == Guidelines.default().forbidden_phrases
    assert "# Criteria: a template" in text and "#  - name: tone" in text
    assert "# Categories: the data's own category column." in text


def test_draft_rules_are_off_until_switched_on(categorised, tmp_path):
    g = Guidelines.from_dict(yaml.safe_load(draft_guidelines(categorised, topics=False)))
    f = compute_signals(categorised, guidelines=g, signals=["rules"]).frame
    assert "rule_length_window" not in f.columns and not f["is_rules_issue"].any()
    g.rules["length_window"] = True
    f = compute_signals(categorised, guidelines=g, signals=["rules"]).frame.set_index("id")
    assert f.loc["x0", "rule_length_window"] and not f.loc["h30", "rule_length_window"]
    assert 0 < f["rule_length_window"].mean() < 0.25  # p5-p95: about a tenth is outside


def test_draft_from_uncategorised_data_uses_task_types_and_topics(tmp_path):
    ds = load(ALPACA)
    text = wb.draft_guidelines(ds, out=tmp_path / "a.yaml")
    g = Guidelines.load(tmp_path / "a.yaml")
    frame = compute_signals(ds, signals=["text_stats"]).frame
    words = frame["response_words"].to_numpy()
    lo, hi = np.percentile(words[words > 0], [5, 95])
    assert g.window_for(None)[0] <= lo <= g.window_for(None)[0] + 5 and hi <= g.window_for(None)[1] <= hi + 10
    assert not {"billing", "shipping", "returns"} & set(g.categories)
    assert sum(g.target_mix.values()) == pytest.approx(1.0, abs=0.01)
    if "task types inferred" in text:  # the task-type signal is shipped: its types are the categories
        from workbench.model.taxonomy import TASK_TYPES

        assert set(g.categories) <= set(TASK_TYPES) and len(g.categories) >= 3
        assert set(g.length_window_per_category) <= set(g.categories)
    else:  # without it: one overall window and no categories
        assert g.categories == [] and g.length_window_per_category == {}
    if "# Topics found in the data" in text:
        assert text.count("#   ") >= 2  # topic labels with their shares, as comments


def test_cli_draft_writes_a_loadable_file_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "guidelines.yaml"
    assert main(["guidelines", "draft", str(ALPACA), "--out", str(out), "--no-topics"]) == 0
    assert "wrote draft guidelines" in capsys.readouterr().out
    assert Guidelines.load(out).window_for(None) is not None
    assert main(["guidelines", "draft", str(ALPACA), "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["guidelines", "draft", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "b.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workbench guidelines: error:") and "Traceback" not in err


def test_targets_on_data_without_categories_are_unmeasured_not_missing():
    rows = [sft(f"r{i}", f"Question {i}?", "An answer.") for i in range(10)]
    g = Guidelines.default()
    g.target_mix = {"open_qa": 0.5, "code": 0.5}
    s = compute_signals(make_dataset(rows), guidelines=g, signals=["coverage"]).summaries["coverage"]
    assert s["categories"]["open_qa"]["status"] == "unmeasured" and s["missing"] == []
    assert s["unmeasured"] == "the data has no category column" and s["over_represented"] == []
    s = compute_signals(make_dataset(rows[:5] + [sft("c", "Q?", "A.", "open_qa")]), guidelines=g,
                        signals=["coverage"]).summaries["coverage"]
    assert s["unmeasured"] is None and s["missing"] == ["code"]  # one category is enough to measure
