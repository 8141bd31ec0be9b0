"""Programmatic labeling: labeling functions vote, their votes are combined, reviewers confirm.

A labeling function is a plain Python function over whole columns (it gets a :class:`Columns` view
of the table and returns one vote per record: a boolean mask meaning "vote ``label``", or an array
of labels with None for "abstain"), or a keyword / regex rule from the guidelines'
``labeling_rules`` section. Targets: ``"category"``, ``"tag:<name>"`` and ``"low_quality"``.

>>> lfs = LabelingFunctions()
>>> @lfs.register(target="category", label="billing")
... def mentions_invoice(cols):
...     return pc.match_substring(cols.prompt, "invoice", ignore_case=True)

:func:`suggest` applies them (with the guidelines' rules), combines the votes by majority or an
accuracy-weighted label model (:mod:`workbench.assist.labelmodel`) and stores suggestions.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.guidelines import Guidelines
from workbench.model.text import prompt_text, response_text

FIELDS = ("text", "prompt", "response")


class Columns:
    """Lazy whole-column views of a canonical table that labeling functions read."""

    def __init__(self, table: pa.Table):
        self.table = table

    def __len__(self) -> int:
        return self.table.num_rows

    @cached_property
    def ids(self) -> list[str]:
        return self.table.column("id").to_pylist()

    @cached_property
    def prompt(self) -> pa.Array:
        """The last user turn of each record."""
        return pc.fill_null(prompt_text(self.table), "")

    @cached_property
    def response(self) -> pa.Array:
        """The response under review (last assistant turn, chosen or KTO completion)."""
        return pc.fill_null(response_text(self.table), "")

    @cached_property
    def text(self) -> pa.Array:
        """Prompt and response joined."""
        return pc.binary_join_element_wise(self.prompt, self.response, "\n\n")


@dataclass(frozen=True)
class LabelingFunction:
    """A named voter for one target.

    Attributes
    ----------
    name : str
    target : str
        "category", "tag:<name>" or "low_quality".
    fn : callable
        ``fn(columns) -> votes``: a boolean mask (vote ``label`` where True) or labels / None per record.
    label : any, optional
        The vote of a mask-returning function.
    origin : str
        "python" or "rule" (from the guidelines).
    source : str
        What the function is (the rule's patterns), part of the suggestions' version.
    """

    name: str
    target: str
    fn: Callable[[Columns], Any]
    label: Any = None
    origin: str = "python"
    source: str = ""

    def votes(self, cols: Columns) -> np.ndarray:
        """One vote per record (object array, None = abstain).

        With ``label`` set the function's output is a mask (vote ``label`` where true); without it,
        its values are the votes themselves.
        """
        out = self.fn(cols)
        if isinstance(out, pa.ChunkedArray):
            out = out.combine_chunks()
        n = len(cols)
        size = len(out) if hasattr(out, "__len__") else -1
        if size != n:
            raise ValueError(f"labeling function {self.name!r} returned {size} votes for {n} records")
        res = np.full(n, None, dtype=object)
        if self.label is not None:
            res[_mask(out)] = self.label
            return res
        arr = np.asarray(out.to_pylist() if isinstance(out, pa.Array) else list(out), dtype=object)
        keep = np.array([v is not None and v == v for v in arr], dtype=bool)  # None and NaN abstain
        res[keep] = [v.item() if isinstance(v, np.generic) else v for v in arr[keep]]
        return res


def _mask(out: Any) -> np.ndarray:
    """A boolean numpy mask from an Arrow array, a numpy array or a list (None / NaN count as False)."""
    if isinstance(out, pa.Array):
        return pc.fill_null(out.cast(pa.bool_()), False).to_numpy(zero_copy_only=False)
    arr = np.asarray(out)
    if arr.dtype == bool:
        return arr
    return np.array([v is not None and v == v and bool(v) for v in arr], dtype=bool)


def _check_target(target: str) -> str:
    if target in ("category", "low_quality") or (target.startswith("tag:") and len(target) > 4):
        return target
    raise ValueError(f"target must be 'category', 'tag:<name>' or 'low_quality', got {target!r}")


def labeling_function(target: str = "category", label: Any = None, name: str | None = None):
    """Decorator: turn ``fn(columns)`` into a :class:`LabelingFunction` (no global registry)."""
    _check_target(target)

    def wrap(fn: Callable[[Columns], Any]) -> LabelingFunction:
        return LabelingFunction(name or fn.__name__, target, fn, label, "python",
                                f"{fn.__module__}.{fn.__qualname__}")

    return wrap


class LabelingFunctions:
    """An explicit collection of labeling functions (create one per use; nothing is global)."""

    def __init__(self, functions: Iterable[LabelingFunction] = ()):
        self._lfs: list[LabelingFunction] = []
        for lf in functions:
            self.add(lf)

    def add(self, lf: LabelingFunction) -> LabelingFunction:
        """Add a function; names must be unique."""
        if any(x.name == lf.name for x in self._lfs):
            raise ValueError(f"a labeling function named {lf.name!r} is already registered")
        self._lfs.append(lf)
        return lf

    def register(self, target: str = "category", label: Any = None, name: str | None = None):
        """Decorator registering ``fn(columns)``; returns the :class:`LabelingFunction`."""
        return lambda fn: self.add(labeling_function(target, label, name)(fn))

    def __iter__(self) -> Iterator[LabelingFunction]:
        return iter(self._lfs)

    def __len__(self) -> int:
        return len(self._lfs)


def _pattern(patterns: list[str]) -> str:
    """One case-insensitive RE2 pattern: keywords as whole words, ``re:`` entries verbatim."""
    parts = []
    for p in patterns:
        if p.startswith("re:"):
            parts.append(f"(?:{p[3:]})")
        else:
            word = re.escape(p)
            left = r"\b" if re.match(r"\w", p) else ""
            right = r"\b" if re.search(r"\w$", p) else ""
            parts.append(f"{left}{word}{right}")
    return "(?i)(?:" + "|".join(parts) + ")"


def keyword_function(name: str, target: str, label: Any, patterns: list[str],
                     field: str = "text") -> LabelingFunction:
    """A rule voting ``label`` where any keyword (whole word, any case) or ``re:`` pattern matches."""
    if field not in FIELDS:
        raise ValueError(f"field must be one of {', '.join(FIELDS)}, got {field!r}")
    regex = _pattern(list(patterns))
    try:
        pc.match_substring_regex(pa.array([""]), regex)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ValueError(f"rule {name!r} has an invalid pattern: {exc}".splitlines()[0]) from None

    def fn(cols: Columns) -> pa.Array:
        return pc.match_substring_regex(getattr(cols, field), regex)

    return LabelingFunction(name, _check_target(target), fn, label, "rule", f"{field}:{regex}")


def rules_from_guidelines(guidelines: Guidelines) -> list[LabelingFunction]:
    """One keyword rule per (target, label) of the guidelines' ``labeling_rules``.

    Category and tag rules read the prompt and the response; low-quality rules read the response.
    A low-quality label is "true" or "false".
    """
    out = []
    for target, labels in (getattr(guidelines, "labeling_rules", None) or {}).items():
        for label, patterns in labels.items():
            if target == "category":
                out.append(keyword_function(f"rule:category:{label}", "category", label, patterns))
            elif target == "tags":
                out.append(keyword_function(f"rule:tag:{label}", f"tag:{label}", True, patterns))
            else:
                flag = str(label).lower() in ("true", "yes", "1")
                out.append(keyword_function(f"rule:low_quality:{str(flag).lower()}", "low_quality", flag,
                                            patterns, field="response"))
    return out


def apply_functions(lfs: Iterable[LabelingFunction], table: pa.Table) -> pd.DataFrame:
    """Votes of every function: one row per record (index ``record_id``), one column per function."""
    cols = Columns(table)
    lfs = list(lfs)
    data = {lf.name: lf.votes(cols) for lf in lfs}
    votes = pd.DataFrame(data, index=pd.Index(cols.ids, name="record_id"), dtype=object)
    votes.attrs["targets"] = {lf.name: lf.target for lf in lfs}
    votes.attrs["origins"] = {lf.name: lf.origin for lf in lfs}
    return votes


def suggest(project, functions: Iterable[LabelingFunction] = (), method: str = "weighted",
            use_rules: bool = True, agent: str = "model:labeling-functions",
            records: list[str] | None = None):
    """Apply labeling functions (plus the guidelines' rules), combine, and store suggestions.

    Parameters
    ----------
    project : Project
    functions : iterable of LabelingFunction
        Python labeling functions (a :class:`LabelingFunctions` collection works).
    method : {"majority", "weighted"}
        Majority vote (ties abstain) or the accuracy-weighted label model.
    use_rules : bool
        Add the keyword rules of the project's guidelines.
    agent : str
        The suggestions' author.
    records : list of str, optional
        Only these records (default all).

    Returns
    -------
    (list of Event, DataFrame)
        The suggestion events written (only for records the team has not labelled on that target)
        and the per-function report (:func:`workbench.assist.labelmodel.lf_report`).
    """
    from workbench.assist.labelmodel import suggest_from_votes

    lfs = list(functions) + (rules_from_guidelines(project.guidelines) if use_rules else [])
    if not lfs:
        raise ValueError("no labeling functions: pass some or add labeling_rules to the guidelines")
    names = [lf.name for lf in lfs]
    if len(set(names)) != len(names):
        raise ValueError("labeling function names must be unique")
    table = project.edited_table()
    if records is not None:
        pos = project.dataset.ids.get_indexer(records)
        if (pos < 0).any():
            raise ValueError(f"unknown record id {list(np.asarray(records)[pos < 0])[0]!r}")
        table = table.take(pa.array(pos))
    votes = apply_functions(lfs, table)
    return suggest_from_votes(project, votes, lfs, method, agent)
