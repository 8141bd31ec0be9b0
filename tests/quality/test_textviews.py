from quality.quality_data import dataset, msg, pref, row, sft

from workbench.model.text import record_text, response_text
from workbench.quality.base import SignalContext


def test_views_match_the_model_text_helpers():
    rows = [sft("a", "Q1", "A1", system="S"), pref("p", "Q2", "C", "R"),
            row("k", "kto", [msg("user", "Q3")], completion=[msg("assistant", "K")], label=True),
            row("r", "ranking", [msg("user", "Q4")], candidates=["x", "y"]),
            row("o", "prompt_only", [msg("user", "Q5")]), row("e", "sft", [])]
    table = dataset(rows).table
    views = SignalContext().views(table)
    assert views.response.to_pylist() == response_text(table).to_pylist() == ["A1", "C", "K", "", "", ""]
    assert views.record.to_pylist() == record_text(table).to_pylist()
    assert views.record.to_pylist()[:2] == ["S\n\nQ1\n\nA1", "Q2\n\nC\n\nR"]
    assert views.prompt.to_pylist() == ["Q1", "Q2", "Q3", "Q4", "Q5", ""]


def test_last_user_matches_prompt_text():
    from workbench.model.text import prompt_text

    rows = [row("m", "sft", [msg("user", "first"), msg("assistant", "a"), msg("user", "second"),
                             msg("assistant", "b")]), sft("a", "Q1", "A1"), row("e", "sft", []),
            pref("p", "Q2", "C", "R")]
    table = dataset(rows).table
    assert SignalContext().views(table).last_user.to_pylist() == prompt_text(table).to_pylist() == \
        ["second", "Q1", "", "Q2"]


def test_gather_turns_in_small_batches():
    import numpy as np
    import pyarrow as pa

    from workbench.model.turns import gather_turns

    a = pa.array(["x", "yy", "zzz", "é"])
    b = pa.array(["B0", "B1"])
    out = gather_turns([(a, np.array([3, -1, 0, -1, 2])), (b, np.array([-1, 1, -1, -1, -1]))], 5, batch=2)
    assert out.to_pylist() == ["é", "B1", "x", "", "zzz"]
