"""Batch-by-batch signals give exactly the whole-table answers: every column, value for value, and every
summary, on a mixture of real files of every record kind, for random batch sizes; and on Ray."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.io import load
from workbench.model import RECORD_SCHEMA
from workbench.quality import compute_signals
from workbench.quality.base import Signal
from workbench.quality.builtin import BUILTIN_SIGNALS, default_registry
from workbench.quality.engine import batch_phase, resolve_signals

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = ("llamafactory_dpo_en_demo.json", "llamafactory_kto_en_demo.json",
         "llamafactory_glaive_toolcall_en_demo_150.json", "llamafactory_alpaca_zh_demo_200.json",
         "fastchat_dummy_conversation.json", "selfinstruct_text-davinci-003_predictions.jsonl")
BATCHABLE = [cls.name for cls in BUILTIN_SIGNALS if cls.batchable]


def _mixture() -> pa.Table:
    """About 60 records of each file (preference, KTO, tool calls, Chinese, multi-turn, Alpaca-like),
    interleaved, with some exact and near copies across batches so the grouping signals have work."""
    parts = [load(FIXTURES / f).table.cast(RECORD_SCHEMA).slice(0, 60) for f in FILES]
    table = pa.concat_tables(parts)
    order = np.random.default_rng(0).permutation(table.num_rows)
    table = table.take(pa.array(order))
    copies = table.slice(0, 25)  # copies of early records at the end: groups span batches
    ids = pa.array([f"copy-{i}" for i in range(copies.num_rows)])
    copies = copies.set_column(copies.schema.get_field_index("id"), "id", ids)
    return pa.concat_tables([table, copies])


TABLE = _mixture()


@pytest.fixture(scope="module")
def whole():
    return compute_signals(TABLE, signals=BATCHABLE)


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    assert a.summaries == b.summaries
    assert a.infos == b.infos


def test_every_builtin_signal_but_the_embedding_ones_is_batchable():
    assert set(BATCHABLE) == {cls.name for cls in BUILTIN_SIGNALS} - {"semantic_dup", "topics"}


def test_the_mixture_exercises_the_signals(whole):
    """Not a vacuous equality: the data has flags, groups and kinds of every signal's concern."""
    s = whole.summaries
    assert s["exact_duplicates"]["record"]["groups"] >= 20
    assert s["near_duplicates"]["record"]["clusters"] >= 20
    assert s["preference"]["pairs"] > 0 and s["preference"]["kto"]["records"] > 0
    assert s["text_stats"]["roles"]["tool"]["records"] > 0
    assert {"en", "zh"} <= set(s["language"]["languages"])
    assert len(s["task_type"]["task_types"]) >= 6
    assert whole.frame["is_multiturn_issue"].any() or whole.frame["mt_turns"].max() > 2


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch_size=st.integers(min_value=7, max_value=TABLE.num_rows + 10))
def test_batches_give_the_whole_table_answers(whole, batch_size):
    _same(whole, compute_signals(TABLE, signals=BATCHABLE, batch_size=batch_size))


def test_one_record_per_batch_and_an_empty_table():
    small = TABLE.slice(0, 12)
    _same(compute_signals(small, signals=BATCHABLE), compute_signals(small, signals=BATCHABLE, batch_size=1))
    empty = TABLE.slice(0, 0)
    _same(compute_signals(empty, signals=BATCHABLE), compute_signals(empty, signals=BATCHABLE, batch_size=5))


def test_a_batched_signal_reads_a_cached_requirement_batch_by_batch(tmp_path, whole):
    """language requires task_type: with task_type read from the cache, its batches see their slice."""
    compute_signals(TABLE, signals=["task_type"], cache_dir=tmp_path)
    again = compute_signals(TABLE, signals=["task_type", "language"], cache_dir=tmp_path, batch_size=50)
    assert again.cached == ["task_type"]
    cols = [c for c in again.frame.columns if c != "id"]
    pd.testing.assert_frame_equal(again.frame[cols], whole.frame[cols], check_exact=True)


def whole_stats(table: pa.Table) -> dict:
    return compute_signals(table, signals=["text_stats"]).summaries["text_stats"]


def test_signals_that_need_the_whole_data_run_whole_beside_batched_ones():
    registry = default_registry()
    chosen = resolve_signals(None, registry)
    batched = [s.name for s in batch_phase(chosen)]
    assert "semantic_dup" not in batched and "topics" not in batched
    assert batched == BATCHABLE  # in the registry's dependency order
    mixed = compute_signals(TABLE, signals=["text_stats", "topics"], batch_size=40)
    assert mixed.frame["topic"].notna().all() and mixed.summaries["text_stats"] == whole_stats(TABLE)


def test_a_signal_that_is_not_split_is_not_batched():
    class Whole(Signal):
        name = "whole_only"

        def compute(self, table, ctx):
            frame = pd.DataFrame({"is_whole_only_issue": np.zeros(table.num_rows, bool),
                                  "whole_only_score": np.ones(table.num_rows)})
            return self.result(frame, {"n": table.num_rows})

    report = compute_signals(TABLE, signals=[Whole()], batch_size=10)
    assert report.summaries["whole_only"] == {"n": TABLE.num_rows}


def test_unknown_engine_is_a_one_line_error():
    with pytest.raises(ValueError, match="engine must be 'local' or 'ray'"):
        compute_signals(TABLE, signals=["text_stats"], engine="spark")


