"""Evaluation of compiled queries (see :mod:`workbench.model.query`): column-wise, over pandas or Arrow.

Each node of a compiled query is a small frozen dataclass with ``compute(ctx)``; its ``str()`` is the
canonical text of the query. Nothing here parses or evaluates user text: the compiler builds these
nodes only from a whitelisted syntax tree.
"""
from __future__ import annotations

import difflib
import operator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
       ">=": operator.ge}
# the string predicates' pyarrow kernels (``matches`` is RE2)
KERNELS = {"contains": pc.match_substring, "startswith": pc.starts_with, "endswith": pc.ends_with,
           "matches": pc.match_substring_regex}


class QueryError(ValueError):
    """A query that is not in the grammar, names an unknown column or cannot apply to the data."""


# the compiled tree -------------------------------------------------------------------------------
class Ctx:
    """Columns of one frame, as positional pandas Series fetched once each."""

    def __init__(self, frame: pd.DataFrame | pa.Table):
        self._cols: dict[str, Any] = {}
        self.frame, self.n = frame, len(frame)

    def column(self, name: str) -> pd.Series:
        if name not in self._cols:
            names = frame_columns(self.frame)
            if name not in names:
                raise QueryError(unknown_column(name, names))
            frame = self.frame
            col = frame.column(name).to_pandas() if isinstance(frame, pa.Table) else frame[name]
            self._cols[name] = col.reset_index(drop=True)
        return self._cols[name]


@dataclass(frozen=True)
class Col:
    """A column of the frame, by name."""

    name: str

    def compute(self, ctx: Ctx) -> pd.Series:
        return ctx.column(self.name)

    def __str__(self) -> str:
        return self.name if self.name.isidentifier() else f"`{self.name}`"


@dataclass(frozen=True)
class Lit:
    """A literal: number, text, True, False or None."""

    value: Any

    def compute(self, ctx: Ctx) -> Any:
        return self.value

    def __str__(self) -> str:
        return repr(self.value)


@dataclass(frozen=True)
class Cmp:
    """A comparison; a missing value on either side never matches (``is None`` selects them)."""

    op: str
    left: Any
    right: Any

    def compute(self, ctx: Ctx) -> np.ndarray:
        left, right = self.left.compute(ctx), self.right.compute(ctx)
        if left is None or right is None:  # `col == None` / `col is None`: the missing values
            other = right if left is None else left
            miss = other.isna().to_numpy(dtype=bool) if isinstance(other, pd.Series) else \
                np.full(ctx.n, other is None)
            return miss if self.op in ("==", "is") else ~miss
        fn = OPS.get(self.op)
        valid = np.ones(ctx.n, dtype=bool)
        for side in (left, right):
            if isinstance(side, pd.Series):
                valid &= side.notna().to_numpy(dtype=bool)
        if not isinstance(left, pd.Series) and not isinstance(right, pd.Series):
            return np.full(ctx.n, bool(_apply(fn, left, right, self)))
        out = np.zeros(ctx.n, dtype=bool)
        if valid.any():  # compare present values only: a missing value never matches
            every = bool(valid.all())
            lhs = left if every or not isinstance(left, pd.Series) else left[valid]
            rhs = right if every or not isinstance(right, pd.Series) else right[valid]
            res = _apply(fn, lhs, rhs, self)
            out[valid] = np.asarray(res, dtype=bool)
        return out

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class In:
    """``col in [...]`` / ``col not in [...]`` (a missing value matches only a listed None)."""

    col: Col
    values: tuple
    negate: bool

    def compute(self, ctx: Ctx) -> np.ndarray:
        s = self.col.compute(ctx)
        try:
            hit = s.isin([v for v in self.values if v is not None]).to_numpy(dtype=bool)
        except TypeError as exc:  # e.g. a column of lists (unhashable)
            raise QueryError(f"cannot apply {self}: {exc}".splitlines()[0]) from None
        miss = s.isna().to_numpy(dtype=bool)
        if None in self.values:
            hit = hit | miss  # not in place: pandas may hand out read-only arrays
            return ~hit if self.negate else hit
        return ~hit & ~miss if self.negate else hit & ~miss

    def __str__(self) -> str:
        return f"{self.col} {'not in' if self.negate else 'in'} {list(self.values)!r}"


