"""A signal run summarised like cleanlab's Datalab: issue summary (worst first), the flagged records of
one issue type, a printed report and a short repr instead of the whole frame."""
from __future__ import annotations

import math

import pytest
from quality.quality_data import answer, dataset, sft

from workbench.quality import compute_signals


@pytest.fixture(scope="module")
def rep():
    rows = [sft(f"r{i}", f"Question number {i} about the invoice?", answer(150, offset=i)) for i in range(6)]
    rows += [sft("dup", "Question number 0 about the invoice?", answer(150, offset=0)),
             sft("mail", "Contact me", "Write to jane.doe@example.com or call +1 415 555 0100. " + answer(120))]
    return compute_signals(dataset(rows), signals=["exact_duplicates", "pii", "text_stats"])


def test_issue_summary_counts_shares_and_orders_worst_first(rep):
    s = rep.issue_summary()
    assert list(s.columns) == ["issue_type", "num_issues", "share", "score"]
    assert set(s["issue_type"]) == {"exact_duplicates", "pii", "text_stats"}
    assert s["score"].is_monotonic_increasing
    by = s.set_index("issue_type")
    assert by.loc["exact_duplicates", "num_issues"] == rep.issues()["exact_duplicates"] == 1
    assert by.loc["pii", "num_issues"] == 1 and by.loc["pii", "share"] == pytest.approx(1 / 8)
    for name, row in by.iterrows():
        assert math.isclose(row["score"], rep.frame[f"{name}_score"].mean())


def test_get_issues_returns_the_flagged_records_worst_first(rep):
    pii = rep.get_issues("pii")
    assert pii["id"].tolist() == ["mail"] and list(pii.columns[:3]) == ["id", "is_pii_issue", "pii_score"]
    every = rep.get_issues("pii", flagged_only=False)
    assert len(every) == 8 and every["pii_score"].is_monotonic_increasing and every["id"].iloc[0] == "mail"
    with pytest.raises(KeyError, match="no signal 'language'.*exact_duplicates, pii, text_stats"):
        rep.get_issues("language")


def test_report_prints_summary_and_examples(rep, capsys):
    rep.report(num_examples=1)
    out = capsys.readouterr().out
    assert out.startswith("8 records, 3 signals;")
    assert "--- pii: 1 records, worst 1 ---" in out and "  mail  score" in out
    assert "--- exact_duplicates: 1 records, worst 1 ---" in out


def test_repr_is_short_and_html_is_a_card(rep):
    text = repr(rep)
    assert text.startswith("SignalReport(rows=8, signals=['exact_duplicates', 'pii', 'text_stats'], flagged={")
    assert len(text) < 300
    card = rep._repr_html_()
    assert "issues, worst score first" in card and "<td style='text-align:left'>pii</td>" in card
