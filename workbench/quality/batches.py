"""Batchable signals run batch by batch: locally over slices of the table, or on Ray Data.

A batchable signal (``Signal.batchable``) is two functions: ``compute_rows`` (per-record columns, each a
function of its record) and ``summarize`` (what looks across records). Either engine computes the rows
of every batch, gathers them in table order and summarizes once, so the columns and summaries are the
same as over the whole table (``tests/quality/test_batches.py`` checks it on random batch sizes). Only
one batch of text is held at a time; the table itself may be memory-mapped.

On Ray, the rows are computed by actors (``map_batches`` over Arrow batches, one copy of each signal's
models per actor) and come back as Arrow columns; the driver summarizes. Ray is an optional extra:
``pip install workbench[ray]``.
"""
from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.model.memory import release_freed
from workbench.quality.base import Signal, SignalContext, SignalResult, key_columns

DEFAULT_BATCH = 100_000
ROW = "__row"  # the position of each record, carried through Ray so the batches come back in order


def run_batched(signals: Sequence[Signal], table: pa.Table, ctx: SignalContext, batch_size: int | None,
                engine: str = "local", address: str | None = None,
                progress: Callable[[int, int], Any] | None = None, parquet: str | None = None
                ) -> Iterator[tuple[str, SignalResult, float]]:
    """(name, result, seconds) of each of ``signals`` (batchable, in dependency order), in order.

    ``ctx.results`` holds the results computed before (a batch sees its slice of them) and receives each
    new result before the next signal is summarized (a summary may read an earlier one's).
    """
    if not signals:
        return
    n = table.num_rows
    size = max(int(batch_size or DEFAULT_BATCH), 1)
    seconds = dict.fromkeys((s.name for s in signals), 0.0)
    spill = None
    try:
        if engine == "ray":
            parts: dict[str, list[pd.DataFrame | Path]] = dict(_ray_rows(signals, table, ctx, size, address, parquet))
        else:
            parts = {s.name: [] for s in signals}
            for sig in signals:
                sig.ensure_setup()
            if n > size:  # more than one batch: the rows wait on disk, not in memory, until summarized
                spill = Path(tempfile.mkdtemp(prefix="workbench-rows-"))
            for lo in range(0, max(n, 1), size):
                batch = table.slice(lo, size)
                for name, (rows, spent) in batch_rows(signals, batch, ctx, lo).items():
                    parts[name].append(rows if spill is None else _spill(rows, spill / f"{len(parts[name])}-{name}"))
                    seconds[name] += spent
                del batch, rows
                if progress is not None:
                    progress(min(lo + size, n), n)
        keys = key_columns(table)
        whole = dataclasses.replace(ctx, source=table)
        for sig in signals:
            start = time.perf_counter()
            rows = _gather(parts.pop(sig.name)) if n else _empty_rows(sig, table, ctx)
            if len(rows) != n:
                rows = rows.reindex(pd.RangeIndex(n))  # a signal without columns gives no rows to count
            result = sig.summarize(rows, keys, whole).validate(n)
            del rows
            ctx.results[sig.name] = result
            release_freed()
            yield sig.name, result, round(seconds[sig.name] + time.perf_counter() - start, 4)
    finally:
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)


_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default ``str`` dtype


def _spill(rows: pd.DataFrame, path: Path) -> pd.DataFrame | Path:
    """``rows`` written to an Arrow IPC file at ``path`` (returned) when every column is a plain numpy
    number or bool, or pandas' Arrow-backed ``str`` (those come back value for value and dtype for
    dtype); else ``rows`` itself (object columns, say).

    At 1M records the batched signals' rows are ~1.2 GB (the near-duplicate sketches 0.53 GB of it); held
    until each signal is summarized they were most of a report's memory besides the table."""
    plain = (isinstance(rows.index, pd.RangeIndex) and rows.index.start == 0 and rows.index.step == 1
             and len(rows.columns) > 0 and rows.columns.is_unique
             and all(isinstance(c, str) for c in rows.columns)
             and all((isinstance(t, np.dtype) and t.kind in "biuf") or t == _STR for t in rows.dtypes))
    if not plain:
        return rows
    table = pa.Table.from_pandas(rows, preserve_index=False)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return path


