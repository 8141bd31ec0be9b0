"""Cells of CSV files meant for people, neutralised against formula injection (OWASP "CSV Injection").

A spreadsheet opening a CSV runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and
tab or carriage return can precede one); data text such as a prompt can carry ``=HYPERLINK(...)`` or
``=cmd|' /C calc'!A0``. Such cells get a leading ``'``, which spreadsheets read as "this is text".
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["FORMULA_START", "neutralise_cell", "restore_cell", "write_csv"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """Undo :func:`neutralise_cell` on a cell read back (a returned batch), leaving other text alone."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def write_csv(rows: Iterable[dict[str, Any]], path: str | Path, fieldnames: list[str] | None = None) -> Path:
    """Write dict rows as UTF-8 CSV (``\\n`` line ends), every text cell neutralised.

    Parameters
    ----------
    rows : iterable of dict
    path : str or Path
    fieldnames : list of str, optional
        Column order; by default every key in first-seen order. Header names are neutralised too.

    Returns
    -------
    Path
        The file written.
    """
    rows = list(rows)
    cols = fieldnames or list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([neutralise_cell(c) for c in cols])
    for r in rows:
        w.writerow([neutralise_cell("" if r.get(c) is None else r.get(c)) for c in cols])
    path = Path(path)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path
