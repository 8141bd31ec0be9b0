from quality.quality_data import answer, dataset, sft

from workbench.quality import compute_signals


def test_normalised_duplicates_are_grouped_and_extras_flagged():
    rows = [sft("a", "How do I reset my password?", answer()),
            sft("b", "how do I RESET my password", answer()),  # case and punctuation only
            sft("c", "How  do I reset\nmy password ?!", answer(150, 1)),  # same prompt, other answer
            sft("d", "Where is my order?", answer(150, 2))]
    rep = compute_signals(dataset(rows), signals=["exact_duplicates"])
    f = rep.frame.set_index("id")
    assert f["prompt_dup_group"].tolist()[:3] == ["a", "a", "a"] and f.loc["d", "prompt_dup_count"] == 1
    assert f.loc["b", "record_dup_group"] == "a" and f.loc["b", "is_exact_duplicates_issue"]
    assert not f.loc["a", "is_exact_duplicates_issue"]  # the first of a group is kept
    assert not f.loc["c", "is_exact_duplicates_issue"] and not f.loc["d", "is_exact_duplicates_issue"]
    assert f.loc["a", "exact_duplicates_score"] == 0.5 and f.loc["d", "exact_duplicates_score"] == 1.0
    s = rep.summaries["exact_duplicates"]
    assert s["record"]["groups"] == 1 and s["record"]["extra_rows"] == 1
    assert s["prompt"]["groups"] == 1 and s["prompt"]["extra_rows"] == 2
    assert s["response"]["extra_rows"] == 1


def test_different_texts_and_empty_texts_are_not_duplicates():
    rows = [sft("a", "reset password", answer()), sft("b", "password reset", answer()),
            sft("c", "", ""), sft("d", "", "")]
    f = compute_signals(dataset(rows), signals=["exact_duplicates"]).frame
    assert f["prompt_dup_group"].isna().all()  # word order matters; empty prompts are not a group
    assert not f["is_exact_duplicates_issue"].any()


def test_turn_level_keys_group_like_the_text_views():
    import numpy as np
    from quality.quality_data import msg, pref, row

    from workbench.quality.base import SignalContext
    from workbench.quality.exact_duplicates import exact_groups, level_keys, normalised_keys

    rows = [sft("a", "Hi there", "Hello!", system="S1"), sft("b", "hi, THERE", "hello", system="S2"),
            row("m", "sft", [msg("user", "Hi there"), msg("assistant", "x"), msg("user", "more"),
                             msg("assistant", "Hello!")]),
            pref("p", "Hi there", "Hello!", "Bye"), pref("q", "Hi there", "Hello!", "Bye."),
            row("k", "kto", [msg("user", "Hi there")], completion=[msg("assistant", "hello")], label=True),
            row("r", "ranking", [msg("user", "Hi there")], candidates=["Hello!", "Bye"]),
            row("e", "sft", [])]
    table = dataset(rows).table
    keys = level_keys(table)
    views = SignalContext().views(table)
    for level in ("prompt", "response"):
        want = exact_groups(normalised_keys(getattr(views, level)))[0]
        assert np.array_equal(exact_groups(keys[level])[0], want), level
    first = exact_groups(keys["record"])[0].tolist()
    assert first == [-1 if r["id"] == "e" else i for i, r in enumerate(rows)][:3] + [3, 3, 5, 6, -1]