def _gather(parts: list[pd.DataFrame | Path]) -> pd.DataFrame:
    """One signal's rows in table order from its batches' parts (frames, or files written by ``_spill``):
    what ``pd.concat`` of the batches' frames gives.

    The files are memory-mapped: read into Arrow's allocator instead, the rows were one copy more and the
    allocator kept that memory after the conversion (a 1M-record report gathered the near-duplicate
    sketches, 0.53 GB, at +0.75 GB that stayed through their summary)."""
    if parts and all(isinstance(p, Path) for p in parts):
        tables = [_mapped(p) for p in parts if isinstance(p, Path)]
        if all(t.schema.equals(tables[0].schema) for t in tables):
            return pa.concat_tables(tables).to_pandas(split_blocks=True)
        frames = [t.to_pandas() for t in tables]
    else:
        frames = [_mapped(p).to_pandas() if isinstance(p, Path) else p for p in parts]
    return pd.concat(frames, ignore_index=True)


def _mapped(path: Path) -> pa.Table:
    """The table of an Arrow IPC file, memory-mapped (the file is removed: the mapping keeps it readable)."""
    table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
    path.unlink()
    return table


def _empty_rows(sig: Signal, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
    return sig.compute_rows(table, _batch_context(ctx, 0, 0, ()))


def _batch_context(ctx: SignalContext, lo: int, length: int, skip: Sequence[str]) -> SignalContext:
    """A context for one batch: the run's guidelines and options, and the slice ``lo:lo+length`` of the
    results computed before (except ``skip``, recomputed in this batch)."""
    results = {name: SignalResult(name, r.frame.iloc[lo:lo + length].reset_index(drop=True), r.summary, r.info)
               for name, r in ctx.results.items() if name not in skip}
    return SignalContext(guidelines=ctx.guidelines, fingerprint=ctx.fingerprint, options=ctx.options,
                         results=results)


def batch_rows(signals: Sequence[Signal], batch: pa.Table, ctx: SignalContext, lo: int
               ) -> dict[str, tuple[pd.DataFrame, float]]:
    """Each signal's rows of ``batch`` (records ``lo:lo+len``) and the seconds they took; a signal sees
    the rows of the signals before it in this batch as their results."""
    bctx = _batch_context(ctx, lo, batch.num_rows, [s.name for s in signals])
    out: dict[str, tuple[pd.DataFrame, float]] = {}
    for sig in signals:
        start = time.perf_counter()
        rows = sig.compute_rows(batch, bctx)
        if len(rows) != batch.num_rows:
            raise ValueError(f"signal {sig.name!r} returned {len(rows)} rows for a batch of {batch.num_rows}")
        bctx.results[sig.name] = SignalResult(sig.name, rows)
        out[sig.name] = (rows, time.perf_counter() - start)
    return out


# --- Ray ---------------------------------------------------------------------------------------------

def _column(sig_index: int, column: str) -> str:
    return f"{sig_index}\x1f{column}"


class RowsOnActor:
    """The Ray Data actor: builds the signals once (models load once per actor), then turns each Arrow
    batch into the rows of every signal, as one Arrow table of prefixed columns."""

    def __init__(self, specs: list[tuple[type, Any]], guidelines: Any, options: dict) -> None:
        self.signals = [cls(config) for cls, config in specs]
        for sig in self.signals:
            sig.ensure_setup()
        self.ctx = SignalContext(guidelines=guidelines, options=options)

    def __call__(self, batch: pa.Table) -> pa.Table:
        position = batch.column(ROW)
        lo = int(position[0].as_py()) if len(position) else 0
        out = batch_rows(self.signals, batch.drop_columns([ROW]), self.ctx, lo)
        columns: dict[str, Any] = {ROW: position}
        for i, sig in enumerate(self.signals):
            rows = out[sig.name][0]
            for col in rows.columns:
                columns[_column(i, col)] = _arrow(rows[col])
        return pa.table(columns)


def _arrow(values: pd.Series) -> pa.Array:
    """A rows column as Arrow; object columns of strings and None become strings."""
    if values.dtype == object:
        return pa.array(values.to_numpy(), type=pa.string(), from_pandas=True)
    return pa.array(values.to_numpy())


def ray_init(address: str | None = None) -> None:
    """Join ``address`` (``auto``, ``ray://host:10001``) or start a local Ray, once."""
    try:
        import ray
    except ImportError:
        raise ImportError("engine='ray' needs Ray: pip install 'workbench[ray]'") from None
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                 ignore_reinit_error=True)
    ray.data.DataContext.get_current().enable_progress_bars = False  # the engine reports, not Ray's bars
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # not a line per stage on the user's terminal


