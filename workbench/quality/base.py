"""The signal contract: a small base class, its result, the context it runs in, and a registry class
(the default registry of every built-in signal is :mod:`workbench.quality.builtin`).

Modelled on cleanlab Datalab's issue managers (one class per check, one result shape) and Lilac's
signals (typed configuration, heavy libraries imported in ``setup()``).

Score convention (as in cleanlab): ``<name>_score`` is a *quality* score in [0, 1]; 1 means no
issue and lower means a more severe one, so sorting ascending puts the worst records first.
``is_<name>_issue`` is the boolean flag a reviewer filters on.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.model.guidelines import Guidelines


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars/arrays, tuples and sets turned into plain JSON types."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if v != v else v  # NaN is not JSON
    return value


@dataclass
class SignalContext:
    """What a signal may read besides the table.

    Attributes
    ----------
    guidelines : Guidelines
        The project's guidelines (rules, categories, target mix, length windows).
    fingerprint : str or None
        The source fingerprint (used for caching only).
    options : dict
        Free-form run options (e.g. ``{"batch_size": 50_000}``).
    results : dict
        Results of signals computed earlier in the same run, by name (for ``requires``).
    """

    guidelines: Guidelines = field(default_factory=Guidelines.default)
    fingerprint: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    results: dict[str, SignalResult] = field(default_factory=dict)
    # the whole table (memory-mapped when the run is out of core): where a batchable signal's summarize
    # reads back the few records it must see again (near duplicates verify their candidate pairs)
    source: pa.Table | None = None
    # what a distributed engine computed for a signal's summarize (signal name -> its own keys), e.g. the
    # near-duplicate candidate pairs banded on Ray
    shared: dict[str, Any] = field(default_factory=dict)
    _views: dict[int, Any] = field(default_factory=dict, repr=False)

    def views(self, table: pa.Table):
        """Shared, lazily computed text views of ``table`` (prompt, response, record text, turns)."""
        from workbench.quality.textviews import TextViews

        key = id(table)
        if key not in self._views:
            self._views = {key: TextViews(table)}  # keep one table's views: bounded memory
        return self._views[key]


@dataclass
class SignalResult:
    """Per-record columns plus a JSON-serialisable summary and free-form info.

    ``frame`` has one row per table row (a RangeIndex in table order) with at least
    ``is_<name>_issue`` (bool) and ``<name>_score`` (float in [0, 1], 1 = no issue).
    """

    name: str
    frame: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def issue_column(self) -> str:
        return f"is_{self.name}_issue"

    @property
    def score_column(self) -> str:
        return f"{self.name}_score"

    @property
    def issues(self) -> int:
        return int(self.frame[self.issue_column].sum())

    def validate(self, n_rows: int) -> SignalResult:
        """Raise ValueError unless the result honours the contract for a table of ``n_rows``."""
        if len(self.frame) != n_rows:
            raise ValueError(f"signal {self.name!r} returned {len(self.frame)} rows for {n_rows}")
        for col in (self.issue_column, self.score_column):
            if col not in self.frame.columns:
                raise ValueError(f"signal {self.name!r} is missing column {col!r}")
        scores = self.frame[self.score_column].to_numpy(dtype=float)
        if len(scores) and (np.nanmin(scores) < 0 or np.nanmax(scores) > 1):
            raise ValueError(f"signal {self.name!r} has scores outside [0, 1]")
        # counts fit in 32 bits; at 1M records x ~40 count columns that halves the frames' memory
        ints = [c for c, t in self.frame.dtypes.items() if t == np.int64]
        if ints and len(self.frame):
            small = [c for c in ints if self.frame[c].abs().max() < 2**31]
            self.frame[small] = self.frame[small].astype(np.int32)
        self.summary = jsonable(self.summary)
        self.info = jsonable(self.info)
        return self


# the columns of a record table a batchable signal's ``summarize`` may read: small, no texts
KEY_COLUMNS = ("id", "kind", "label", "category", "source_file", "source_line")


def key_columns(table: pa.Table) -> pa.Table:
    """The :data:`KEY_COLUMNS` of ``table`` that it has."""
    return table.select([c for c in KEY_COLUMNS if c in table.column_names])


def without_working(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` without its working (``_``-prefixed) columns."""
    drop = [c for c in rows.columns if str(c).startswith("_")]
    return rows.drop(columns=drop) if drop else rows


