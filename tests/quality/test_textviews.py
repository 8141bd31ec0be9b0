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
    assert views.response.to_pylist() == response_text(table).to_pylist()
    assert views.record.to_pylist() == record_text(table).to_pylist()
    assert views.prompt.to_pylist() == ["Q1", "Q2", "Q3", "Q4", "Q5", ""]
