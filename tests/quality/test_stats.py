import numpy as np
from quality.quality_data import answer, dataset, msg, pref, row, sft

from workbench.quality import compute_signals


def run(rows):
    return compute_signals(dataset(rows), signals=["text_stats"])


def test_counts_per_role():
    rows = [sft("a", "How do I pay?", "Use the card form.", system="Be brief."),
            pref("p", "Pick one please", "A good answer here", "Bad")]
    f = run(rows).frame.set_index("id")
    assert f.loc["a", "user_words"] == 4 and f.loc["a", "assistant_words"] == 4
    assert f.loc["a", "system_words"] == 2 and f.loc["a", "system_turns"] == 1
    assert f.loc["a", "assistant_chars"] == len("Use the card form.")
    assert f.loc["a", "assistant_tokens"] == int(np.ceil(len("Use the card form.") / 4))
    assert f.loc["p", "response_words"] == 4 and f.loc["p", "assistant_turns"] == 0  # chosen is the response
    assert f.loc["a", "turns"] == 3


def test_length_outlier_within_category_is_flagged():
    rows = [sft(f"r{i}", f"Question number {i} about billing?", answer(120 + i), "billing") for i in range(30)]
    rows.append(sft("long", "Question about billing?", answer(3000), "billing"))
    rows.append(sft("tiny", "Question about billing?", "Yes.", "billing"))
    rep = run(rows)
    f = rep.frame.set_index("id")
    assert f.loc["long", "is_length_outlier"] and f.loc["tiny", "is_length_outlier"]
    assert not f.loc[[f"r{i}" for i in range(30)], "is_length_outlier"].any()
    assert f.loc["long", "text_stats_score"] < 1 and f.loc["r3", "text_stats_score"] == 1
    assert rep.summaries["text_stats"]["outliers"] == 2


def test_long_answers_are_normal_where_the_category_is_long():
    rows = [sft(f"s{i}", "Short q?", answer(100 + i), "short") for i in range(25)]
    rows += [sft(f"l{i}", "Long q?", answer(2500 + 10 * i), "long") for i in range(25)]
    assert not run(rows).frame["is_length_outlier"].any()


def test_empty_and_whitespace_turns():
    rows = [row("e", "sft", [msg("user", "Hi"), msg("assistant", " \n\t ")]),
            row("n", "sft", [msg("user", "Hi"), msg("assistant", "Hello!")])]
    rep = run(rows)
    f = rep.frame.set_index("id")
    assert f.loc["e", "empty_turns"] == 1 and f.loc["e", "is_text_stats_issue"]
    assert f.loc["n", "empty_turns"] == 0 and not f.loc["n", "is_text_stats_issue"]
    assert rep.summaries["text_stats"]["roles"]["assistant"]["words"]["max"] == 1
