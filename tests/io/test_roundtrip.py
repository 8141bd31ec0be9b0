"""read -> write -> read gives the same records, for every writable format."""
from __future__ import annotations

import pytest

from workbench.io import load, write

ROUNDTRIPS = [
    ("fastchat_dummy_conversation.json", "sharegpt"),
    ("fastchat_dummy_conversation.json", "openai"),
    ("llamafactory_mllm_demo.json", "openai"),
    ("llamafactory_mllm_demo.json", "sharegpt"),
    ("selfinstruct_text-davinci-003_predictions.jsonl", "alpaca"),
    ("llamafactory_dpo_en_demo.json", "preference"),
    ("llamafactory_dpo_en_demo.json", "sharegpt"),
    ("llamafactory_kto_en_demo.json", "kto"),
]


def canonical(ds):
    return [{k: v for k, v in r.items() if k not in ("source_file",)} for r in ds.table.to_pylist()]


@pytest.mark.parametrize("name,fmt", ROUNDTRIPS)
@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".parquet", ".jsonl.gz"])
def test_roundtrip(fixtures, tmp_path, name, fmt, suffix):
    first = load(fixtures / name)
    out = tmp_path / f"out{suffix}"
    res = write(first, out, format=fmt)
    assert res["skipped"] == []
    second = load(out, format=fmt)
    assert second.rows_read == len(first)
    a, b = canonical(first), canonical(second)
    for ra, rb in zip(a, b):
        ra.pop("source_line"), rb.pop("source_line")
    assert a == b


def test_string_and_conversational_preference(tmp_path):
    from helpers import make_dataset, msg

    ds = make_dataset([{"id": "p1", "kind": "preference", "messages": [msg("user", "Q?")],
                        "chosen": [msg("assistant", "good")], "rejected": [msg("assistant", "bad")]}])
    for conv in (False, True):
        out = tmp_path / f"p{conv}.jsonl"
        write(ds, out, format="dpo", conversational=conv)
        text = out.read_text()
        assert ('"role"' in text) == conv
        back = load(out)
        assert back.record("p1").chosen[0].content == "good"
        assert back.record("p1").messages[0].content == "Q?"


def test_writer_skips_what_format_cannot_hold(tmp_path, fixtures):
    ds = load(fixtures / "llamafactory_dpo_en_demo.json")
    res = write(ds, tmp_path / "x.jsonl", format="alpaca")
    assert res["rows"] == 0 and len(res["skipped"]) == len(ds)


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_ranking_and_canonical_shapes_round_trip(tmp_path, suffix):
    import json

    rows = [{"id": f"k{i}", "prompt": f"Which reply is best for question {i}?",
             "responses": [f"first {i}", f"second {i}", f"third {i}"], "category": "product"} for i in range(4)]
    src = tmp_path / "rank.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    first = load(src)
    assert first.kind == "ranking"
    write(first, tmp_path / f"out{suffix}", format="ranking")
    second = load(tmp_path / f"out{suffix}", format="ranking")
    a, b = canonical(first), canonical(second)
    for ra, rb in zip(a, b):
        ra.pop("source_line"), rb.pop("source_line")
    assert a == b
