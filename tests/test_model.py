"""The canonical model: vectorised text views, records round-trip, guidelines validation."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import make_dataset, msg, sft

from workbench.model import Event, Guidelines, Record, prompt_text, record_text, response_text
from workbench.model.guidelines import RULE_OPTIONS

REPO = Path(__file__).resolve().parent.parent


def test_text_views():
    ds = make_dataset([
        {"id": "a", "kind": "sft", "messages": [msg("system", "s"), msg("user", "hi"), msg("assistant", "hello"),
                                                msg("user", "more?"), msg("assistant", "yes")]},
        {"id": "b", "kind": "preference", "messages": [msg("user", "q")], "chosen": [msg("assistant", "good")],
         "rejected": [msg("assistant", "bad")]},
        {"id": "c", "kind": "kto", "messages": [msg("user", "k")], "completion": [msg("assistant", "done")],
         "label": True},
        {"id": "d", "kind": "ranking", "messages": [msg("user", "r")], "candidates": ["x", "y"]},
    ])
    t = ds.table
    assert prompt_text(t).to_pylist() == ["more?", "q", "k", "r"]
    assert response_text(t).to_pylist() == ["yes", "good", "done", ""]
    assert record_text(t).to_pylist() == ["s\n\nhi\n\nhello\n\nmore?\n\nyes", "q\n\ngood\n\nbad", "k\n\ndone",
                                          "r\n\nx\n\ny"]


def test_record_and_event_round_trip():
    ds = make_dataset([{"id": "a", "kind": "sft", "category": "billing",
                        "messages": [msg("user", "hi"), msg("assistant", "yo")], "metadata": json.dumps({"k": 1})}])
    rec = ds.record("a")
    assert Record.from_dict(json.loads(json.dumps(rec.to_dict()))) == rec
    ev = Event("a", "rating", "alice", "overall", 4)
    assert Event.from_dict(json.loads(json.dumps(ev.to_dict()))) == ev


def test_positions_of_record_ids():
    rows = [{"id": f"r{i}", "kind": "sft", "messages": [msg("user", f"q{i}"), msg("assistant", "a")]}
            for i in range(5)]
    ds = make_dataset(rows)
    assert [ds.position(f"r{i}") for i in (4, 0, 2)] == [4, 0, 2]
    assert ds.position("nope") == -1
    assert ds.positions(["r3", "nope", "r1", "r3"]).tolist() == [3, -1, 1, 3]
    assert ds.positions([]).tolist() == []
    assert ds.record("r2").messages[0].content == "q2"
    with pytest.raises(KeyError):
        ds.record("nope")
    assert "_engine" not in ds.ids._cache  # no lookup went through the pandas index


def test_guidelines_default_and_validation(tmp_path):
    g = Guidelines.load(REPO / "data" / "support_guidelines.yaml")  # the sample's own guidelines
    assert [c.name for c in g.criteria] == ["accuracy", "completeness", "tone", "length", "structure"]
    assert g.criterion("tone").check(5) == 5
    with pytest.raises(ValueError, match="within 1-5"):
        g.criterion("tone").check(6)
    with pytest.raises(ValueError, match="unknown criterion"):
        g.criterion("nope")
    g.save(tmp_path / "g.yaml")
    assert Guidelines.load(tmp_path / "g.yaml") == g
    with pytest.raises(ValueError, match="unknown guideline keys: colour"):
        Guidelines.from_dict({"colour": "red"})


def test_neutral_defaults_judge_nothing_domain_specific(tmp_path):
    g = Guidelines.default()
    assert g.categories == [] and g.target_mix == {} and g.length_window == {}
    assert g.window_for(None) is None and g.window_for("billing") is None
    assert not any(g.rule_on(r) for r in RULE_OPTIONS) and set(g.rules) == set(RULE_OPTIONS)
    assert g.apology_phrases == [] and g.refusal_phrases == []
    assert "As an AI language model" in g.forbidden_phrases  # universal
    assert [c.name for c in g.criteria] == ["accuracy", "helpfulness", "clarity"]
    assert not any("100-300" in c.description or "support" in c.description for c in g.criteria)
    assert g.is_neutral() and g.source_label() == "none: neutral defaults"
    g.save(tmp_path / "copy.yaml")  # a project's copy of the defaults is still "neutral defaults"
    assert Guidelines.load(tmp_path / "copy.yaml").source_label() == "none: neutral defaults"
    support = Guidelines.load(REPO / "data" / "support_guidelines.yaml")
    assert support.window_for(None) == (100, 300) and support.rule_on("repeats_question")
    assert support.target_mix["billing"] == 0.15
    assert support.source_label() == str(REPO / "data" / "support_guidelines.yaml")
    custom = Guidelines()
    assert custom.window_for(None) is None and custom.source_label().startswith("custom")


def test_guideline_rule_options_are_checked(tmp_path):
    assert Guidelines.from_dict({"rules": {"apology": True}}).rule_on("apology")
    with pytest.raises(ValueError, match="unknown rule option 'sarcasm'"):
        Guidelines.from_dict({"rules": {"sarcasm": True}})
    with pytest.raises(ValueError, match="rules.apology must be true or false"):
        Guidelines.from_dict({"rules": {"apology": "yes"}})
    with pytest.raises(ValueError, match="cannot read guidelines file"):
        Guidelines.load(tmp_path / "missing.yaml")
    with pytest.raises(ValueError, match="unknown guideline keys: origin"):
        Guidelines.from_dict({"origin": "x"})


def test_fingerprint_ignores_chunking():
    import pyarrow as pa

    from workbench.model import Dataset

    ds = make_dataset([{"id": str(i), "kind": "sft", "messages": [msg("user", "q"), msg("assistant", str(i))]}
                       for i in range(10)])
    rechunked = Dataset(pa.concat_tables([ds.table.slice(0, 3), ds.table.slice(3)]))
    assert rechunked.fingerprint == ds.fingerprint
    assert make_dataset([{"id": "x", "kind": "sft", "messages": [msg("user", "q")]}]).fingerprint != ds.fingerprint


def test_has_categories_ignores_missing_and_blank_categories():
    assert not make_dataset([sft("a", "q", "r"), sft("b", "q2", "r2", category="  ")]).has_categories
    assert make_dataset([sft("a", "q", "r"), sft("b", "q2", "r2", category="billing")]).has_categories
