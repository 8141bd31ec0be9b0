"""The canonical model: vectorised text views, records round-trip, guidelines validation."""
from __future__ import annotations

import json

import pytest
from helpers import make_dataset, msg

from workbench.model import Event, Guidelines, Record, prompt_text, record_text, response_text


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


def test_guidelines_default_and_validation(tmp_path):
    g = Guidelines.default()
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


def test_fingerprint_ignores_chunking():
    import pyarrow as pa

    from workbench.model import Dataset

    ds = make_dataset([{"id": str(i), "kind": "sft", "messages": [msg("user", "q"), msg("assistant", str(i))]}
                       for i in range(10)])
    rechunked = Dataset(pa.concat_tables([ds.table.slice(0, 3), ds.table.slice(3)]))
    assert rechunked.fingerprint == ds.fingerprint
    assert make_dataset([{"id": "x", "kind": "sft", "messages": [msg("user", "q")]}]).fingerprint != ds.fingerprint