def test_ray_gives_the_local_answers(whole):
    """A real local Ray (2 CPUs): actors compute the rows of 4 batches, the driver summarizes."""
    ray = pytest.importorskip("ray")  # an optional extra; `make test` installs it
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        on_ray = compute_signals(TABLE, signals=BATCHABLE, engine="ray", batch_size=100)
    finally:
        ray.shutdown()
    _same(whole, on_ray)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), max_bucket=st.integers(2, 6))
def test_ray_banding_stages_give_the_local_candidate_pairs(seed, max_bucket):
    """The Ray LSH stages' per-block work (band rows, then the pairs of whole buckets) gives exactly the
    candidate pairs and estimates that ``NearDuplicateFinder.resolve`` bands locally: exact copies
    banded once, zero keys never, large buckets (> max_bucket) paired with their first member and
    neighbour - here with many collisions, on any split of the buckets into blocks."""
    from workbench.quality import minhash
    from workbench.quality.batches import ROW, _band_rows, _block_pairs, _signatures_of

    rng = np.random.default_rng(seed)
    n, bands, bins = 60, 3, 8
    xkey = rng.integers(0, 25, n).astype(np.uint64)  # 0: no text; repeats: exact copies
    bkeys = rng.integers(0, 6, (n, bands)).astype(np.uint64)  # few values: big buckets
    sig = rng.integers(0, 3, (n, bins)).astype(np.uint16)
    for k in np.unique(xkey):  # exact copies share their sketches
        same = np.flatnonzero(xkey == k)
        bkeys[same], sig[same] = bkeys[same[0]], sig[same[0]]
    prefix = "7\x1f_record_"
    batch = pa.table({ROW: np.arange(n, dtype=np.int64), prefix + "key": xkey,
                      **{f"{prefix}band{b}": bkeys[:, b] for b in range(bands)},
                      **{f"{prefix}sig{i}": sig[:, i] for i in range(bins)}})
    rows = _band_rows(batch, [prefix], bands)
    # split into blocks by a hash of (band, key), as the shuffle does: each bucket whole in one block
    part = (rows.column("band").to_numpy() * 7 + rows.column("bkey").to_numpy()) % 3
    found = [_block_pairs(rows.filter(pa.array(part == p)), max_bucket) for p in range(3)]
    a = np.concatenate([t.column("a").to_numpy() for t in found])
    b = np.concatenate([t.column("b").to_numpy() for t in found])
    code = np.unique((a << 32) | b)
    # the estimates, from the signatures read back for the candidates (as the driver reads them)
    wanted = np.unique(np.concatenate([code >> 32, code & 0xFFFFFFFF]))
    back = _signatures_of(batch, [prefix], bins, [wanted])
    assert back.column("row").to_numpy().tolist() == wanted.tolist()
    got = np.stack([back.column(f"0:s{i}").to_numpy() for i in range(bins)], axis=1)
    e = (got[np.searchsorted(wanted, code >> 32)] == got[np.searchsorted(wanted, code & 0xFFFFFFFF)]).mean(axis=1)

    exact_rep = np.full(n, -1)
    has = np.flatnonzero(xkey != 0)
    _, idx, inv = np.unique(xkey[has], return_index=True, return_inverse=True)
    exact_rep[has] = has[idx][inv]
    reps = np.flatnonzero(exact_rep == np.arange(n))
    la, lb = minhash.candidate_pairs(bkeys[reps], reps, max_bucket)
    assert (code >> 32).tolist() == la.tolist() and (code & 0xFFFFFFFF).tolist() == lb.tolist()
    assert np.array_equal(e, (sig[la] == sig[lb]).mean(axis=1))
    assert len(la) > 0


def test_progress_is_reported_after_each_batch_and_ctrl_c_caches_nothing_unfinished(tmp_path):
    seen = []
    compute_signals(TABLE, signals=["text_stats", "multiturn"], batch_size=100,
                    progress=lambda done, total: seen.append((done, total)))
    n = TABLE.num_rows
    assert seen == [(min(lo + 100, n), n) for lo in range(0, n, 100)]

    def stop(done, total):
        if done >= 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        compute_signals(TABLE, signals=["text_stats"], batch_size=100, cache_dir=tmp_path, progress=stop)
    assert not list(tmp_path.glob("text_stats-*"))  # nothing half-computed is cached
    again = compute_signals(TABLE, signals=["text_stats"], batch_size=100, cache_dir=tmp_path)
    assert again.cached == [] and len(again.frame) == n


def test_cli_report_batch_by_batch_writes_the_same_report(tmp_path):
    import json

    from workbench.cli import main

    data = FIXTURES / "llamafactory_dpo_en_demo.json"
    assert main(["report", str(data), "--out", str(tmp_path / "whole")]) == 0
    assert main(["report", str(data), "--out", str(tmp_path / "batches"), "--batch-size", "64"]) == 0
    whole = json.loads((tmp_path / "whole" / "quality.json").read_text())
    batched = json.loads((tmp_path / "batches" / "quality.json").read_text())
    assert whole["rows"]["valid"] == 300 and whole == batched


def test_ray_workers_read_the_records_from_the_parquet_file(whole, tmp_path):
    """engine='ray' with the table's Parquet file: Ray tasks read its row groups (several, not aligned
    with the batches) and the answers are the same."""
    import pyarrow.parquet as pq

    ray = pytest.importorskip("ray")
    path = tmp_path / "source.parquet"
    pq.write_table(TABLE, path, row_group_size=150)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        on_ray = compute_signals(pq.read_table(path), signals=BATCHABLE, engine="ray", batch_size=100,
                                 parquet=path)
        with pytest.raises(ValueError, match="not its source"):
            compute_signals(TABLE.slice(0, 10), signals=["text_stats"], engine="ray", parquet=path)
    finally:
        ray.shutdown()
    _same(whole, on_ray)
