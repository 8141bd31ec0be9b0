from quality.quality_data import answer, dataset, msg, row, sft

from workbench.model import Guidelines
from workbench.quality import compute_signals


def test_category_mix_against_target():
    gl = Guidelines.default()
    gl.target_mix = {"billing": 0.2, "shipping": 0.4, "returns": 0.4}
    gl.categories = ["billing", "shipping", "returns"]
    rows = [sft(f"b{i}", "How do I pay?", answer(), "billing") for i in range(6)]
    rows += [sft(f"s{i}", "Where is it?", answer(), "shipping") for i in range(4)]
    rows += [sft("x", "What?", answer(), "weather")]
    rep = compute_signals(dataset(rows), guidelines=gl, signals=["coverage"])
    f = rep.frame.set_index("id")
    assert f.loc["b0", "is_coverage_issue"] and f.loc["b0", "coverage_score"] < 1  # 55% vs 20%
    assert not f.loc["s0", "is_coverage_issue"]
    assert f.loc["x", "is_coverage_issue"]  # not a category of the guidelines
    s = rep.summaries["coverage"]
    assert s["categories"]["billing"]["status"] == "over" and s["categories"]["returns"]["status"] == "under"
    assert s["missing"] == ["returns"] and s["unknown_categories"] == ["weather"]
    assert s["languages"] == {"en": 11}


def test_records_without_category_are_not_unknown():
    rep = compute_signals(dataset([sft("a", "Q?", answer())]), signals=["coverage"])
    assert not rep.frame["is_coverage_issue"].any()


def test_task_type_summary_comes_from_the_task_type_signal():
    rows = [sft("a", "Translate 'good morning' into French.", "Bonjour."),
            row("d", "sft", [msg("user", "hi"), msg("assistant", "hello"), msg("user", "thanks"),
                             msg("assistant", "bye")])]
    rep = compute_signals(dataset(rows), signals=["task_type", "coverage"])
    assert "task_type" not in rep.results["coverage"].frame.columns
    assert rep.summaries["coverage"]["task_types"] == rep.summaries["task_type"]["task_types"]
    assert rep.frame.set_index("id").loc["a", "task_type"] == "translation"
