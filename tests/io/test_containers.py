"""Containers: CSV, Parquet, HF datasets folders, in-memory DataFrames and datasets objects; HH and TRL forms."""
from __future__ import annotations

import json

import pandas as pd

from workbench.io import load


def test_csv_with_json_cells(tmp_path):
    df = pd.DataFrame({"instruction": ["a", "b"], "output": ["x", "y"], "category": ["billing", "other"]})
    path = tmp_path / "d.csv"
    df.to_csv(path, index=False)
    ds = load(path)
    assert ds.format == "alpaca" and len(ds) == 2
    assert ds.table.column("category").to_pylist() == ["billing", "other"]
    msgs = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]
    pd.DataFrame({"messages": [json.dumps(msgs)]}).to_csv(tmp_path / "m.csv", index=False)
    assert load(tmp_path / "m.csv").record(0).response == "a"


def test_dataframe_and_hf_dataset(tmp_path):
    import datasets

    df = pd.DataFrame({"prompt": ["p1", "p2"], "chosen": ["c1", "c2"], "rejected": ["r1", "r2"]})
    ds = load(df)
    assert ds.kind == "preference" and ds.record(1).rejected[0].content == "r2"
    hf = datasets.Dataset.from_pandas(df)
    assert load(hf).table.column("id").to_pylist() == ds.table.column("id").to_pylist()
    dd = datasets.DatasetDict({"train": hf, "test": hf.select([0])})
    folder = tmp_path / "hf"
    dd.save_to_disk(str(folder))
    back = load(folder)
    assert len(back) == 3
    assert [r.metadata.get("split") for r in back.records()] == ["train", "train", "test"]


def test_parquet(tmp_path):
    df = pd.DataFrame({"messages": [[{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]]})
    df.to_parquet(tmp_path / "x.parquet")
    ds = load(tmp_path / "x.parquet")
    assert ds.format == "openai" and ds.record(0).response == "a"


def test_hh_transcripts(tmp_path):
    row = {"chosen": "\n\nHuman: hi\n\nAssistant: hello\n\nHuman: how?\n\nAssistant: like this",
           "rejected": "\n\nHuman: hi\n\nAssistant: hello\n\nHuman: how?\n\nAssistant: no"}
    path = tmp_path / "hh.jsonl"
    path.write_text(json.dumps(row) + "\n")
    rec = load(path).record(0)
    assert [m.role for m in rec.messages] == ["user", "assistant", "user"]
    assert rec.chosen[0].content == "like this" and rec.rejected[0].content == "no"


def test_trl_implicit_prompt_conversational(tmp_path):
    p = [{"role": "user", "content": "q"}]
    row = {"chosen": p + [{"role": "assistant", "content": "good"}],
           "rejected": p + [{"role": "assistant", "content": "bad"}]}
    path = tmp_path / "i.jsonl"
    path.write_text(json.dumps(row) + "\n")
    rec = load(path).record(0)
    assert rec.prompt == "q" and rec.chosen[0].content == "good"


def test_kto_prompt_completion_and_ranking(tmp_path):
    path = tmp_path / "k.jsonl"
    path.write_text(json.dumps({"prompt": "q", "completion": "a", "label": False}) + "\n")
    ds = load(path)
    assert ds.kind == "kto" and ds.record(0).label is False
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"prompt": "q", "responses": ["a", "b", "c"]}) + "\n")
    ds = load(path)
    assert ds.kind == "ranking" and ds.record(0).candidates == ["a", "b", "c"]


def test_ids_are_stable_under_reordering(tmp_path):
    rows = [{"instruction": f"q{i}", "output": f"a{i}"} for i in range(5)]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in reversed(rows)))
    a = load(tmp_path / "a.jsonl").table.column("id").to_pylist()
    b = load(tmp_path / "b.jsonl").table.column("id").to_pylist()
    assert a == list(reversed(b))
