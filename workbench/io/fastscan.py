"""Before Arrow parses JSONL bytes: may the vectorised reader take them?

Arrow's JSON reader crashes the process (segmentation fault) on a line nested some thousands deep, and
it does not check UTF-8, so these are found first, in 1 MB blocks with numpy: lines (for line
numbers), the opening brackets on each long line (which bound its depth), NUL bytes, a BOM, invalid
UTF-8 (Arrow's validator), and lines that do not start with ``{`` (Arrow also crashes on a first line
``null``). Any of them sends the file to the exact path, which quarantines the row concerned.

``scan`` reads a whole file for these checks (before a whole-file read); ``piece_lines`` makes the same
checks on a piece of whole lines the piece-by-piece reader already holds in memory, just before Arrow
parses it (no second read of the file, and it runs in the reader's worker threads).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

BLOCK = 1 << 20  # several passes per block: small enough to stay in cache
ARROW_SAFE_OPENS = 1000  # Arrow parsed 3,000-deep lines in tests and crashed at 10,000: stay far below
SHORT_LINE = 2 * ARROW_SAFE_OPENS  # a line this short cannot nest deeper than Arrow parsed safely


@dataclass(frozen=True)
class Scan:
    lines: int  # a last line without a newline counts
    max_opens: int  # most '[' and '{' on one line longer than SHORT_LINE bytes (0 when there is none)
    clean: bool  # valid UTF-8, no NUL byte, no BOM, every line starts with "{"
    ends_with_newline: bool
    longest: int = 0  # bytes of the longest line (its newline included)

    @property
    def arrow_safe(self) -> bool:
        return self.clean and self.max_opens <= ARROW_SAFE_OPENS


def _utf8_valid(data) -> bool:
    """Arrow's UTF-8 validation (SIMD; rejects what Python's decoder rejects: overlong forms, surrogates,
    code points above U+10FFFF, stray continuation bytes), ~4x faster than ``str(data, "utf-8")``."""
    view = memoryview(data)
    arr = pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(np.array([0, len(view)], np.int32)),
                                                 pa.py_buffer(view)])
    try:
        arr.validate(full=True)
        return True
    except pa.ArrowInvalid:
        return False


def _complete(buf, n: int) -> int:
    """Where the last complete UTF-8 character of ``buf[:n]`` ends (a character split across blocks is cut)."""
    i = n - 1
    while i > n - 4 and i >= 0 and 0x80 <= buf[i] < 0xC0:
        i -= 1
    if i >= 0 and buf[i] >= 0xC0:
        need = 2 if buf[i] < 0xE0 else 3 if buf[i] < 0xF0 else 4
        return i if n - i < need else n
    return n


def _opens(buf: bytearray, start: int, end: int) -> int:
    return buf.count(b"[", start, end) + buf.count(b"{", start, end)


def scan(path: Path) -> Scan:
    """Read ``path`` once in blocks (one reused buffer) and report what the fast path must know.

    '[' and '{' are counted (``bytes.count``) only on lines longer than ``SHORT_LINE`` and on the line
    still open at the end of a block, so ordinary files pay one pass for newlines and one for UTF-8.
    """
    buf = bytearray(BLOCK)
    lines = carry = most = run = longest = 0  # run/carry: bytes and brackets of the line still open after the last block
    clean, last, pending, tail = True, 10, True, b""
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            a = np.frombuffer(buf, np.uint8, count=n)
            nl = np.flatnonzero(a == 10)
            lines += len(nl)
            if len(nl):
                first = int(nl[0])
                longest = max(longest, run + first + 1, int(np.diff(nl).max()) if len(nl) > 1 else 0)
                if run + first + 1 > SHORT_LINE:
                    most = max(most, carry + _opens(buf, 0, first))
                if len(nl) > 1:
                    for j in np.flatnonzero(np.diff(nl) > SHORT_LINE).tolist():
                        most = max(most, _opens(buf, int(nl[j]) + 1, int(nl[j + 1])))
                begin = int(nl[-1]) + 1
                run, carry = n - begin, _opens(buf, begin, n)
            else:
                run, carry = run + n, carry + _opens(buf, 0, n)
            if clean:  # no BOM, every line starts with "{", no NUL byte
                starts = nl[:-1] + 1 if len(nl) and nl[-1] == n - 1 else nl + 1
                clean = not (pending and a[0] != 0x7B) and bool(np.all(a[starts] == 0x7B))
                clean = clean and buf.find(b"\x00", 0, n) < 0
            if clean:  # valid UTF-8: whole characters, the one split at the block's end goes with the next
                data = tail + bytes(buf[:n]) if tail else memoryview(buf)[:n]
                cut = _complete(data, len(data))
                clean = _utf8_valid(data[:cut])
                tail = bytes(data[cut:])
            last = buf[n - 1]
            pending = last == 10  # the next block starts a line
    if run > SHORT_LINE:
        most = max(most, carry)
    return Scan(lines + (last != 10), most, clean and not tail, last == 10, max(longest, run))


def piece_lines(buf, n: int) -> int | None:
    """The number of lines in ``buf[:n]`` (whole lines; the last one's newline may be missing at the end of
    the file) when Arrow may parse them, ``None`` when ``scan`` would find the file not ``arrow_safe``:
    a line not starting with "{" (blank lines, a BOM), a NUL byte, invalid or truncated UTF-8, or a line
    longer than ``SHORT_LINE`` with more than ``ARROW_SAFE_OPENS`` opening brackets.

    ``buf`` is a ``bytearray`` (or ``bytes``): its ``find`` and ``count`` search without a copy.
    """
    if n == 0:
        return 0
    a = np.frombuffer(buf, np.uint8, count=n)
    nl = np.flatnonzero(a == 10)
    ends = nl + 1 if len(nl) and nl[-1] == n - 1 else np.append(nl + 1, n)  # each line's end (newline included)
    starts = np.empty(len(ends), np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1]
    if not bool(np.all(a[starts] == 0x7B)) or buf.find(b"\x00", 0, n) >= 0:
        return None
    for j in np.flatnonzero(ends - starts > SHORT_LINE).tolist():
        if _opens(buf, int(starts[j]), int(ends[j])) > ARROW_SAFE_OPENS:
            return None
    return len(ends) if _utf8_valid(memoryview(buf)[:n]) else None
