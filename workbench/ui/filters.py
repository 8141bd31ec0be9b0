"""Filters and sort keys of the review queue, computed as whole-column operations.

A filter never loops over records in Python: categories and search run as ``pyarrow.compute``
kernels on the contiguous columns, signal flags and status are numpy masks, and the power-user query
is our own small grammar (:mod:`workbench.model.query`: parsed, never evaluated) over one frame of
scalar columns (record fields, review status and every signal column). The result is an array of
row positions in the dataset's table, so a page is a ``take`` of a few rows whatever the dataset's size.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.query import Query, QueryError, compile_query
from workbench.model.text import prompt_text, response_text
from workbench.ui.regions import region_mask

STATUSES = ("unreviewed", "mine", "disputed", "accepted", "rejected", "needs_fix", "escalated")
DECISION_OF_STATUS = {"accepted": "accept", "rejected": "reject", "needs_fix": "needs_fix",
                      "escalated": "escalate"}
SEARCH_FIELDS = ("all", "prompt", "response")
LANGUAGE_COLUMNS = ("language", "lang", "language_code", "language_language")
TABLE_COLUMNS = ("id", "kind", "category", "source_file", "source_line")
STATUS_COLUMNS = ("n_reviews", "decision", "disputed", "conflicts")
# from machine suggestions (workbench.assist.active.queue_scores); the first two sort most informative first
ASSIST_COLUMNS = ("uncertainty", "disagreement", "judge_mean")
PRIORITY_COLUMNS = ("uncertainty", "disagreement")


@dataclass
class Filters:
    """What the queue shows and in which order (every field optional; the defaults show everything).

    Attributes
    ----------
    category : str, list of str or None
        Source category (one or any of several).
    status : str or None
        One of ``STATUSES``: "unreviewed" and "mine" are relative to the session's reviewer
        (not yet annotated by them / annotated by them); "disputed" as the project's status frame
        says; accepted / rejected / needs_fix / escalated match the consolidated decision.
    signals : list of str
        Signal names; a record matches when any of their ``is_<name>_issue`` flags is set.
    language : str or None
        Language code from the language signal column.
    annotator : str or None
        Records this reviewer has annotated.
    search : str
        Text to find (case-insensitive) in ``search_in``; a regular expression when ``regex``.
    query : str
        A query (:mod:`workbench.model.query`) over record fields, status and signal columns,
        e.g. ``"length_score > 0.9 and category == 'billing'"`` or ``"contains(category, 'bill')"``.
    sort : str or None
        A column of that same frame; ``descending`` reverses it. None keeps the queue order.
        "uncertainty" and "disagreement" (active learning, from machine suggestions) put the most
        informative records first; ``descending`` reverses that too.
    region : dict or None
        A region of the map (:mod:`workbench.ui.regions`): every record whose ``map_x`` / ``map_y``
        lies inside it, drawn on the map or not.
    """

    category: str | list[str] | None = None
    status: str | None = None
    signals: list[str] = field(default_factory=list)
    language: str | None = None
    annotator: str | None = None
    search: str = ""
    regex: bool = False
    search_in: str = "all"
    query: str = ""
    sort: str | None = None
    descending: bool = False
    region: dict | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (saved with the session state)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Filters:
        """Filters from a saved dict (unknown keys ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    def active(self) -> bool:
        """Whether any filter (not counting the sort) is set."""
        return bool(self.category or self.status or self.signals or self.language or self.annotator
                    or self.search or self.query or self.region)


def align_signals(frame: pd.DataFrame | None, ids: pd.Index) -> pd.DataFrame:
    """The signal frame in the table's row order (RangeIndex of positions), without its ``id``."""
    if frame is None or len(frame.columns) == 0 or "id" not in frame.columns:
        return pd.DataFrame(index=pd.RangeIndex(len(ids)))
    same = len(frame) == len(ids) and np.array_equal(frame["id"].to_numpy(dtype=object),
                                                     ids.to_numpy(dtype=object))
    if not same:
        return frame.drop_duplicates("id").set_index("id").reindex(ids).reset_index(drop=True)
    return frame.drop(columns="id").reset_index(drop=True)


class QueueIndex:
    """Column views of one dataset used to filter and sort the queue (text columns built lazily).

    Parameters
    ----------
    table : pyarrow.Table
        The dataset's contiguous canonical table.
    signals : DataFrame, optional
        Per-record signal columns with an ``id`` column (``SignalReport.frame``).
    ids : pandas.Index, optional
        The table's ids (``Dataset.ids``), to align ``signals``.
    """

    def __init__(self, table: pa.Table, signals: pd.DataFrame | None = None, ids: pd.Index | None = None):
        self.table = table
        self.n = table.num_rows
        self._ids = ids
        self.signals = align_signals(signals, self.ids) if signals is not None else \
            pd.DataFrame(index=pd.RangeIndex(self.n))
        self._text: dict[str, pa.Array] = {}
        self._base: pd.DataFrame | None = None
        self.assist: pd.DataFrame | None = None  # ASSIST_COLUMNS by table position, set by the session

    @property
    def ids(self) -> pd.Index:
        """Record ids by table position."""
        if self._ids is None:
            self._ids = pd.Index(self.table.column("id").to_pylist())
        return self._ids

    def signal_names(self) -> list[str]:
        """Names of the signals with an ``is_<name>_issue`` column."""
        return [c[3:-6] for c in self.signals.columns if c.startswith("is_") and c.endswith("_issue")]

    def language_column(self) -> str | None:
        """The signal column holding each record's language, if any."""
        return next((c for c in LANGUAGE_COLUMNS if c in self.signals.columns), None)

    def text(self, which: str) -> pa.Array:
        """The prompt or response text column (computed once, vectorised)."""
        if which not in ("prompt", "response"):
            raise ValueError(f"search_in must be prompt or response for a text column, got {which!r}")
        if which not in self._text:
            fn = {"prompt": prompt_text, "response": response_text}[which]
            self._text[which] = fn(self.table)
        return self._text[which]

    def frame(self, status: pd.DataFrame | None = None) -> pd.DataFrame:
        """Record fields, status and signal columns, one row per table position (for query and sort)."""
        if self._base is None:
            cols = {c: self.table.column(c).to_pandas() for c in TABLE_COLUMNS}
            base = pd.DataFrame(cols)
            extra = self.signals[[c for c in self.signals.columns if c not in base.columns]]
            self._base = pd.concat([base, extra], axis=1) if len(extra.columns) else base
        add = {c: status[c].to_numpy() for c in STATUS_COLUMNS if c in status.columns} \
            if status is not None and len(status) else {}
        if self.assist is not None:
            add.update({c: self.assist[c].to_numpy() for c in ASSIST_COLUMNS if c in self.assist.columns})
        return self._base.assign(**add) if add else self._base

    def columns(self) -> list[str]:
        """Columns usable for sorting and in queries."""
        have = list(self.frame().columns)
        return have + [c for c in STATUS_COLUMNS + ASSIST_COLUMNS if c not in have]

    # masks ---------------------------------------------------------------------------------------
    def mask(self, f: Filters, reviewer: str, status: pd.DataFrame | None = None) -> np.ndarray:
        """Boolean mask over table positions for every filter in ``f`` (ValueError on a bad filter)."""
        m = np.ones(self.n, dtype=bool)
        if f.category:
            cats = [f.category] if isinstance(f.category, str) else list(f.category)
            m &= _np(pc.is_in(self.table.column("category"), pa.array(cats, pa.string())))
        if f.status:
            m &= self._status_mask(f.status, reviewer, status)
        if f.annotator:
            m &= _reviewed_by(status, f.annotator, self.n)
        if f.signals:
            m &= self._signal_mask(f.signals)
        if f.language:
            col = self.language_column()
            if col is None:
                raise ValueError("no language signal is available to filter on")
            m &= (self.signals[col].astype(object) == f.language).to_numpy(dtype=bool)
        if f.search:
            m &= self._search_mask(f.search, f.regex, f.search_in)
        if f.query:
            m &= self._query_mask(f.query, status)
        if f.region:
            m &= region_mask(self.signals, f.region)
        return m

    def _status_mask(self, which: str, reviewer: str, status: pd.DataFrame | None) -> np.ndarray:
        if which not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {which!r}")
        if which in ("unreviewed", "mine"):
            mine = _reviewed_by(status, reviewer, self.n)
            return ~mine if which == "unreviewed" else mine
        if status is None or not len(status):
            return np.zeros(self.n, dtype=bool)
        if which == "disputed":
            return status["disputed"].to_numpy(dtype=bool)
        return (status["decision"].astype(object) == DECISION_OF_STATUS[which]).to_numpy(dtype=bool)

    def _signal_mask(self, names: list[str]) -> np.ndarray:
        m = np.zeros(self.n, dtype=bool)
        for name in names:
            col = f"is_{name}_issue"
            if col not in self.signals.columns:
                known = ", ".join(self.signal_names()) or "none computed"
                raise ValueError(f"unknown signal {name!r}; available: {known}")
            m |= self.signals[col].fillna(False).to_numpy(dtype=bool)
        return m

    def _search_mask(self, text: str, regex: bool, where: str) -> np.ndarray:
        if where not in SEARCH_FIELDS:
            raise ValueError(f"search_in must be one of {', '.join(SEARCH_FIELDS)}, got {where!r}")
        try:
            if where != "all":
                return _np(_match(self.text(where), text, regex))
            # every turn, completion and candidate: match the flattened texts and map hits back to
            # their records (no per-record string is built, so the first search is as fast as the next)
            m = np.zeros(self.n, dtype=bool)
            for name in ("messages", "chosen", "rejected", "completion", "candidates"):
                lists = _single(self.table.column(name))
                flat = pc.list_flatten(lists)
                texts = flat if name == "candidates" else flat.field("content")
                if len(texts):
                    hit = _np(_match(texts, text, regex))
                    m[pc.list_parent_indices(lists).to_numpy()[hit]] = True
            return m
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise ValueError(f"invalid regular expression {text!r}: {exc}".splitlines()[0]) from None

    def check_query(self, expr: str) -> Query:
        """The query compiled against this queue's columns (QueryError, a ValueError, when it is not valid).

        The query language is our own (:mod:`workbench.model.query`): the text is parsed, never evaluated.
        """
        return compile_query(expr, self.columns())

    def _query_mask(self, expr: str, status: pd.DataFrame | None) -> np.ndarray:
        try:
            return self.check_query(expr).mask(self.frame(status))
        except QueryError as exc:
            raise QueryError(f"query {expr!r} failed: {exc}".splitlines()[0]) from None

    def order(self, positions: np.ndarray, column: str, descending: bool = False,
              status: pd.DataFrame | None = None) -> np.ndarray:
        """``positions`` sorted by ``column`` (stable; missing values last)."""
        frame = self.frame(status)
        if column not in frame.columns:
            raise ValueError(f"cannot sort by {column!r}; columns: {', '.join(frame.columns)}")
        key = frame[column].iloc[positions]
        if key.dtype == object:
            key = key.map(lambda v: v if v is None or isinstance(v, (str, int, float, bool)) else str(v))
        s = pd.Series(key.to_numpy(), index=positions)
        ascending = descending if column in PRIORITY_COLUMNS else not descending
        return s.sort_values(ascending=ascending, kind="stable", na_position="last").index.to_numpy()


def _match(texts, pattern: str, regex: bool):
    return pc.match_substring_regex(texts, pattern, ignore_case=True) if regex else \
        pc.match_substring(texts, pattern, ignore_case=True)


def _single(col):
    """One contiguous array from a (chunked) column."""
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _np(arr) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False).astype(bool)


def _reviewed_by(status: pd.DataFrame | None, reviewer: str, n: int) -> np.ndarray:
    """Positions annotated by ``reviewer`` (the status frame's ``reviewers`` lists)."""
    if status is None or not len(status):
        return np.zeros(n, dtype=bool)
    nz = status["n_reviews"].to_numpy() > 0
    out = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(nz)
    revs = status["reviewers"].to_numpy()
    out[idx] = [reviewer in (revs[i] or ()) for i in idx]
    return out
