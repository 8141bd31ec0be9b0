"""The review queue's query language: a small, safe grammar parsed by us, never evaluated by Python.

A query is a boolean expression over a frame's columns (record fields, review status, signal columns)::

    pii_score < 0.5 and category in ['billing', 'account']
    not is_near_dup_issue and (n_reviews == 0 or decision == 'needs_fix')
    contains(category, "bill") or matches(id, "^s[0-9]+$") or `odd name` >= 3

Python's :mod:`ast` parses the text; a strict whitelist of node types is compiled into a small tree
of our own, which is evaluated column-wise over a pandas DataFrame or a pyarrow Table. Nothing the
user writes is ever handed to ``eval``, ``DataFrame.eval`` or ``DataFrame.query``: names resolve
only to columns, calls only to the string predicates below, and anything else (attributes,
subscripts, lambdas, ``@`` variables, f-strings, comprehensions, arithmetic) is a :class:`QueryError`.

Semantics: a comparison involving a missing value is False (also for ``!=``); ``col == None`` and
``col is None`` select missing values. The predicates ``contains``, ``startswith``, ``endswith`` and
``matches`` are case-insensitive; ``matches`` is a regular-expression search run by RE2 through
``pyarrow.compute`` (linear time: no catastrophic backtracking), its pattern at most
:data:`MAX_PATTERN` characters.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.query_nodes import (
    KERNELS,
    BoolOp,
    Cmp,
    Col,
    Ctx,
    In,
    Lit,
    Not,
    Pred,
    QueryError,
    as_mask,
    frame_columns,
    unknown_column,
)

__all__ = ["MAX_PATTERN", "PREDICATES", "Query", "QueryError", "compile_query", "frame_columns"]

MAX_QUERY = 2000  # characters of query text
MAX_NODES = 400  # syntax nodes: a query is a filter, not a program
MAX_PATTERN = 200  # characters of a regular expression
PREDICATES = tuple(KERNELS)  # contains, startswith, endswith, matches
_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
           ast.Pow: "**", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
           ast.LShift: "<<", ast.RShift: ">>"}
_REFUSED = {ast.Attribute: "attribute access", ast.Subscript: "subscripts ('[...]')", ast.Lambda: "lambda",
            ast.JoinedStr: "f-strings", ast.FormattedValue: "f-strings", ast.NamedExpr: "assignment (':=')",
            ast.ListComp: "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
            ast.GeneratorExp: "comprehensions", ast.IfExp: "conditional expressions",
            ast.Dict: "dicts", ast.Set: "sets", ast.Starred: "'*' unpacking", ast.Await: "await",
            ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slices"}


# compiling ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    """A compiled query; ``mask(frame)`` evaluates it.

    Attributes
    ----------
    text : str
        The query as written.
    columns : tuple of str
        The columns it reads.
    """

    text: str
    columns: tuple
    _root: Any

    def mask(self, frame: pd.DataFrame | pa.Table) -> np.ndarray:
        """Boolean numpy mask, one value per row of ``frame`` (a missing value never matches).

        Raises
        ------
        QueryError
            A column is missing from ``frame`` or its values do not fit the query.
        """
        ctx = Ctx(frame)
        # a fresh writable array: pandas/pyarrow may return read-only views the caller would write into
        return np.array(as_mask(self._root.compute(ctx), self._root, ctx), dtype=bool, copy=True)

    def __str__(self) -> str:
        return str(self._root)

    def __repr__(self) -> str:
        return f"Query({str(self._root)!r}, columns={list(self.columns)!r})"


def compile_query(expr: str, columns: Iterable[str] | None = None) -> Query:
    """Parse and check a query against the grammar (and against ``columns`` when given).

    Parameters
    ----------
    expr : str
        The query text; column names with odd characters go in backticks: ```my col` > 1``.
    columns : iterable of str, optional
        The names a query may use; None checks names only when the query is evaluated.

    Returns
    -------
    Query

    Raises
    ------
    QueryError
        One line naming what is not allowed, or the unknown column with a few known ones.
    """
    if not isinstance(expr, str) or not expr.strip():
        raise QueryError("a query must be non-empty text")
    if len(expr) > MAX_QUERY:
        raise QueryError(f"a query is limited to {MAX_QUERY} characters, got {len(expr):,}")
    source, quoted = _unquote_backticks(expr)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        if "@" in source:
            raise QueryError("not allowed in a query: '@' (variables outside the data)") from None
        raise QueryError(f"query syntax error: {exc.msg} (at character {exc.offset or 0})") from None
    except (RecursionError, MemoryError):
        raise QueryError("the query is nested too deeply") from None
    except ValueError as exc:  # e.g. a NUL character
        raise QueryError(f"query syntax error: {exc}".splitlines()[0]) from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise QueryError(f"the query is too long (more than {MAX_NODES} parts)")
    known = None if columns is None else list(columns)
    used: list[str] = []
    root = _Compiler(quoted, known, used).build(tree.body)
    return Query(expr, tuple(dict.fromkeys(used)), root)


class _Compiler:
    def __init__(self, quoted: dict[str, str], known: list[str] | None, used: list[str]):
        self.quoted, self.known, self.used = quoted, known, used

    def build(self, node: ast.AST, depth: int = 0) -> Any:
        if depth > 60:
            raise QueryError("the query is nested too deeply")
        d = depth + 1
        if isinstance(node, ast.BoolOp):
            return BoolOp("and" if isinstance(node.op, ast.And) else "or",
                          tuple(self.build(v, d) for v in node.values))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return Not(self.build(node.operand, d))
            operand = self.build(node.operand, d)
            if isinstance(operand, Lit) and type(operand.value) in (int, float):
                return Lit(-operand.value if isinstance(node.op, ast.USub) else operand.value)
            raise QueryError("a sign ('-', '+') is allowed only before a number; '~' is not allowed "
                             "(use 'not')")
        if isinstance(node, ast.Compare):
            return self._compare(node, d)
        if isinstance(node, ast.Name):
            return self._column(node.id)
        if isinstance(node, ast.Constant):
            if node.value is None or type(node.value) in (bool, int, float, str):
                return Lit(node.value)
            raise QueryError(f"the literal {node.value!r} is not allowed (numbers, quoted text, True, "
                             "False and None are)")
        if isinstance(node, ast.Call):
            return self._call(node, d)
        if isinstance(node, ast.BinOp):
            raise QueryError(f"not allowed in a query: arithmetic ('{_BINOPS.get(type(node.op), '?')}'); "
                             "a query must give True/False per record")
        if isinstance(node, (ast.List, ast.Tuple)):
            raise QueryError("a list is allowed only after 'in' / 'not in'")
        what = _REFUSED.get(type(node), type(node).__name__)
        if isinstance(node, ast.Attribute):
            what = f"attribute access ('.{node.attr}')"
        raise QueryError(f"not allowed in a query: {what}")

    def _column(self, name: str) -> Col:
        real = self.quoted.get(name, name)
        if name not in self.quoted and name.startswith("__"):
            raise QueryError(f"not allowed in a query: names with double underscores ({name!r})")
        if self.known is not None and real not in self.known:
            raise QueryError(unknown_column(real, self.known))
        self.used.append(real)
        return Col(real)

    def _compare(self, node: ast.Compare, depth: int) -> Any:
        parts, left = [], node.left
        for op, right in zip(node.ops, node.comparators):
            parts.append(self._pair(left, op, right, depth))
            left = right
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def _pair(self, left: ast.AST, op: ast.cmpop, right: ast.AST, depth: int) -> Any:
        if isinstance(op, (ast.In, ast.NotIn)):
            lhs = self.build(left, depth)
            if not isinstance(lhs, Col):
                raise QueryError("the left side of 'in' must be a column name")
            if not isinstance(right, (ast.List, ast.Tuple)):
                raise QueryError("the right side of 'in' must be a list of literals, e.g. ['a', 'b']")
            values = tuple(self.build(v, depth) for v in right.elts)
            if not all(isinstance(v, Lit) for v in values):
                raise QueryError("the list after 'in' may hold only literals (numbers, quoted text, None)")
            return In(lhs, tuple(v.value for v in values), isinstance(op, ast.NotIn))
        lhs, rhs = self.build(left, depth), self.build(right, depth)
        if isinstance(op, (ast.Is, ast.IsNot)):
            if not (isinstance(rhs, Lit) and rhs.value is None):
                raise QueryError("'is' / 'is not' are allowed only with None")
            return Cmp("is" if isinstance(op, ast.Is) else "is not", lhs, rhs)
        for side in (lhs, rhs):
            if not isinstance(side, (Col, Lit)):
                raise QueryError(f"compare a column or a literal, not '{side}' (use parentheses and "
                                 "'and' / 'or' to combine conditions)")
        return Cmp(_CMP[type(op)], lhs, rhs)

    def _call(self, node: ast.Call, depth: int) -> Pred:
        allowed = ", ".join(p + "(column, 'text')" for p in PREDICATES)
        if isinstance(node.func, ast.Attribute):  # col.str.contains(...), os.system(...)
            raise QueryError(f"not allowed in a query: attribute access ('.{node.func.attr}'); "
                             f"the calls allowed are {allowed}")
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in PREDICATES:
            shown = f"{name}()" if name else "calling the result of an expression"
            raise QueryError(f"not allowed in a query: {shown}; the calls allowed are {allowed}")
        if node.keywords or len(node.args) != 2:
            raise QueryError(f"{name}() takes exactly two arguments: a column and quoted text")
        col, pat = self.build(node.args[0], depth), node.args[1]
        if not isinstance(col, Col) or not (isinstance(pat, ast.Constant) and isinstance(pat.value, str)):
            raise QueryError(f"{name}() takes a column name and then quoted text, e.g. "
                             f"{name}(category, 'bill')")
        if name == "matches":
            _check_regex(pat.value)
        return Pred(name, col, pat.value)


def _check_regex(pattern: str) -> None:
    """Refuse a pattern that is too long or that RE2 cannot compile (compiled once, here)."""
    if len(pattern) > MAX_PATTERN:
        raise QueryError(f"a matches() pattern is limited to {MAX_PATTERN} characters, got {len(pattern):,}")
    try:
        pc.match_substring_regex(pa.array([""], pa.string()), pattern, ignore_case=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise QueryError(f"invalid regular expression {pattern!r}: {exc}".splitlines()[0]) from None


def _unquote_backticks(expr: str) -> tuple[str, dict[str, str]]:
    """Replace ```odd name``` outside string literals with placeholder identifiers."""
    quoted: dict[str, str] = {}
    out, i, quote = [], 0, None
    while i < len(expr):
        ch = expr[i]
        if quote:
            out.append(ch)
            if ch == "\\" and i + 1 < len(expr):
                out.append(expr[i + 1])
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "`":
            end = expr.find("`", i + 1)
            if end < 0:
                raise QueryError("unclosed backtick in the query")
            placeholder = f"_wb_quoted_{len(quoted)}"
            quoted[placeholder] = expr[i + 1:end]
            out.append(f" {placeholder} ")
            i = end
        else:
            out.append(ch)
        i += 1
    return "".join(out), quoted
