"""Run signals over a dataset, with results cached per (source fingerprint, signal, configuration)."""
from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from workbench.model.dataset import Dataset
from workbench.model.guidelines import Guidelines
from workbench.model.memory import release_freed
from workbench.quality import frame_copy
from workbench.quality.base import Registry, Signal, SignalContext, SignalResult


@dataclass
class SignalReport:
    """All signal results of one run.

    Attributes
    ----------
    frame : DataFrame
        ``id`` plus every per-record column of every requested signal, one row per record.
    summaries, infos : dict
        Signal name -> JSON-serialisable summary / info.
    results : dict
        Signal name -> SignalResult.
    timings : dict
        Signal name -> seconds spent computing (0.0 when read from the cache).
    cached : list
        Names of the signals read from the cache.
    """

    frame: pd.DataFrame
    summaries: dict[str, dict]
    infos: dict[str, dict]
    results: dict[str, SignalResult]
    fingerprint: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    cached: list[str] = field(default_factory=list)

    def issues(self) -> dict[str, int]:
        """Signal name -> number of records flagged."""
        return {name: r.issues for name, r in self.results.items()}

    def issue_summary(self) -> pd.DataFrame:
        """``issue_type, num_issues, share, score`` per signal, worst mean score first (cleanlab's
        ``get_issue_summary``); see :mod:`workbench.quality.issues`."""
        from workbench.quality.issues import issue_summary

        return issue_summary(self)

    def get_issues(self, name: str, flagged_only: bool = True) -> pd.DataFrame:
        """The records one signal flagged (all records with ``flagged_only=False``), worst first."""
        from workbench.quality.issues import get_issues

        return get_issues(self, name, flagged_only)

    def report(self, num_examples: int = 3) -> None:
        """Print what was found: the issue summary and the worst records of each issue type."""
        from workbench.quality.issues import report_text

        print(report_text(self, num_examples))

    def __repr__(self) -> str:
        from workbench.quality.issues import report_repr

        return report_repr(self)

    def _repr_html_(self) -> str:
        from workbench.quality.issues import report_html

        return report_html(self)


def as_dataset(data: Dataset | pa.Table) -> Dataset:
    if isinstance(data, Dataset):
        return data
    if isinstance(data, pa.Table):
        return Dataset(data)
    raise TypeError(f"expected a workbench Dataset or a pyarrow Table, got {type(data).__name__}")


def as_guidelines(guidelines: Guidelines | str | os.PathLike | None) -> Guidelines:
    if guidelines is None:
        return Guidelines.default()
    if isinstance(guidelines, Guidelines):
        return guidelines
    return Guidelines.load(guidelines)  # type: ignore[arg-type]  # a narrowing mypy cannot follow


def resolve_signals(signals: Iterable[str | Signal | type] | None, registry: Registry) -> list[Signal]:
    """Signal instances for ``signals`` (names, classes or instances; None: all registered), with the
    signals they require added before them."""
    wanted = list(registry.names()) if signals is None else list(signals)
    out: dict[str, Signal] = {}

    def add(item: str | Signal | type) -> None:
        sig = item if isinstance(item, Signal) else (item() if isinstance(item, type) else registry.create(item))
        for dep in sig.requires:
            if dep not in out:
                add(dep)
        out.setdefault(sig.name, sig)

    for item in wanted:
        add(item)
    return list(out.values())


_SAFE = re.compile(r"[A-Za-z0-9_.-]{1,100}")


