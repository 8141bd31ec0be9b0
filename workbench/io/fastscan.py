"""One pass over a JSONL file's bytes before Arrow parses it: may the vectorised reader take it?

Arrow's JSON reader crashes the process (segmentation fault) on a line nested some thousands deep, and
it does not check UTF-8, so these are found first, in 16 MB blocks with numpy: lines (for line
numbers), an upper bound of the opening brackets on one line (which bounds its depth), NUL bytes, a
BOM, invalid UTF-8, and lines that do not start with ``{`` (Arrow also crashes on a first line
``null``). Any of them sends the file to the exact path, which quarantines the row concerned.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

BLOCK = 1 << 20  # several passes per block: small enough to stay in cache
WINDOW = 4096
ARROW_SAFE_OPENS = 1000  # Arrow parsed 3,000-deep lines in tests and crashed at 10,000: stay far below
SHORT_LINE = 2 * ARROW_SAFE_OPENS  # a line this short cannot nest deeper than Arrow parsed safely


@dataclass(frozen=True)
class Scan:
    lines: int  # a last line without a newline counts
    max_opens: int  # bound of '[' and '{' on one line (0 when every line is shorter than SHORT_LINE)
    clean: bool  # valid UTF-8, no NUL byte, no BOM, every line starts with "{"
    ends_with_newline: bool

    @property
    def arrow_safe(self) -> bool:
        return self.clean and self.max_opens <= ARROW_SAFE_OPENS


def _utf8_ok(view: memoryview, tail: bytes) -> tuple[bool, bytes]:
    """Is this block valid UTF-8, given the incomplete character ``tail`` the last block ended with?

    ``str(view, "utf-8")`` is ~40x faster here than an incremental decoder; a character split between
    blocks is checked on its own.
    """
    lead = 0
    while lead < min(3, len(view)) and 0x80 <= view[lead] < 0xC0:
        lead += 1
    try:
        if tail or lead:
            str(tail + bytes(view[:lead]), "utf-8")
        str(view[lead:], "utf-8")
        return True, b""
    except UnicodeDecodeError as exc:
        rest = len(view) - lead
        if exc.reason == "unexpected end of data" and exc.end == rest and rest - exc.start < 4 and not tail:
            return True, bytes(view[lead + exc.start:])
        return False, b""


def _opens_bound(a: np.ndarray, nl: np.ndarray, carry: int) -> tuple[int, int]:
    """An upper bound of '[' and '{' on any line that ends in this block, and the count carried on.

    Only needed once a line longer than ``SHORT_LINE`` bytes has been seen (from then on, for every
    block: the carried count must stay right). Counting per 4 KB window instead of per line: a line spans the windows from
    one holding a newline to the next one holding a newline, so summing those windows bounds it.
    """
    n = len(a)
    m = n // WINDOW * WINDOW
    opens = ((a | 0x20) == 0x7B).view(np.uint8)  # only '[' (0x5b) and '{' (0x7b) map to 0x7b
    counts = opens[:m].reshape(-1, WINDOW).sum(axis=1, dtype=np.int64)
    if m < n:
        counts = np.append(counts, int(opens[m:].sum()))
    cum = np.concatenate([[0], np.cumsum(counts)])
    w = nl // WINDOW  # sorted: keep the first of each run (np.unique would sort again)
    nw = w[np.r_[True, w[1:] != w[:-1]]] if len(w) else w
    if not len(nw):
        return 0, carry + int(cum[-1])
    most = carry + int(cum[nw[0] + 1])
    if len(nw) > 1:
        most = max(most, int((cum[nw[1:] + 1] - cum[nw[:-1]]).max()))
    return most, int(cum[-1] - cum[nw[-1]])


def scan(path: Path) -> Scan:
    """Read ``path`` once in blocks (one reused buffer) and report what the fast path must know."""
    buf = bytearray(BLOCK)
    lines = carry = most = run = 0  # run: bytes of the line still open at the end of the last block
    clean, last, pending, tail, long_seen = True, 10, True, b"", False
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            view = memoryview(buf)[:n]
            a = np.frombuffer(buf, np.uint8, count=n)
            nl = np.flatnonzero(a == 10)
            lines += len(nl)
            before, was_long = run, long_seen
            if len(nl):
                longest = max(run + int(nl[0]) + 1, int(np.diff(nl).max()) if len(nl) > 1 else 0)
                run = n - int(nl[-1]) - 1
            else:
                longest, run = 0, run + n
            long_seen = long_seen or longest > SHORT_LINE or run > SHORT_LINE
            if long_seen:  # only then count brackets (three more passes over the block)
                if not was_long:
                    carry = before  # the open line's earlier bytes were not counted: bytes bound them
                bound, carry = _opens_bound(a, nl, carry)
                most = max(most, bound)
            if clean:  # no BOM, every line starts with "{", no NUL byte, valid UTF-8
                starts = nl[:-1] + 1 if len(nl) and nl[-1] == n - 1 else nl + 1
                clean = not (pending and a[0] != 0x7B) and bool(np.all(a[starts] == 0x7B))
                clean = clean and buf.find(b"\x00", 0, n) < 0
            if clean:
                clean, tail = _utf8_ok(view, tail)
            last = buf[n - 1]
            pending = last == 10  # the next block starts a line
    return Scan(lines + (last != 10), max(most, carry), clean and not tail, last == 10)
