"""Record ids are frozen: fixed input records -> expected ids.

Ids key every event in every project, so a change to the recipe (issue 17 will vectorise the content
hash) must not alter them. These vectors were computed before that work; if one fails, the recipe
changed, not the test.
"""
from __future__ import annotations

import hashlib
import json

import pyarrow as pa
import pytest

from workbench.io import load
from workbench.io.ids import ID_KEYS, resolve_source_ids

OPENAI = [
    {"id": "src-1", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]},
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]},
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]},
    {"uuid": 42, "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q"},
                              {"role": "assistant", "content": "a"}]},
    {"id": "", "messages": [{"role": "user", "content": "ünï"}, {"role": "assistant", "content": "中文"}]},
    {"messages": [{"role": "user", "content": "t"},
                  {"role": "assistant", "content": "", "tool_calls": [
                      {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                  {"role": "tool", "content": "42"}, {"role": "assistant", "content": "done"}]},
]
VECTORS = [
    (OPENAI, ["src-1", "8ddcd56b7e781894", "8ddcd56b7e781894-2", "42", "d8f3afea14624d66", "d701a372c78f7f84"]),
    ([{"prompt": "q", "chosen": "good", "rejected": "bad"},
      {"prompt": [{"role": "user", "content": "q"}], "chosen": [{"role": "assistant", "content": "good"}],
       "rejected": [{"role": "assistant", "content": "bad"}]}], ["d80c5d246183bf44", "d80c5d246183bf44-2"]),
    ([{"prompt": "q", "completion": "c", "label": True}, {"prompt": "q", "completion": "c", "label": False}],
     ["06484fb3516f74fd", "36ead738606dbb9e"]),
    ([{"prompt": "q", "responses": ["a", "b", "c"]}], ["99af288b6710b14a"]),
    ([{"instruction": "do", "input": "this", "output": "done"}, {"instruction": "do", "output": "done", "system": "sys"}],
     ["087c8e8dd5443b4d", "6a036df05388e68e"]),
    ([{"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]}], ["e27d3137ba69a0af"]),
]


@pytest.mark.parametrize("rows,expected", VECTORS)
@pytest.mark.parametrize("fast", [False, True])
def test_fixed_id_vectors(tmp_path, rows, expected, fast):
    path = tmp_path / "v.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert load(path, fast=fast).table.column("id").to_pylist() == expected


def test_content_hash_recipe_spelled_out():
    """The recipe: sha256 of kind + each field's turns joined by separators, first 16 hex digits."""
    key = "\x1d".join(["sft", "user\x1fhi\x1f" + "\x1e" + "assistant\x1fhello\x1f"] + ["\x00"] * 5)
    assert hashlib.sha256(key.encode()).hexdigest()[:16] == VECTORS[0][1][1]


def test_source_id_resolution_rule():
    """First id key (in ID_KEYS order) with a non-empty value wins; the row records which key."""
    cols = {"id": pa.array(["a", "", None, None, "b"]), "uuid": pa.array([None, "u1", "u2", None, "u3"])}
    ids, which = resolve_source_ids(cols, 5)
    assert ids.to_pylist() == ["a", "u1", "u2", None, "b"]
    assert [ID_KEYS[w] if w >= 0 else None for w in which] == ["id", "uuid", "uuid", None, "id"]


def test_ids_do_not_depend_on_the_hash_batch(tmp_path, monkeypatch):
    """Content keys are built batch by batch (bounded memory at millions of rows): slices of list columns
    with nulls (preference rows beside SFT rows) hash exactly as the whole table does."""
    from workbench.io import ids as ids_mod

    rows = []
    for i in range(23):
        if i % 3:
            rows.append({"prompt": f"p{i % 7}", "chosen": f"good {i % 5}", "rejected": f"bad {i}"})
        else:
            rows.append({"prompt": f"p{i % 7}", "chosen": f"good {i % 5}", "rejected": f"bad {i % 2}"})
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    table = load(path).table
    whole = ids_mod.assign_ids(table)
    monkeypatch.setattr(ids_mod, "HASH_BATCH", 4)
    assert ids_mod.assign_ids(table).equals(whole)
    assert ids_mod.assign_ids(table.slice(3, 15)).equals(ids_mod.assign_ids(pa.concat_tables([table.slice(3, 15)])))
    keys = ids_mod.content_keys(table).to_pylist()
    assert ids_mod.content_hashes(ids_mod.content_keys(table)) == \
        [hashlib.sha256(k.encode("utf-8")).hexdigest()[:16] for k in keys]


def test_repeats_are_numbered_in_file_order():
    """``number_repeats`` (numpy ranks, Arrow joins) against the plain rule: the k-th occurrence of a
    value, k >= 2, becomes ``value-k``; first occurrences are untouched."""
    import random

    from workbench.io.ids import number_repeats

    rng = random.Random(3)
    for trial in range(50):
        values = [rng.choice(["a", "b", "c", "ab", "", "中", f"x{trial}"]) for _ in range(rng.randint(1, 40))]
        seen: dict[str, int] = {}
        want = []
        for v in values:
            seen[v] = seen.get(v, 0) + 1
            want.append(v if seen[v] == 1 else f"{v}-{seen[v]}")
        assert number_repeats(pa.array(values, pa.string())).to_pylist() == want
