"""Duplicate labels: whitespace normalisation, order independence, shared prompts."""
from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
from export.export_helpers import corpus, near_copy, preference_rows

from workbench.export.dedup import duplicate_groups, normalise
from workbench.model import RECORD_SCHEMA

SPACES = [" ", "  ", "\t", "\n", "\r", "\v", "\f", "\x85", "\xa0", "\u2028", "\u2029", "\u3000", "\u2009",
          "\x1c", "\x1f", "\u200b", "\ufeff"]


def test_normalise_equals_split_and_join_everywhere():
    rng = random.Random(1)
    values = []
    for _ in range(5000):
        parts = []
        for _ in range(rng.randint(0, 6)):
            space = rng.choice(SPACES) if rng.random() < 0.3 else " "
            parts += [rng.choice(["a", "B", "cé", "中", "x1"]), space]
        values.append((rng.choice(SPACES) if rng.random() < 0.2 else "") + "".join(parts))
    arr = pa.array(values)
    # Python's split is the reference: pyarrow 26's utf8_split_whitespace leaves a trailing "" (or a
    # trailing space in the last word) when a string ends in whitespace
    expected = [" ".join(v.lower().split()) for v in values]
    assert normalise(arr).to_pylist() == expected


def _table(rows):
    return pa.Table.from_pylist(rows, schema=RECORD_SCHEMA)


def _partition(labels):
    groups = {}
    for i, lab in enumerate(labels):
        if lab >= 0:
            groups.setdefault(int(lab), set()).add(i)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def test_groups_do_not_depend_on_row_order():
    rows = corpus(60, seed=2)
    rows += [{**rows[3], "id": "copy"}, near_copy(rows[4], "near")]
    rows[10] = {**rows[10], "messages": [dict(m, content=m["content"].upper().replace(" ", "  \n"))
                                         for m in rows[10]["messages"]], "id": "shout"}
    rows.append({**rows[10], "id": "calm", "messages": [dict(m, content=m["content"].lower())
                                                       for m in rows[10]["messages"]]})
    a = duplicate_groups(_table(rows))
    perm = np.random.default_rng(0).permutation(len(rows))
    b = duplicate_groups(_table([rows[i] for i in perm]))
    for la, lb in ((a.exact, b.exact), (a.near, b.near)):
        back = np.empty_like(lb)
        back[perm] = lb
        assert _partition(la) == _partition(back)
    ids = [r["id"] for r in rows]
    exact = _partition(a.exact)
    assert sorted([ids.index("shout"), ids.index("calm")]) in exact  # case and whitespace ignored
    assert sorted([3, ids.index("copy")]) in exact
    assert sorted([4, ids.index("near")]) in _partition(a.near)


def test_shared_prompts_only_for_paired_kinds():
    rows = preference_rows(5, per_prompt=2) + corpus(4)
    dup = duplicate_groups(_table(rows), near_threshold=None)
    assert len(_partition(dup.prompt)) == 5 and (dup.prompt[-4:] == -1).all() and (dup.near == -1).all()
