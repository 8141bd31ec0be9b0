"""Notebook reprs: a Dataset summarises itself like an HF dataset (not a dump of its Arrow table), and
its HTML card escapes what the data holds."""
from __future__ import annotations

import json

from helpers import make_dataset, sft

import workbench as wb
from workbench.model.display import ResultDict

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_dataset_repr_is_a_one_line_summary(tmp_path):
    rows = [{"instruction": f"Say {i}.", "output": f"{i}."} for i in range(5)]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{not json\n")
    ds = wb.load(path)
    assert repr(ds) == ("Dataset(format='alpaca', kind='sft', rows=5, quarantined=1, "
                        "columns=['id', 'kind', 'messages', 'source_file', 'source_line'])")
    assert len(repr(ds)) < 200


def test_dataset_card_counts_reasons_and_escapes_records():
    ds = make_dataset([sft("r1", HOSTILE, "fine " * 100, "billing"), sft("r2", "Hello?", "Hi.")]
                      + [sft(f"x{i}", f"Q{i}?", f"A{i}.") for i in range(5)])
    card = ds._repr_html_()
    assert "<script>" not in card and "<img" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "first 3 of 7 records" in card and "x0" in card and "x1" not in card
    assert "fine fine" in card and "fine " * 100 not in card  # long text is cut
    assert "<td style='text-align:left'>billing</td>" in card


def test_result_dict_keeps_dict_access_and_adds_attributes():
    class Thing(ResultDict):
        SHOWN = ("a", "b")

    t = Thing(a=1, b=[1, 2], c={"deep": True})
    assert t["c"] == {"deep": True} and t.c == {"deep": True} and dict(t) == {"a": 1, "b": [1, 2], "c": {"deep": True}}
    assert repr(t) == "Thing(a=1, b=[1, 2])"
    assert "<b>Thing</b>" in t._repr_html_() and "1, 2" in t._repr_html_()
    try:
        _ = t.missing
    except AttributeError as exc:
        assert "missing" in str(exc)
    else:
        raise AssertionError("no AttributeError")