class _Cache:
    """Parquet (per-record frame) + JSON (summary, info) per signal key, written atomically."""

    def __init__(self, root: str | os.PathLike | None, create: bool = True) -> None:
        self.root = Path(root) if root is not None else None
        if self.root is not None and create:
            self.root.mkdir(parents=True, exist_ok=True)

    def _index_path(self, fingerprint: str) -> Path:
        assert self.root is not None
        return self.root / f"index-{fingerprint[:20]}.json"

    def save_index(self, fingerprint: str, guidelines: Guidelines, entries: list[tuple[str, str]]) -> None:
        """Record which entries make the default report of ``fingerprint`` (see :func:`cached_signals`)."""
        if self.root is None:
            return
        index = {"fingerprint": fingerprint, "guidelines": guidelines_digest(guidelines), "code": code_digest(),
                 "signals": [list(e) for e in entries]}
        path = self._index_path(fingerprint)
        tmp = path.with_suffix(f".json.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(index), encoding="utf-8")
        os.replace(tmp, path)

    def load_index(self, fingerprint: str, guidelines: Guidelines) -> list[tuple[str, str]] | None:
        if self.root is None:
            return None
        try:
            index = json.loads(self._index_path(fingerprint).read_text(encoding="utf-8"))
            if (index.get("fingerprint") != fingerprint or index.get("guidelines") != guidelines_digest(guidelines)
                    or index.get("code") != code_digest()):
                return None
            entries = [(str(name), str(key)) for name, key in index["signals"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # no index, or a damaged one: the caller computes
        if not all(_SAFE.fullmatch(name) and _SAFE.fullmatch(key) for name, key in entries):
            return None  # names become file names: nothing but a plain name is trusted
        return entries

    def _paths(self, name: str, key: str) -> tuple[Path, Path]:
        assert self.root is not None
        return self.root / f"{name}-{key}.parquet", self.root / f"{name}-{key}.json"

    def load_meta(self, name: str, key: str) -> dict[str, Any] | None:
        """A signal's summary and info (its JSON file), or None when missing or damaged."""
        if self.root is None:
            return None
        try:
            meta = json.loads(self._paths(name, key)[1].read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) and "summary" in meta else None

    def load(self, name: str, key: str) -> SignalResult | None:
        if self.root is None:
            return None
        frame_path, meta_path = self._paths(name, key)
        if not (frame_path.exists() and meta_path.exists()):
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            frame = pd.read_parquet(frame_path)
        except (OSError, ValueError):
            return None  # a damaged cache entry is recomputed, never trusted
        return SignalResult(name, frame.reset_index(drop=True), meta["summary"], meta.get("info", {}))

    def save(self, key: str, result: SignalResult) -> None:
        if self.root is None:
            return
        frame_path, meta_path = self._paths(result.name, key)
        tmp = frame_path.with_suffix(".parquet.tmp")
        result.frame.to_parquet(tmp, index=False)
        os.replace(tmp, frame_path)
        tmp = meta_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"summary": result.summary, "info": result.info}, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, meta_path)


def compute_signals(dataset_or_table: Dataset | pa.Table, guidelines: Guidelines | str | None = None,
                    signals: Iterable[str | Signal | type] | None = None,
                    cache_dir: str | os.PathLike | None = None,
                    options: dict[str, Any] | None = None, *, batch_size: int | None = None,
                    engine: str = "local", address: str | None = None,
                    progress: Callable[[int, int], Any] | None = None,
                    parquet: str | os.PathLike | None = None) -> SignalReport:
    """Compute quality signals over a dataset.

    Parameters
    ----------
    dataset_or_table : Dataset or pyarrow.Table
        Records in the canonical schema.
    guidelines : Guidelines, path or None
        The project's guidelines (default: the bundled ones).
    signals : iterable of names, Signal classes or instances, optional
        Which signals to run (default: every built-in). Required signals are added.
    cache_dir : path, optional
        Where results are cached per (fingerprint, signal, configuration): a second call with the same
        data and configuration reads them back instead of computing.
    options : dict, optional
        Passed to signals as ``ctx.options``.
    batch_size : int, optional
        Run the batchable signals (``Signal.batchable``) batch by batch over slices of this many records
        and summarize once: the same columns and summaries as the whole-table run, with the text of one
        batch in memory at a time (the table itself may be memory-mapped).
    engine : {"local", "ray"}
        ``"ray"`` runs the batchable signals' per-record part as Ray Data ``map_batches`` over the table
        (``pip install workbench[ray]``); summaries are made here, from the collected columns.
    address : str, optional
        The Ray cluster to join (``ray://host:10001`` or ``auto``); default: a local Ray started on
        first use.
    progress : callable, optional
        Called as ``progress(records_done, records)`` after each batch of the local batch engine (a
        progress bar's update; the CLI shows one). Ctrl-C between batches stops the run: nothing is
        cached for the signals not finished.
    parquet : path or URL, optional
        The Parquet file the table was read from (a project's frozen ``source.parquet``): on Ray the
        workers read their row groups from it (a local path on a shared volume, or an object-store URL
        pyarrow reads) instead of receiving the table from here.

    Returns
    -------
    SignalReport
    """
    if engine not in ("local", "ray"):
        raise ValueError(f"engine must be 'local' or 'ray', got {engine!r}")
    dataset = as_dataset(dataset_or_table)
    gl = as_guidelines(guidelines)
    table = dataset.table
    from workbench.quality.builtin import default_registry  # every signal module: load on first use

    registry = default_registry()
    chosen = resolve_signals(signals, registry)
    requested = {s.name for s in chosen} if signals is None else {
        (s if isinstance(s, str) else s.name) for s in signals}  # type: ignore[union-attr]  # a narrowing mypy cannot follow
    cache = _Cache(cache_dir)
    fingerprint = dataset.fingerprint if cache_dir is not None else None
    ctx = SignalContext(guidelines=gl, fingerprint=fingerprint, options=dict(options or {}))
    keys: dict[str, str] = {}
    timings: dict[str, float] = {}
    cached: list[str] = []
    for sig in chosen:
        key = sig.cache_key(fingerprint or "", gl, {d: keys[d] for d in sig.requires if d in keys})
        keys[sig.name] = key
        result = cache.load(sig.name, key)
        if result is not None and len(result.frame) == table.num_rows:
            cached.append(sig.name)
            timings[sig.name] = 0.0
            ctx.results[sig.name] = result
    todo = [s for s in chosen if s.name not in ctx.results]
    if batch_size is not None or engine == "ray":
        from workbench.quality.batches import run_batched

        batched = batch_phase(todo)
        for name, result, seconds in run_batched(batched, table, ctx, batch_size, engine, address,
                                                 progress, None if parquet is None else str(parquet)):
            timings[name] = seconds  # run_batched has put the result in ctx.results
            cache.save(keys[name], result)
        todo = [s for s in todo if s.name not in ctx.results]
    for sig in todo:
        start = time.perf_counter()
        sig.ensure_setup()
        result = sig.compute(table, ctx).validate(table.num_rows)
        timings[sig.name] = round(time.perf_counter() - start, 4)
        cache.save(keys[sig.name], result)
        # Arrow's allocator keeps freed buffers for reuse; hand a signal's temporaries back to the
        # OS so the peak of a run is the largest signal, not the sum of all of them
        release_freed()
        ctx.results[sig.name] = result
    # in the signals' order, however each was got (cached, batched, whole-table): the same report either way
    results = {s.name: ctx.results[s.name] for s in chosen if s.name in requested}
    ctx._views.clear()  # the text views are the largest objects of a run: free them now
    if signals is None and not options and fingerprint is not None:
        cache.save_index(fingerprint, gl, [(s.name, keys[s.name]) for s in chosen])
    return _report(table, results, fingerprint, timings, cached)


def _report(table: pa.Table, results: dict[str, SignalResult], fingerprint: str | None,
            timings: dict[str, float], cached: list[str]) -> SignalReport:
    frame = combine_frames(table, results.values())
    for r in results.values():  # share the combined frame's columns (copy-on-write) instead of a copy
        r.frame = frame[list(r.frame.columns)]
    release_freed()
    return _as_report(frame, results, fingerprint, timings, cached)


def _as_report(frame: pd.DataFrame, results: dict[str, SignalResult], fingerprint: str | None,
               timings: dict[str, float], cached: list[str]) -> SignalReport:
    """The report of ``results`` whose frames are columns of the combined ``frame``."""
    return SignalReport(frame, {n: r.summary for n, r in results.items()},
                        {n: r.info for n, r in results.items()}, results, fingerprint, timings, cached)


def cached_signals(dataset_or_table: Dataset | pa.Table, guidelines: Guidelines | str | None,
                   cache_dir: str | os.PathLike | None) -> SignalReport | None:
    """The report :func:`compute_signals` gives for every built-in signal with default options, read from
    ``cache_dir`` alone - no signal implementation is imported - or None when the cache is not fresh.

    A full default run of :func:`compute_signals` with a ``cache_dir`` writes an index there
    (``index-<fingerprint>.json``): the data's fingerprint, a digest of the guidelines, a digest of the
    signals' code and data files (this package) and each signal's cache key, in order. The index is
    used only when all of these still match and every entry it names is in the cache with one row per
    record; anything else (new data, guidelines or signal code; a missing or damaged entry) returns
    None, and the caller computes (which reads what is still cached and writes a new index).
    The report equals the all-cached :func:`compute_signals` one: same frame, summaries, infos and
    order; every signal counted as cached.
    """
    if cache_dir is None:
        return None
    dataset = as_dataset(dataset_or_table)
    gl = as_guidelines(guidelines)
    cache = _Cache(cache_dir, create=False)
    fingerprint = dataset.fingerprint
    entries = cache.load_index(fingerprint, gl)
    if entries is None:
        return None
    n = dataset.table.num_rows
    assert cache.root is not None
    copy = frame_copy.copy_path(cache.root, fingerprint, entries)
    mapped = _mapped_report(cache, copy, entries, n, fingerprint)
    if mapped is not None:
        return mapped
    results: dict[str, SignalResult] = {}
    for name, key in entries:
        result = cache.load(name, key)
        if result is None or len(result.frame) != n:
            return None
        results[name] = result
    report = _report(dataset.table, results, fingerprint, {name: 0.0 for name in results}, list(results))
    # the next reader (every kernel of `workbench serve`) maps the combined frame instead of decoding it
    frame_copy.write_frame(report.frame, {name: list(r.frame.columns) for name, r in results.items()}, copy)
    return report


def _mapped_report(cache: _Cache, copy: Path, entries: list[tuple[str, str]], n: int,
                   fingerprint: str) -> SignalReport | None:
    """The cached report from the mapped frame copy (see :mod:`workbench.quality.frame_copy`) and each
    signal's JSON, or None when there is no usable copy."""
    got = frame_copy.read_frame(copy)
    if got is None:
        return None
    frame, columns = got
    if len(frame) != n:
        return None
    results: dict[str, SignalResult] = {}
    for name, key in entries:
        meta = cache.load_meta(name, key)
        if meta is None or name not in columns or not set(columns[name]) <= set(frame.columns):
            return None
        results[name] = SignalResult(name, frame[columns[name]], meta["summary"], meta.get("info", {}))
    return _as_report(frame, results, fingerprint, {name: 0.0 for name in results}, list(results))


def code_digest() -> str:
    """SHA-256 (20 hex digits) of the quality package's files (code, lexicons, model weights) and the
    workbench version: a cache index made by other signal code is not used."""
    import hashlib

    from workbench import __version__

    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def guidelines_digest(guidelines: Guidelines) -> str:
    import hashlib

    from workbench.quality.base import jsonable

    blob = json.dumps(jsonable(guidelines.to_dict()), sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:20]


def batch_phase(todo: list[Signal]) -> list[Signal]:
    """The signals of ``todo`` (in order) that can run batch by batch: batchable, and every signal they
    require is either already computed (not in ``todo``) or batchable and run before them."""
    names = {s.name for s in todo}
    chosen: list[Signal] = []
    ok: set[str] = set()
    for sig in todo:
        if sig.batchable and all(d not in names or d in ok for d in sig.requires):
            chosen.append(sig)
            ok.add(sig.name)
    return chosen


def combine_frames(table: pa.Table, results: Iterable[SignalResult]) -> pd.DataFrame:
    """``id`` plus every result's columns side by side; a column name used twice is an error."""
    parts = [pd.DataFrame({"id": table.column("id").to_pandas()})]
    seen = {"id"}
    for r in results:
        clash = seen.intersection(r.frame.columns)
        if clash:
            raise ValueError(f"signal {r.name!r} reuses column(s) {sorted(clash)}")
        seen.update(r.frame.columns)
        parts.append(r.frame.reset_index(drop=True))
    return pd.concat(parts, axis=1)
