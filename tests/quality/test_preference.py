import pytest
from quality.quality_data import dataset, msg, pref, row, sft

from workbench.quality import compute_signals
from workbench.quality.preference import PreferenceSignal


def run(rows, **cfg):
    return compute_signals(dataset(rows), signals=[PreferenceSignal(**cfg)])


def test_identical_and_near_identical_pairs():
    rep = run([pref("same", "Q1", "The answer is 42.", "the answer is 42"),
               pref("near", "Q2", "Your order ships in 3 business days from our main warehouse in Leeds.",
                    "Your order ships in 3 business days from the main warehouse in Leeds."),
               pref("diff", "Q3", "Ships in 3 days and you get a tracking link by email.", "No idea.")])
    f = rep.frame.set_index("id")
    assert f.loc["same", "pref_identical"] and f.loc["same", "preference_score"] == 0
    assert f.loc["near", "pref_near_identical"] and f.loc["near", "is_preference_issue"]
    assert not f.loc["diff", "is_preference_issue"] and f.loc["diff", "pref_similarity"] < 0.5
    s = rep.summaries["preference"]
    assert s["pairs"] == 3 and s["identical_pairs"] == 1 and s["near_identical_pairs"] == 1


def test_length_bias_share():
    rows = [pref(f"p{i}", f"Question {i}", "A long and detailed chosen answer here", "Short") for i in range(3)]
    rows.append(pref("x", "Question x", "Short", "A much longer rejected answer here"))
    s = run(rows).summaries["preference"]
    assert s["chosen_longer_share"] == pytest.approx(0.75)


def test_prompts_in_many_pairs():
    rows = [pref(f"p{i}", "Same prompt?", f"chosen answer number {i}", f"rejected {i} text") for i in range(4)]
    rows.append(pref("solo", "Other prompt?", "a fine answer", "a bad reply"))
    rep = run(rows, max_pairs_per_prompt=3)
    f = rep.frame.set_index("id")
    assert f.loc["p0", "pref_prompt_pairs"] == 4 and f.loc["p0", "pref_prompt_overused"]
    assert not f.loc["solo", "pref_prompt_overused"]
    assert rep.summaries["preference"]["prompts_in_many_pairs"] == 1


def test_ranking_duplicates_and_kto_balance():
    rows = [row("rank_dup", "ranking", [msg("user", "Q")], candidates=["Answer one.", "answer ONE", "Two"]),
            row("rank_ok", "ranking", [msg("user", "Q")], candidates=["Answer one.", "Two"]),
            row("k1", "kto", [msg("user", "Q")], completion=[msg("assistant", "A")], label=True),
            row("k2", "kto", [msg("user", "Q")], completion=[msg("assistant", "B")], label=False)]
    rep = run(rows)
    f = rep.frame.set_index("id")
    assert f.loc["rank_dup", "pref_duplicate_candidates"] and not f.loc["rank_ok", "pref_duplicate_candidates"]
    assert rep.summaries["preference"]["kto"] == {"records": 2, "desirable_share": 0.5}


def test_not_applicable_to_sft():
    rep = run([sft("a", "Q", "A")])
    assert not rep.summaries["preference"]["applies"] and rep.summaries["preference"]["pairs"] == 0
    assert not rep.frame["is_preference_issue"].any()
