"""Every third-party sample in tests/fixtures loads, with the expected format, kind and counts."""
from __future__ import annotations

import json

import pytest

from workbench.io import load

EXPECTED = {
    "selfinstruct_text-davinci-003_predictions.jsonl": ("alpaca", "sft", 252),
    "fastchat_dummy_conversation.json": ("sharegpt", "sft", 500),
    "llamafactory_mllm_demo.json": ("openai", "sft", 6),
    "llamafactory_dpo_en_demo.json": ("sharegpt", "preference", 300),
    "llamafactory_kto_en_demo.json": ("kto", "kto", 300),
    "lsconverter_csv_test_history.json": ("labelstudio", "prompt_only", 1),
    "labelstudio_humor_dataset_2_annotations.json": ("labelstudio", "prompt_only", 2),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_loads(fixtures, name):
    ds = load(fixtures / name)
    fmt, kind, rows = EXPECTED[name]
    assert (ds.format, ds.kind, ds.rows_read) == (fmt, kind, rows)
    assert ds.rows_read == len(ds) + len(ds.quarantine)
    assert ds.table.column("id").null_count == 0
    assert len(set(ds.table.column("id").to_pylist())) == len(ds), "ids must be unique"


def test_selfinstruct_renamed_fields_kept(fixtures):
    ds = load(fixtures / "selfinstruct_text-davinci-003_predictions.jsonl")
    rec = ds.record(0)
    raw = json.loads((fixtures / "selfinstruct_text-davinci-003_predictions.jsonl").read_text().splitlines()[0])
    assert rec.response == raw["response"]  # leading spaces kept verbatim
    assert rec.prompt.startswith(raw["instruction"])
    assert set(rec.metadata) == {"prompt", "target"}  # nothing the user had is thrown away


def test_sharegpt_ids_and_roles(fixtures):
    ds = load(fixtures / "fastchat_dummy_conversation.json")
    rec = ds.record("identity_0")
    assert [m.role for m in rec.messages] == ["user", "assistant", "user", "assistant"]
    assert rec.messages[-1].content == "You too!"
    assert rec.source_line == 2  # the line where the element starts


def test_dpo_sharegpt_system_turn_and_duplicates(fixtures):
    ds = load(fixtures / "llamafactory_dpo_en_demo.json")
    kinds = set(ds.table.column("kind").to_pylist())
    assert kinds == {"preference"}
    rec = ds.record(0)
    assert rec.chosen[0].role == "assistant" and rec.rejected[0].role == "assistant"
    ids = ds.table.column("id").to_pylist()
    # exact duplicates share a content hash, so repeats carry a -N suffix and stay unique
    assert any("-" in i for i in ids)


def test_kto_labels(fixtures):
    ds = load(fixtures / "llamafactory_kto_en_demo.json")
    labels = ds.table.column("label").to_pylist()
    assert set(labels) == {True, False}
    rec = ds.record(0)
    assert rec.completion[0].role == "assistant" and rec.messages[-1].role == "user"


def test_mllm_extra_keys_kept(fixtures):
    ds = load(fixtures / "llamafactory_mllm_demo.json")
    rec = ds.record(0)
    assert rec.metadata["images"] == ["mllm_demo_data/1.jpg", "mllm_demo_data/1.jpg"]
    assert "<image>" in rec.messages[0].content


def test_labelstudio_annotations_become_events(fixtures):
    ds = load(fixtures / "labelstudio_humor_dataset_2_annotations.json")
    assert len(ds.extra_events) == 2
    gold = [e for e in ds.extra_events if e.kind == "gold"]
    assert len(gold) == 1 and gold[0].value == "Not Humor"
    assert {e.reviewer for e in ds.extra_events} == {"test_suites_user@heartex.com"}
    ds2 = load(fixtures / "lsconverter_csv_test_history.json")
    (ev,) = ds2.extra_events
    assert (ev.kind, ev.target, ev.value, ev.record_id) == ("label", "category", "Positive", "6141")