@dataclass(frozen=True)
class BoolOp:
    """``and`` / ``or`` of two or more conditions."""

    kind: str  # "and" / "or"
    items: tuple

    def compute(self, ctx: Ctx) -> np.ndarray:
        masks = [as_mask(it.compute(ctx), it, ctx) for it in self.items]
        return np.logical_and.reduce(masks) if self.kind == "and" else np.logical_or.reduce(masks)

    def __str__(self) -> str:
        return f" {self.kind} ".join(f"({it})" if isinstance(it, BoolOp) else str(it) for it in self.items)


@dataclass(frozen=True)
class Not:
    """``not`` of a condition."""

    item: Any

    def compute(self, ctx: Ctx) -> np.ndarray:
        return ~as_mask(self.item.compute(ctx), self.item, ctx)

    def __str__(self) -> str:
        return f"not ({self.item})" if isinstance(self.item, BoolOp) else f"not {self.item}"


@dataclass(frozen=True)
class Pred:
    """A case-insensitive string predicate, run by a pyarrow.compute kernel (RE2 for ``matches``)."""

    fn: str
    col: Col
    pattern: str

    def compute(self, ctx: Ctx) -> np.ndarray:
        s = self.col.compute(ctx)
        try:
            text = pa.array(s, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            raise QueryError(f"{self.fn}() needs a text column; {self.col} holds {s.dtype}") from None
        try:
            hit = KERNELS[self.fn](text, self.pattern, ignore_case=True)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise QueryError(f"{self.fn}(): {exc}".splitlines()[0]) from None
        return pc.fill_null(hit, False).to_numpy(zero_copy_only=False).astype(bool)

    def __str__(self) -> str:
        return f"{self.fn}({self.col}, {self.pattern!r})"


def _apply(fn, left, right, node) -> Any:
    try:
        return fn(left, right)
    except (TypeError, ValueError, pa.ArrowNotImplementedError, pa.ArrowInvalid) as exc:
        raise QueryError(f"cannot compare in {node}: {exc}".splitlines()[0]) from None


def as_mask(value: Any, node: Any, ctx: Ctx) -> np.ndarray:
    """A node's value as a True/False mask (a bare column must hold booleans)."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, pd.Series):
        if not pd.api.types.is_bool_dtype(value.dtype):
            # an object column of True/False/None (signals with gaps) counts as boolean
            if not (value.dtype == object and pd.api.types.infer_dtype(value, skipna=True) == "boolean"):
                raise QueryError(f"column {node} holds {value.dtype}, not True/False: compare it with a "
                                 "value; a query must give True/False per record")
        return value.fillna(False).to_numpy(dtype=bool)
    if isinstance(value, (bool, np.bool_)):
        return np.full(ctx.n, bool(value))
    raise QueryError(f"{node!s} is not True/False; a query must give True/False per record")


def frame_columns(frame: pd.DataFrame | pa.Table) -> list[str]:
    """Column names of a DataFrame or pyarrow Table."""
    return list(frame.column_names if isinstance(frame, pa.Table) else frame.columns)


def unknown_column(name: str, known: list[str]) -> str:
    """One line naming an unknown column with the closest known names first."""
    near = difflib.get_close_matches(name, known, n=3)
    shown = near + [c for c in known if c not in near][:max(0, 6 - len(near))]
    more = f", ... ({len(known) - len(shown)} more)" if len(known) > len(shown) else ""
    return f"unknown column {name!r}; known: {', '.join(shown)}{more}"