@dataclass(frozen=True)
class NoConfig:
    """Configuration of a signal that has no options."""


class Signal:
    """Base class of every quality signal.

    Subclasses set ``name``, a frozen dataclass ``Config`` and implement ``compute``. Heavy optional
    libraries are imported in ``setup()``, which the engine calls once before the first ``compute``.
    Bump ``version`` whenever the computation changes so cached results are not reused.
    """

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    Config: ClassVar[type] = NoConfig
    requires: ClassVar[tuple[str, ...]] = ()  # signals whose results this one reads from ctx.results
    uses_guidelines: ClassVar[bool] = False  # whether the guidelines are part of the cache key
    # True when the signal is split in two: ``compute_rows`` (per-record columns that are functions of
    # the record alone, and of the same record's columns from required signals) and ``summarize``
    # (everything that looks across records: shares, outliers, groups, the summary). Such a signal runs
    # batch by batch (out of core, or on Ray) with the same answers as over the whole table.
    batchable: ClassVar[bool] = False

    def __init__(self, config: Any = None, **overrides: Any) -> None:
        if config is None:
            config = self.Config()
        elif isinstance(config, dict):
            config = self.Config(**config)
        self.config = dataclasses.replace(config, **overrides) if overrides else config
        self._ready = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config!r})"

    def setup(self) -> None:
        """Import optional libraries and load models (called once, lazily)."""

    def ensure_setup(self) -> None:
        if not self._ready:
            self.setup()
            self._ready = True

    def compute(self, table: pa.Table, ctx: SignalContext) -> SignalResult:
        """The result over the whole table; a batchable signal is ``summarize(compute_rows(...))``."""
        if not self.batchable:  # pragma: no cover - every unsplit signal overrides compute
            raise NotImplementedError
        rows = self.compute_rows(table, ctx)
        if ctx.source is not table:
            ctx = dataclasses.replace(ctx, source=table)
        return self.summarize(rows, key_columns(table), ctx)

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        """Per-record columns of ``table`` (one row per table row, positional), each a function of its
        record alone. Columns whose name starts with ``_`` are working columns for ``summarize``, which
        drops them."""
        raise NotImplementedError(f"signal {self.name!r} is not batchable")

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        """The result from the rows of every record (in table order) and the key columns of the table
        (:data:`KEY_COLUMNS`: ids, kinds, categories, sources - no texts)."""
        raise NotImplementedError(f"signal {self.name!r} is not batchable")

    def config_dict(self) -> dict[str, Any]:
        return jsonable(dataclasses.asdict(self.config))

    def cache_key(self, fingerprint: str, guidelines: Guidelines | None, deps: dict[str, str]) -> str:
        """A stable key of everything the result depends on."""
        parts = {"fingerprint": fingerprint, "signal": self.name, "version": self.version,
                 "config": self.config_dict(), "deps": deps}
        if self.uses_guidelines and guidelines is not None:
            parts["guidelines"] = jsonable(guidelines.to_dict())
        blob = json.dumps(parts, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:20]

    def result(self, frame: pd.DataFrame, summary: dict, info: dict | None = None) -> SignalResult:
        """Wrap ``frame`` (positional rows) and ``summary`` in this signal's SignalResult."""
        return SignalResult(self.name, frame.reset_index(drop=True), summary, info or {})


class Registry:
    """Signal classes by name. Build a fresh one per use (``workbench.quality.builtin.default_registry()``):
    nothing global."""

    def __init__(self) -> None:
        self._classes: dict[str, type[Signal]] = {}

    def register(self, cls: type[Signal]) -> type[Signal]:
        """Add ``cls`` (usable as a decorator); a second class with the same name replaces the first."""
        if not (isinstance(cls, type) and issubclass(cls, Signal)) or not cls.name:
            raise TypeError("register() needs a Signal subclass with a name")
        self._classes[cls.name] = cls
        return cls

    def get(self, name: str) -> type[Signal]:
        try:
            return self._classes[name]
        except KeyError:
            raise KeyError(f"unknown signal {name!r}; known: {', '.join(self.names())}") from None

    def create(self, name: str, config: Any = None, **overrides: Any) -> Signal:
        return self.get(name)(config, **overrides)

    def names(self) -> list[str]:
        return list(self._classes)

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def __iter__(self) -> Iterator[type[Signal]]:
        return iter(self._classes.values())

    def __len__(self) -> int:
        return len(self._classes)

