"""JSON text to rows, one row at a time: JSON Lines and JSON arrays.

Every check that can fail a single row lives here, so the exact path and the vectorised path's re-read
of its rejected rows give the same reason codes: NUL bytes, invalid UTF-8 (raw bytes, or an escaped lone
surrogate that cannot be written back as UTF-8), duplicate keys, nesting deeper than ``MAX_DEPTH``, and
JSON syntax. Top-level ``null`` fields are dropped: a null field and a missing one mean the same thing
in every container (Parquet, CSV and Arrow's reader cannot tell them apart either).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from workbench.io.errors import RowError

MAX_DEPTH = 100  # containers inside containers; real records nest < 10 deep
RAW_CHARS = 500


@dataclass
class RawRow:
    line: int | None
    value: Any  # a dict (usually), or a RowError for an unparseable row
    raw: str = ""


class _DuplicateKey(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return out


_STRICT = json.JSONDecoder(object_pairs_hook=_pairs)
_LENIENT = json.JSONDecoder(object_pairs_hook=_pairs, strict=False)  # control characters in strings
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def bad_utf8(s: str) -> bool:
    """True when ``s`` holds bytes that were not UTF-8 (decoded with ``surrogateescape``)."""
    try:
        s.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def depth(value: Any) -> int:
    """Nesting depth of a parsed value (scalars 0), without recursion."""
    best, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        kids = v.values() if isinstance(v, dict) else v if isinstance(v, list) else None
        if kids is None:
            continue
        best = max(best, d)
        stack.extend((k, d + 1) for k in kids if isinstance(k, (dict, list)))
    return best


def _check(value: Any, text: str) -> Any:
    """Row-level checks on a decoded value; ``text`` is its source (for cheap pre-filters)."""
    if text.count("[") + text.count("{") > MAX_DEPTH and depth(value) > MAX_DEPTH:
        raise RowError("nesting_too_deep", f"nested more than {MAX_DEPTH} levels deep")
    if "\\ud" in text or "\\uD" in text:  # an escaped surrogate: fine in pairs, not alone
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise RowError("invalid_utf8", "holds an escaped lone surrogate (not valid Unicode)") from None
    if isinstance(value, dict) and None in value.values():
        value = {k: v for k, v in value.items() if v is not None}
    return value


def _decode_error(exc: BaseException, where: str, truncated: bool = False) -> RowError:
    if isinstance(exc, _DuplicateKey):
        return RowError("duplicate_key", f"{where}: key {exc.args[0]!r} appears more than once in one object")
    if isinstance(exc, RecursionError):
        return RowError("nesting_too_deep", f"{where}: nested more than {MAX_DEPTH} levels deep")
    assert isinstance(exc, json.JSONDecodeError)
    return RowError("truncated_line" if truncated else "parse_error", f"{where}: {exc.msg} at column {exc.colno}")


def parse_line(line: str, number: int, last: bool = False, check_utf8: bool = True) -> RawRow:
    """One JSON Lines row (``line`` without its newline) as a ``RawRow``; problems become a RowError.

    ``last``: the final line of a file that does not end with a newline (a parse error there is a
    truncated line). ``check_utf8=False`` when the caller knows the whole text is valid UTF-8.
    """
    where = f"line {number}"
    err = _text_error(line, where, check_utf8)
    if err is not None:
        return RawRow(number, err, _raw(line))
    try:
        value = _STRICT.decode(line)
    except (json.JSONDecodeError, _DuplicateKey, RecursionError) as exc:
        return RawRow(number, _decode_error(exc, where, last), line[:RAW_CHARS])
    return _value_row(number, value, line, where)


def _text_error(text: str, where: str, check_utf8: bool) -> RowError | None:
    """A problem of a row's text itself (bytes that are not UTF-8, a NUL byte), or None."""
    if check_utf8 and bad_utf8(text):
        return RowError("invalid_utf8", f"{where} is not valid UTF-8")
    if "\x00" in text:
        return RowError("nul_byte", f"{where} holds a NUL byte")
    return None


def _value_row(number: int, value: Any, text: str, where: str) -> RawRow:
    """A decoded row after the value checks of ``_check`` (its error, if any, names ``where``)."""
    try:
        return RawRow(number, _check(value, text), text[:RAW_CHARS])
    except RowError as err:
        return RawRow(number, RowError(err.codes, f"{where} {err.detail}"), text[:RAW_CHARS])


def rows_from_jsonl(text: str) -> list[RawRow]:
    """Every non-blank line of a JSON Lines text, numbered from 1."""
    lines = text.split("\n")
    check = bad_utf8(text)
    last = len(lines) - 1
    truncated = not text.endswith("\n")
    return [parse_line(line, i + 1, truncated and i == last, check) for i, line in enumerate(lines)
            if line.strip()]


def _skip_value(text: str, pos: int) -> int | None:
    """End of the bracketed value starting at ``pos`` (strings respected), or None if it never closes."""
    level = 0
    for m in _TOKENS.finditer(text, pos):
        tok = m.group()
        if tok in "[{":
            level += 1
        elif tok in "]}":
            level -= 1
        if level <= 0:
            return m.end()
    return None


def rows_from_json_array(text: str) -> list[RawRow]:
    """Elements of a JSON array, decoded one by one so one bad element loses only itself.

    An element that cannot be decoded is skipped to its closing bracket; only a damaged tail (an
    element that never closes) ends the reading.
    """
    check = bad_utf8(text)
    rows: list[RawRow] = []
    n = len(text)
    pos = text.index("[") + 1
    line, line_pos = 1, 0

    def line_of(p: int) -> int:
        nonlocal line, line_pos
        line += text.count("\n", line_pos, p)
        line_pos = p
        return line

    while True:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n:
            rows.append(RawRow(line_of(pos), RowError("truncated_line", "the JSON array is not closed"), ""))
            return rows
        if text[pos] == "]":
            return rows
        number = line_of(pos)
        where = f"line {number}"
        try:
            value, end = _STRICT.raw_decode(text, pos)
        except (json.JSONDecodeError, _DuplicateKey, RecursionError) as exc:
            skipped = _skip_value(text, pos)
            if skipped is None:  # the element never closes: nothing after it can be trusted
                near_end = not isinstance(exc, json.JSONDecodeError) or exc.pos >= n - 1
                err = RowError("truncated_line" if near_end else "parse_error",
                               f"{where}: the array ends inside this element; the rest cannot be read")
                rows.append(RawRow(number, err, _raw(text[pos:])))
                return rows
            element = text[pos:skipped]
            found = _text_error(element, where, check) if isinstance(exc, json.JSONDecodeError) else None
            rows.append(RawRow(number, found or _decode_error(exc, where), _raw(element)))
            pos = skipped
            continue
        element = text[pos:end]
        problem = _text_error(element, where, check)
        rows.append(RawRow(number, problem, _raw(element)) if problem else _value_row(number, value, element, where))
        pos = end


def _raw(s: str) -> str:
    return s[:RAW_CHARS].encode("utf-8", "replace").decode().replace("\x00", "\\0")
