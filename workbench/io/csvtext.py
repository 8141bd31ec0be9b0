"""CSV text to rows, one record at a time, so one damaged record is quarantined and the rest read.

The ``csv`` module in strict mode reports a quote that never closes ("unexpected end of data") or a
stray character after a closing quote; reading then restarts on the line after the record's first
line, so an unclosed quote swallows nothing but its own line. Cells longer than Python's default
field limit (131,072 characters, usually a symptom of a broken quote), cells with NUL bytes and
cells that are not UTF-8 quarantine their record.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.io.errors import LoadError, RowError
from workbench.io.jsontext import RawRow, bad_utf8

FIELD_LIMIT = 131_072
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _cell(v: str) -> Any:
    """CSV cells holding JSON lists/objects (e.g. a ``messages`` column) are decoded."""
    if v[:1] in "[{":
        try:
            return json.loads(v)
        except (json.JSONDecodeError, RecursionError):
            return v
    return v


def _records(lines: list[str], start: int) -> Iterator[tuple[int, list[str] | RowError]]:
    """(first line number, cells or RowError) from ``lines[start:]``, restarting after each error."""
    while start < len(lines):
        # lines from ``start`` without copying the list's tail on every restart
        reader = csv.reader(map(lines.__getitem__, range(start, len(lines))), strict=True)
        prev = 0
        try:
            for cells in reader:
                yield start + prev + 1, cells
                prev = reader.line_num
            return
        except csv.Error as exc:
            first = start + prev + 1
            code = "unclosed_quote" if "unexpected end of data" in str(exc) else "parse_error"
            yield first, RowError(code, f"line {first}: {exc}")
            start = first  # lines[first] is the line after the record's first line


def rows_from_csv(text: str, path: Path) -> list[RawRow]:
    """Rows of a CSV text whose first record is the header; empty cells are left out."""
    lines = _LINES.findall(text)
    check = bad_utf8(text)
    old = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)  # measured below per cell, so an oversized cell costs one row
    try:
        records = _records(lines, 0)
        first = next(records, None)
        if first is None or isinstance(first[1], RowError) or not first[1]:
            raise LoadError(f"{path} has no readable CSV header row")
        header = first[1]
        rows = []
        for line, cells in records:
            if cells == []:  # a blank line
                continue
            raw = lines[line - 1][:500] if line - 1 < len(lines) else ""
            if check:
                raw = raw.encode("utf-8", "replace").decode()
            rows.append(RawRow(line, _row(header, cells, line, check), raw))
        return rows
    finally:
        csv.field_size_limit(old)


def _row(header: list[str], cells: list[str] | RowError, line: int, check: bool) -> dict | RowError:
    if isinstance(cells, RowError):
        return cells
    if len(cells) > len(header):
        return RowError("parse_error", f"line {line} has more cells than the header")
    if any(len(c) > FIELD_LIMIT for c in cells):
        return RowError("field_too_large", f"line {line} has a cell over {FIELD_LIMIT:,} characters")
    if any("\x00" in c for c in cells):
        return RowError("nul_byte", f"line {line} holds a NUL byte")
    if check and any(bad_utf8(c) for c in cells):
        return RowError("invalid_utf8", f"line {line} is not valid UTF-8")
    return {k: _cell(v) for k, v in zip(header, cells) if v != ""}
