"""The review query grammar: each allowed form against the equivalent pandas expression; attacks refused."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import workbench
from workbench.model.query import MAX_PATTERN, Query, QueryError, compile_query


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["s0", "s1", "test-2", "S3", "s4", "x5"],
        "category": ["billing", "Account", None, "Billing issue", "technical", "billing"],
        "pii_score": [0.1, 1.0, np.nan, 0.5, 0.9, 0.0],
        "n_reviews": [0, 2, 1, 0, 3, 0],
        "is_near_dup_issue": [True, False, False, True, False, False],
        "is_pii_issue": pd.Series([True, None, False, None, True, False], dtype=object),
        "decision": [None, "accept", "reject", None, "needs_fix", "accept"],
        "odd name": [1, 2, 3, 4, 5, 6],
    })


def cat(d):
    return d["category"].fillna("").str.lower()


# query -> the same selection written as a pandas boolean expression (missing values never match)
ALLOWED = [
    ("pii_score < 0.5", lambda d: d.pii_score < 0.5),
    ("pii_score >= 0.5", lambda d: d.pii_score >= 0.5),
    ("pii_score <= 0.5", lambda d: d.pii_score <= 0.5),
    ("pii_score > -1", lambda d: d.pii_score.notna()),
    ("n_reviews == 0", lambda d: d.n_reviews == 0),
    ("n_reviews != 0", lambda d: d.n_reviews != 0),
    ("0 < n_reviews <= 2", lambda d: (d.n_reviews > 0) & (d.n_reviews <= 2)),
    ("category == 'billing'", lambda d: d.category == "billing"),
    ('category != "billing"', lambda d: (d.category != "billing") & d.category.notna()),
    ("decision == None", lambda d: d.decision.isna()),
    ("decision is None", lambda d: d.decision.isna()),
    ("decision is not None", lambda d: d.decision.notna()),
    ("category in ['billing', 'Account']", lambda d: d.category.isin(["billing", "Account"])),
    ("category in ('billing', None)", lambda d: d.category.isin(["billing"]) | d.category.isna()),
    ("category not in ['billing']", lambda d: ~d.category.isin(["billing"]) & d.category.notna()),
    ("n_reviews in [1, 3]", lambda d: d.n_reviews.isin([1, 3])),
    ("is_near_dup_issue", lambda d: d.is_near_dup_issue),
    ("not is_near_dup_issue", lambda d: ~d.is_near_dup_issue),
    ("is_pii_issue", lambda d: d.is_pii_issue.fillna(False).astype(bool)),
    ("is_near_dup_issue == True", lambda d: d.is_near_dup_issue),
    ("is_near_dup_issue and pii_score < 0.5", lambda d: d.is_near_dup_issue & (d.pii_score < 0.5)),
    ("is_near_dup_issue or n_reviews > 2", lambda d: d.is_near_dup_issue | (d.n_reviews > 2)),
    ("not (n_reviews == 0 or decision == 'accept')",
     lambda d: ~((d.n_reviews == 0) | (d.decision == "accept"))),
    ("(n_reviews == 0) and (category == 'billing' or pii_score > 0.8)",
     lambda d: (d.n_reviews == 0) & ((d.category == "billing") | (d.pii_score > 0.8))),
    ("contains(category, 'BILL')", lambda d: cat(d).str.contains("bill", regex=False)),
    ("startswith(id, 's')", lambda d: d.id.str.lower().str.startswith("s")),
    ("endswith(category, 'ING')", lambda d: cat(d).str.endswith("ing")),
    ("matches(id, '^s[0-9]$')", lambda d: d.id.str.fullmatch(r"[sS][0-9]")),
    ("matches(category, 'bill.*issue')", lambda d: cat(d).str.contains(r"bill.*issue")),
    ("not contains(id, 'test')", lambda d: ~d.id.str.contains("test")),
    ("`odd name` >= 4", lambda d: d["odd name"] >= 4),
    ("`odd name` > n_reviews", lambda d: d["odd name"] > d.n_reviews),
    ("True", lambda d: pd.Series(True, index=d.index)),
]


@pytest.mark.parametrize("expr,expected", ALLOWED, ids=[q for q, _ in ALLOWED])
def test_allowed_form_matches_pandas(df, expr, expected):
    query = compile_query(expr, df.columns)
    mask = query.mask(df)
    want = expected(df).fillna(False).to_numpy(dtype=bool)
    assert mask.dtype == bool and mask.shape == (len(df),)
    np.testing.assert_array_equal(mask, want)
    assert mask.flags.writeable  # callers combine masks in place
    # the same query over the Arrow table gives the same rows
    table = pa.Table.from_pandas(df.astype({"is_pii_issue": "boolean"}), preserve_index=False)
    np.testing.assert_array_equal(query.mask(table), want)


def test_compile_reports_columns_and_canonical_text(df):
    q = compile_query("pii_score<0.5 and (contains(category,'x') or `odd name` in [1,2])", df.columns)
    assert isinstance(q, Query)
    assert q.columns == ("pii_score", "category", "odd name")
    assert repr(q) == ("Query(\"pii_score < 0.5 and (contains(category, 'x') or `odd name` in [1, 2])\", "
                       "columns=['pii_score', 'category', 'odd name'])")
    assert str(compile_query(str(q), df.columns)) == str(q)  # the canonical text parses to itself


def test_backticks_inside_strings_are_text(df):
    q = compile_query("category == 'a `b` c' or `odd name` == 1", df.columns)
    assert q.columns == ("category", "odd name")
    np.testing.assert_array_equal(q.mask(df), df["odd name"].eq(1).to_numpy())


def test_unknown_column_lists_known_ones(df):
    with pytest.raises(QueryError) as err:
        compile_query("pii_scor > 1", df.columns)
    msg = str(err.value)
    assert "\n" not in msg and "unknown column 'pii_scor'" in msg and "pii_score" in msg
    assert msg.split("known: ")[1].startswith("pii_score")  # the closest name first
    # without a column list the check happens when the frame is known
    with pytest.raises(QueryError, match="unknown column 'nope'"):
        compile_query("nope > 1").mask(df)


ATTACKS = [
    '@pd.io.common.os.system("touch {x}")',
    "__import__('os').system('touch {x}')",
    "().__class__.__bases__[0].__subclasses__()",
    "category.__class__",
    "id.str.contains('a') or open('{x}', 'w')",
    "open('{x}', 'w')",
    "(lambda: open('{x}', 'w'))()",
    "f\"{open('{x}', 'w')}\"",
    "(y := open('{x}', 'w'))",
    "category[0] == 'b'",
    "[open('{x}', 'w') for _ in [1]]",
    "__builtins__",
    "contains(category, 'a') and exec('open(\"{x}\", \"w\")')",
    "pd.io.common.os.system('touch {x}')",
    "n_reviews + 1",
    "~is_near_dup_issue",
    "category.str.contains('bill')",
    "contains(category, 'a' + 'b')",
    "contains(category=category, pattern='b')",
    "n_reviews in range(3)",
    "{'a': 1}",
    "n_reviews if True else pii_score",
    "b'bytes' == category",
    "n_reviews == 1j",
    "category; import os",
    "category == 'a'\x00",
    "`unclosed",
    "(" * 120 + "n_reviews" + ")" * 120,
    " or ".join(["n_reviews == 1"] * 300),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=range(len(ATTACKS)))
def test_attack_is_refused_and_runs_nothing(df, tmp_path, attack):
    target = tmp_path / "x"
    expr = attack.replace("{x}", str(target))
    with pytest.raises(QueryError) as err:
        compile_query(expr, df.columns).mask(df)
    msg = str(err.value)
    assert msg and "\n" not in msg and len(msg) < 400
    assert isinstance(err.value, ValueError)
    assert not target.exists()


@pytest.mark.parametrize("expr,what", [
    ("().__class__", "attribute access ('.__class__')"),
    ("category[0]", "subscripts"),
    ("open('x')", "open()"),
    ("lambda: 1", "lambda"),
    ("f'{category}'", "f-strings"),
    ("(y := 1)", "assignment (':=')"),
    ("n_reviews * 2", "arithmetic ('*')"),
    ("@pd", "'@'"),
    ("__import__", "double underscores"),
])
def test_refusal_names_what_is_not_allowed(df, expr, what):
    with pytest.raises(QueryError) as err:
        compile_query(expr, df.columns)
    assert what in str(err.value) and "not allowed" in str(err.value)


def test_regex_guard(df):
    with pytest.raises(QueryError, match="limited to"):
        compile_query(f"matches(id, '{'a' * (MAX_PATTERN + 1)}')", df.columns)
    with pytest.raises(QueryError, match="invalid regular expression"):
        compile_query("matches(id, '(unclosed')", df.columns)
    # a backtracking engine takes exponential time on this; RE2 answers at once
    evil = pd.DataFrame({"t": ["a" * 60 + "b", "a" * 60]})
    np.testing.assert_array_equal(compile_query("matches(t, '^(a+)+$')", ["t"]).mask(evil), [False, True])


def test_values_that_do_not_fit_are_one_line_errors(df):
    cases = [("contains(pii_score, 'x')", "needs a text column"),
             ("category", "not True/False"),
             ("category > 1", "cannot compare"),
             ("matches(n_reviews, 'x')", "needs a text column")]
    for expr, msg in cases:
        with pytest.raises(QueryError, match=re.escape(msg)) as err:
            compile_query(expr, df.columns).mask(df)
        assert "\n" not in str(err.value)
    # a column of lists never equals a scalar (no error, no match)
    lists = pd.DataFrame({"tags": [["a"], [], None]})
    assert not compile_query("tags in ['a'] or tags == 'a'", ["tags"]).mask(lists).any()


def test_empty_and_too_long_queries(df):
    for expr in ("", "   ", None, "n_reviews == 1 or " * 200 + "True"):
        with pytest.raises(QueryError):
            compile_query(expr, df.columns)


# no evaluation of user text anywhere in the package ----------------------------------------------
_EVAL_CALLS = {"eval", "exec", "query"}


def test_package_never_evaluates_text():
    """No call of eval/exec, pd.eval, DataFrame.eval or DataFrame.query in ``workbench/`` (AST walk, so
    comments and docstrings that mention them do not count), and no docstring example of them either."""
    root = Path(workbench.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
            if name in _EVAL_CALLS or (isinstance(fn, ast.Name) and name == "__import__"):
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}()")
        for i, line in enumerate(text.splitlines(), 1):
            if re.search(r"\.(eval|query)\(|\bpd\.eval\b|(?<![\w.])(eval|exec)\(", line):
                found.append(f"{path.relative_to(root)}:{i} {line.strip()}")
    assert not found, "evaluation of text found:\n" + "\n".join(found)
