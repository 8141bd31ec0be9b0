"""Every format and container reloads with the workbench's loader and with ``datasets``; byte-identical
output for the same seed; the OpenAI cookbook's checks find nothing."""
from __future__ import annotations

import hashlib

import datasets
import numpy as np
import pytest
from export.export_helpers import corpus, preference_rows, words
from helpers import make_dataset, msg

from workbench.export import export, openai_format_errors
from workbench.io import load
from workbench.model import Guidelines

SPLITS = ("train", "val", "test")


def kto_rows(n=90, seed=0):
    rng = np.random.default_rng(seed)
    return [{"id": f"k{i}", "kind": "kto", "category": ["billing", "account", "shipping"][i % 3],
             "messages": [msg("user", words(rng, 10))], "completion": [msg("assistant", words(rng, 25))],
             "label": bool(i % 2)} for i in range(n)]


DATA = {"openai": lambda: corpus(90, seed=4), "alpaca": lambda: corpus(90, seed=4),
        "sharegpt": lambda: corpus(90, seed=4), "dpo": lambda: preference_rows(30, 3, seed=4),
        "kto": kto_rows}


def _data_files(out, container):
    if container == "hf":
        return sorted(p for p in (out / "hf").rglob("*") if p.is_file())
    return [out / f"{s}.{container}" for s in SPLITS]


def _without(files: dict, skip: set) -> dict:
    return {k: v for k, v in files.items() if k not in skip}


def _sha(paths):
    return {"/".join(p.parts[-3:]): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.mark.parametrize("fmt", list(DATA))
@pytest.mark.parametrize("container", ["jsonl", "parquet", "hf"])
def test_reloads_with_workbench_and_datasets(tmp_path, fmt, container):
    rows = DATA[fmt]()
    res = export(make_dataset(rows), tmp_path / "out", format=fmt, container=container, report=False)
    out = tmp_path / "out"
    assert res["total"] == len(rows) and sum(res["counts"].values()) == len(rows)
    cache = str(tmp_path / "cache")
    if container == "hf":
        dd = datasets.load_from_disk(str(out / "hf"))
        assert {k: len(v) for k, v in dd.items()} == res["counts"]
        assert len(load(out / "hf")) == len(rows)
        return
    builder = "json" if container == "jsonl" else "parquet"
    files = {s: str(out / f"{s}.{container}") for s in SPLITS}
    dd = datasets.load_dataset(builder, data_files=files, cache_dir=cache)
    assert {k: len(v) for k, v in dd.items()} == res["counts"]
    for s in SPLITS:
        ds = load(files[s])
        assert len(ds) == res["counts"][s] and not ds.quarantine
        kinds = set(ds.table.column("kind").to_pylist())
        assert kinds == {{"dpo": "preference", "kto": "kto"}.get(fmt, "sft")}
    if container == "jsonl":
        ds = datasets.load_dataset("json", data_files=files["train"], split="train", cache_dir=cache)
        assert len(ds) == res["counts"]["train"]


def test_reloaded_text_matches_the_source(tmp_path):
    rows = corpus(50, seed=8)
    export(make_dataset(rows), tmp_path / "out", format="alpaca", splits=(1.0,), report=False)
    back = {r.id: r for r in load(tmp_path / "out" / "train.jsonl").records()}
    for row in rows:
        rec = back[row["id"]]
        assert rec.prompt == row["messages"][0]["content"] and rec.response == row["messages"][1]["content"]
        assert rec.category == row["category"]


@pytest.mark.parametrize("container", ["jsonl", "parquet", "hf"])
def test_same_seed_gives_byte_identical_files(tmp_path, container):
    rows = corpus(200, seed=11)
    a = export(make_dataset(rows), tmp_path / "a", container=container, seed=5, report=False)
    b = export(make_dataset(rows), tmp_path / "b", container=container, seed=5, report=False)
    fa, fb = a["manifest"]["files"], b["manifest"]["files"]
    # every file, documents included, is identical (README's title is the folder's name); only the
    # manifest's time field varies
    assert _without(fa, {"README.md"}) == _without(fb, {"README.md"})
    assert {k: v for k, v in a["manifest"].items() if k != "created"} == \
        {k: v for k, v in b["manifest"].items() if k != "created" and k != "files"} | {"files": fa}
    if container == "jsonl":  # with every document, the html report included
        g = Guidelines.default()
        docs = [export(make_dataset(rows), tmp_path / f"docs{i}", seed=5, guidelines=g)["manifest"]["files"]
                for i in range(2)]
        assert "annotation_guidelines.md" in docs[0]
        skip = {"README.md"}
        assert _without(docs[0], skip) == _without(docs[1], skip)
    shuffled = export(make_dataset(rows[::-1]), tmp_path / "c", container=container, seed=5, report=False)
    assert sorted(_sha(_data_files(tmp_path / "a", container)).values()) == \
        sorted(_sha(_data_files(tmp_path / "c", container)).values())
    export(make_dataset(rows), tmp_path / "d", container=container, seed=6, report=False)
    assert _sha(_data_files(tmp_path / "a", container)) != _sha(_data_files(tmp_path / "d", container))
    assert shuffled["counts"] == a["counts"]


def test_openai_export_passes_the_cookbook_checks(tmp_path):
    rows = corpus(60, seed=2)
    rows[0]["messages"].insert(0, msg("system", "You are a support agent."))
    rows[1]["messages"] += [msg("user", "And then?"), msg("assistant", "Then it is done.")]
    export(make_dataset(rows), tmp_path / "out", format="openai", report=False)
    for s in SPLITS:
        errors = openai_format_errors(tmp_path / "out" / f"{s}.jsonl")
        assert set(errors.values()) == {0}, errors


def test_cookbook_checks_count_each_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([
        '[1, 2]', '{"nope": 1}', '{"messages": [{"role": "user"}]}',
        '{"messages": [{"role": "user", "content": "a", "extra": 1}, {"role": "assistant", "content": "b"}]}',
        '{"messages": [{"role": "robot", "content": "a"}, {"role": "assistant", "content": "b"}]}',
        '{"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "b"}]}',
        '{"messages": [{"role": "user", "content": "a"}]}', 'not json']) + "\n")
    errors = openai_format_errors(bad)
    assert errors == {"data_type": 2, "missing_messages_list": 1, "message_missing_key": 1,
                      "message_unrecognized_key": 1, "unrecognized_role": 1, "missing_content": 2,
                      "example_missing_assistant_message": 2}
