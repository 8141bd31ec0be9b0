from quality.quality_data import dataset, msg, row

from workbench.quality import compute_signals


def frame(rows):
    return compute_signals(dataset(rows), signals=["multiturn"]).frame.set_index("id")


def test_well_formed_conversations_pass():
    f = frame([
        row("sft", "sft", [msg("system", "Be kind."), msg("user", "Hi"), msg("assistant", "Hello"),
                           msg("user", "Bye"), msg("assistant", "Bye!")]),
        row("tools", "sft", [msg("user", "Weather?"), msg("assistant", "", tool_calls='[{"name": "w"}]'),
                             msg("tool", "sunny"), msg("tool", "22C"), msg("assistant", "Sunny, 22C.")]),
        row("prompt", "preference", [msg("user", "Pick")], chosen=[msg("assistant", "A")],
            rejected=[msg("assistant", "B")]),
    ])
    assert not f["is_multiturn_issue"].any(), f.filter(like="mt_")


def test_each_problem_is_flagged():
    f = frame([
        row("late_system", "sft", [msg("user", "Hi"), msg("system", "Be kind."), msg("assistant", "Hello")]),
        row("starts_assistant", "sft", [msg("assistant", "Hello"), msg("user", "Hi"), msg("assistant", "Hey")]),
        row("orphan_tool", "sft", [msg("user", "Hi"), msg("tool", "x"), msg("assistant", "Hey")]),
        row("odd_role", "sft", [msg("human", "Hi"), msg("assistant", "Hey")]),
        row("double_user", "sft", [msg("user", "Hi"), msg("user", "Hello?"), msg("assistant", "Hey")]),
        row("ends_user", "sft", [msg("user", "Hi"), msg("assistant", "Hey"), msg("user", "Thanks")]),
        row("pref_ends_assistant", "preference", [msg("user", "Pick"), msg("assistant", "Hmm")],
            chosen=[msg("assistant", "A")], rejected=[msg("assistant", "B")]),
        row("no_turns", "sft", []),
        row("empty", "sft", [msg("user", "Hi"), msg("assistant", "   ")]),
    ])
    for rid in ("late_system", "starts_assistant", "orphan_tool", "odd_role"):
        assert f.loc[rid, "mt_role_order"], rid
    assert f.loc["double_user", "mt_consecutive_same_role"] and not f.loc["double_user", "mt_role_order"]
    for rid in ("ends_user", "pref_ends_assistant", "no_turns"):
        assert f.loc[rid, "mt_bad_ending"], rid
    assert f.loc["empty", "mt_empty_turn"] and not f.loc["empty", "mt_bad_ending"]
    assert f["is_multiturn_issue"].all()