def _parquet_file(path: str) -> Any:
    """The Parquet file at a local path or an object-store URL pyarrow reads (``s3://...``)."""
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq

    fs, where = pafs.FileSystem.from_uri(path) if "://" in path else (None, path)
    return pq.ParquetFile(where, filesystem=fs)


def _read_row_groups(items: pa.Table, size: int) -> Iterator[pa.Table]:
    """A Ray task: the records of the row groups ``items`` names (path, group, offset), ``size`` at a
    time, each with its position in the file (ROW)."""
    for item in items.to_pylist():
        at = int(item["offset"])
        for batch in _parquet_file(item["path"]).iter_batches(batch_size=size, row_groups=[item["group"]]):
            t = pa.Table.from_batches([batch])
            yield t.append_column(ROW, pa.array(np.arange(at, at + t.num_rows, dtype=np.int64)))
            at += t.num_rows


def _parquet_blocks(ray: Any, path: str, n: int, size: int) -> tuple[Any, int]:
    """A Ray dataset of the records of the Parquet file at ``path`` (the table's own: same rows, same
    order), read by Ray tasks; and how many blocks it makes."""
    meta = _parquet_file(path).metadata  # the footer only
    counts = [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]
    if sum(counts) != n:
        raise ValueError(f"{path} holds {sum(counts)} records, the table {n}: not its source")
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int)
    items = [{"path": path, "group": g, "offset": int(o)} for g, o in enumerate(offsets)]
    # reading takes no CPU slot: the actor pool holds them all, and a read waiting for one would wait forever
    ds = ray.data.from_items(items).map_batches(_read_row_groups, fn_args=(size,), batch_size=1,
                                                batch_format="pyarrow", num_cpus=0)
    return ds, sum(-(-c // size) for c in counts) or 1


def _ray_rows(signals: Sequence[Signal], table: pa.Table, ctx: SignalContext, size: int,
              address: str | None, parquet: str | None = None) -> dict[str, list[pd.DataFrame]]:
    """The rows of every signal, computed by Ray actors over batches of ``size`` records (read by Ray
    tasks from ``parquet``, the table's own file, when given; else sent from here).

    A signal computed earlier in the run (its cached result, say) that one of ``signals`` requires is
    computed again on the actors, beside it: the actors see no results but those of their batch.
    """
    ray_init(address)
    import ray

    chain = _with_requirements(signals, ctx)
    specs = [(type(s), s.config) for s in chain]
    n = table.num_rows
    cpus = max(int(ray.cluster_resources().get("CPU", 1)), 1)
    if parquet is not None:  # the workers read the records themselves, a row group at a time
        ds, n_blocks = _parquet_blocks(ray, str(parquet), n, size)
    else:
        data = table.append_column(ROW, pa.array(np.arange(n, dtype=np.int64)))
        # one block per batch, cut here: a repartition stage would wait for a CPU the actor pool holds
        blocks = [data.slice(lo, size) for lo in range(0, n, size)] or [data]
        ds, n_blocks = ray.data.from_arrow(blocks), len(blocks)
    actors = min(cpus, n_blocks)
    out = ds.map_batches(RowsOnActor, fn_constructor_args=(specs, ctx.guidelines, dict(ctx.options)),
                         batch_size=None, batch_format="pyarrow",
                         compute=ray.data.ActorPoolStrategy(min_size=actors, max_size=actors),
                         zero_copy_batch=True, num_cpus=1)
    wanted = {s.name for s in signals}
    near = next((i for i, s in enumerate(chain) if s.name == "near_duplicates" and s.name in wanted), None)
    if near is not None:  # LSH banding as Ray stages; the driver gets the candidate pairs, not the sketches
        out = out.materialize()
        sig: Any = chain[near]
        finder = sig.finder()
        ctx.shared[sig.name] = _ray_candidate_pairs(out, near, tuple(sig.config.levels), finder.banding()[0],
                                                    sig.config.num_bins, finder.max_bucket, n_blocks)
        heavy = [name for name in out.columns() if name.startswith(_column(near, ""))
                 and ("_band" in name or "_sig" in name)]
        out = out.drop_columns(heavy)
    batches: list[pa.Table] = [b for b in out.iter_batches(batch_format="pyarrow", batch_size=None)
                               if b.num_rows]
    batches.sort(key=lambda b: int(b.column(ROW)[0].as_py()))
    parts: dict[str, list[pd.DataFrame]] = {s.name: [] for s in signals}
    for b in batches:
        for i, sig in enumerate(chain):
            if sig.name not in wanted:
                continue
            prefix = _column(i, "")
            # strings come back as object arrays of str and None, as the local engine holds them
            cols = {name[len(prefix):]: b.column(name).to_numpy() for name in b.column_names if name.startswith(prefix)}
            frame = pd.DataFrame(cols, index=pd.RangeIndex(b.num_rows))
            parts[sig.name].append(frame)
    return parts


def _band_rows(batch: pa.Table, prefixes: Sequence[str], bands: int) -> pa.Table:
    """One row per (level, band, band key) of every record with text in the batch's sketches: level,
    band, band key, record, exact key (27 bytes: what the shuffle moves)."""
    rows = batch.column(ROW).to_numpy()
    parts = []
    for level, prefix in enumerate(prefixes):
        xkey = batch.column(prefix + "key").to_numpy()
        for b in range(bands):
            bkey = batch.column(f"{prefix}band{b}").to_numpy()
            m = np.flatnonzero((xkey != 0) & (bkey != 0))  # an empty text or a zero key bands nothing
            parts.append(pa.table({
                "level": pa.array(np.full(len(m), level, np.int8)),
                "band": pa.array(np.full(len(m), b, np.int16)), "bkey": pa.array(bkey[m].view(np.int64)),
                "row": pa.array(rows[m]), "xkey": pa.array(xkey[m].view(np.int64))}))
    return pa.concat_tables(parts)


def _block_pairs(block: pa.Table, max_bucket: int) -> pa.Table:
    """The candidate pairs of the buckets in ``block`` (every bucket whole: hash-partitioned by band and
    key), banded as ``NearDuplicateFinder.resolve`` bands them."""
    from workbench.quality import minhash

    band = block.column("band").to_numpy().astype(np.int64) + 1_000 * block.column("level").to_numpy().astype(np.int64)
    out_a, out_b, out_l = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.int8)]
    for b in np.unique(band):
        m = np.flatnonzero(band == b)
        key = block.column("bkey").to_numpy()[m]
        row = block.column("row").to_numpy()[m]
        xkey = block.column("xkey").to_numpy()[m]
        order = np.lexsort((row, xkey, key))  # by bucket, exact key, record
        key, row, xkey = key[order], row[order], xkey[order]
        first = np.ones(len(key), bool)  # exact copies count once: the first record of each exact key
        first[1:] = (key[1:] != key[:-1]) | (xkey[1:] != xkey[:-1])
        key, row = key[first], row[first]
        order = np.lexsort((row, key))  # members of a bucket in record order
        key, row = key[order], row[order]
        a, c = minhash._run_pairs(key.view(np.uint64), row, max_bucket)
        out_a.append(a)
        out_b.append(c)
        out_l.append(np.full(len(a), b // 1_000, np.int8))
    return pa.table({"a": np.concatenate(out_a), "b": np.concatenate(out_b), "level": np.concatenate(out_l)})


def _signatures_of(batch: pa.Table, prefixes: Sequence[str], num_bins: int,
                   wanted: Sequence[np.ndarray]) -> pa.Table:
    """The 16-bit signatures (per level ``l``: columns ``l:s0``...) of the records of ``batch`` listed
    in any of ``wanted`` (sorted positions per level)."""
    rows = batch.column(ROW).to_numpy()
    m = np.flatnonzero(np.isin(rows, np.unique(np.concatenate(list(wanted)))))
    return pa.table({"row": rows[m], **{f"{lv}:s{i}": batch.column(f"{prefix}sig{i}").to_numpy()[m]
                                        for lv, prefix in enumerate(prefixes) for i in range(num_bins)}})


def _ray_candidate_pairs(out: Any, near: int, levels: tuple[str, ...], bands: int, num_bins: int,
                         max_bucket: int, partitions: int) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """MinHash LSH as Ray stages, every level at once: band rows from the sketches -> hash shuffle by
    (level, band, key) -> the pairs of each bucket -> unique pairs (i < j) per level, gathered here; then
    the candidates' signatures are read back for their estimates. Two Ray executions in all."""
    from workbench.quality import minhash

    prefixes = [_column(near, f"_{level}_") for level in levels]
    cols = [ROW, *(c for p in prefixes for c in (p + "key", *(f"{p}band{b}" for b in range(bands))))]
    banded = (out.select_columns(cols)
              .map_batches(_band_rows, fn_args=(prefixes, bands), batch_format="pyarrow", batch_size=None)
              .repartition(max(partitions, 2), keys=["level", "band", "bkey"])
              .map_batches(_block_pairs, fn_args=(max_bucket,), batch_format="pyarrow", batch_size=None))
    found = [t for t in banded.iter_batches(batch_format="pyarrow", batch_size=None)]
    a = np.concatenate([np.zeros(0, np.int64), *(t.column("a").to_numpy() for t in found)])
    b = np.concatenate([np.zeros(0, np.int64), *(t.column("b").to_numpy() for t in found)])
    lv = np.concatenate([np.zeros(0, np.int8), *(t.column("level").to_numpy() for t in found)])
    pairs = []
    for i in range(len(levels)):
        code = np.unique((a[lv == i] << 32) | b[lv == i])  # a pair found in several bands: once
        pairs.append((code >> 32, code & 0xFFFFFFFF))
    # the signature estimates of the candidates: their records' signatures, read back from the sketches
    wanted = [np.unique(np.concatenate([lo, hi])) for lo, hi in pairs]
    sigs = [np.zeros((len(w), num_bins), np.uint16) for w in wanted]
    if any(len(w) for w in wanted):
        cols = [ROW, *(f"{p}sig{i}" for p in prefixes for i in range(num_bins))]
        back = out.select_columns(cols).map_batches(_signatures_of, fn_args=(prefixes, num_bins, wanted),
                                                    batch_format="pyarrow", batch_size=None)
        for t in back.iter_batches(batch_format="pyarrow", batch_size=None):
            rows = t.column("row").to_numpy()
            for i, w in enumerate(wanted):
                has = np.isin(rows, w)
                at = np.searchsorted(w, rows[has])
                sigs[i][at] = np.stack([t.column(f"{i}:s{k}").to_numpy()[has] for k in range(num_bins)], axis=1)
    result = {}
    for i, level in enumerate(levels):
        lo, hi = pairs[i]
        w, sig = wanted[i], sigs[i]
        est = minhash.signature_agreement(sig, np.searchsorted(w, lo), np.searchsorted(w, hi))
        result[level] = (lo, hi, est)
    return result


def _with_requirements(signals: Sequence[Signal], ctx: SignalContext) -> list[Signal]:
    """``signals`` with the earlier-computed signals they require put before them (recomputed)."""
    from workbench.quality.builtin import default_registry

    registry = default_registry()
    names = {s.name for s in signals}
    chain: list[Signal] = []
    seen: set[str] = set()

    def add(sig: Signal) -> None:
        for dep in sig.requires:
            if dep not in seen and dep not in names:
                add(registry.create(dep))
        if sig.name not in seen:
            seen.add(sig.name)
            chain.append(sig)

    for sig in signals:
        add(sig)
    return chain
