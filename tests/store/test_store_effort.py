"""Edit effort against hand-computed edit distances, and the cosmetic-edits-on-poor-records report."""
from __future__ import annotations

import pytest

T = "messages[2].content"
# the source text of r1's answer (33 characters, 7 words): see store_helpers.sft
ORIGINAL = "The answer to question 1 is here."


def test_ratios_are_normalised_distances_to_the_original(project):
    assert project.current_record("r1").messages[2].content == ORIGINAL
    project.edit("bob", "r1", T, "The answer to question 1 is there.")  # 1 char inserted, 1 word replaced
    project.edit("cat", "r2", T, "No.")
    eff = project.edit_effort().set_index("reviewer")
    assert eff.loc["bob", "char_ratio"] == pytest.approx(1 / 34)  # distance 1 / longer length 34
    assert eff.loc["bob", "word_ratio"] == pytest.approx(1 / 7)
    assert (eff.loc["bob", "chars_before"], eff.loc["bob", "chars_after"]) == (33, 34)
    # "The answer to question 2 is here." -> "No.": 31 edits over 33 chars; all 7 words differ
    assert eff.loc["cat", "char_ratio"] == pytest.approx(31 / 33)
    assert eff.loc["cat", "word_ratio"] == pytest.approx(1.0)


def test_second_edit_is_measured_against_the_original_not_the_previous_edit(project):
    project.edit("bob", "r1", T, "Completely different words entirely here now.")
    project.edit("bob", "r1", T, ORIGINAL)  # back to the source
    eff = project.edit_effort()
    assert eff["char_ratio"].tolist()[-1] == 0.0 and eff["word_ratio"].tolist()[-1] == 0.0


def test_cosmetic_edits_on_poor_records(project):
    tweak = "The answer to question {} is here!"  # one character: ratio 1/33
    project.rate("bob", "r1", 2)
    project.edit("bob", "r1", T, tweak.format(1))  # cosmetic on a record bob rated poor
    project.rate("bob", "r2", 5)
    project.edit("bob", "r2", T, tweak.format(2))  # cosmetic, but rated good: fine
    project.rate("bob", "r3", 4)
    project.edit("bob", "r3", T, tweak.format(3))
    project.adjudicate("ada", "r3", "reject")  # later rejected: counts as poor
    project.rate("cat", "r4", 1)
    project.edit("cat", "r4", T, "A thorough rewrite that fixes the whole answer properly.")  # real work
    eff = project.edit_effort().set_index("record_id")
    assert eff.loc["r1", "char_ratio"] == pytest.approx(1 / 33)
    assert eff["cosmetic_on_poor"].to_dict() == {"r1": True, "r2": False, "r3": True, "r4": False}
    assert eff.loc["r1", "rating"] == 2 and eff.loc["r3", "final_decision"] == "reject"
    assert eff.loc["r3", "decision"] is None
    rep = project.edit_effort_report().set_index("reviewer")
    assert rep.loc["bob", "edits"] == 3 and rep.loc["bob", "cosmetic_edits"] == 3
    assert rep.loc["bob", "cosmetic_on_poor"] == 2
    assert rep.loc["bob", "cosmetic_on_poor_share"] == pytest.approx(2 / 3)
    assert rep.loc["bob", "mean_char_ratio"] == pytest.approx(1 / 33)
    assert rep.loc["cat", "cosmetic_on_poor"] == 0


def test_undone_edits_are_not_counted(project):
    project.edit("bob", "r1", T, "x")
    project.undo("bob")
    assert project.edit_effort().empty and project.edit_effort_report().empty
