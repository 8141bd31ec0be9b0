"""One pass over a JSONL file's bytes before Arrow parses it: may the vectorised reader take it?

Arrow's JSON reader crashes the process (segmentation fault) on a line nested some thousands deep, and
it does not check UTF-8, so these are found first, in 16 MB blocks with numpy: lines (for line
numbers), opening brackets per line (an upper bound of each line's depth), NUL bytes, a BOM, invalid
UTF-8, and lines that do not start with ``{`` (Arrow also crashes on a first line ``null``). Any of them sends the file to the exact path, which quarantines the row concerned.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BLOCK = 16 << 20
ARROW_SAFE_OPENS = 1000  # Arrow parsed 3,000-deep lines in tests and crashed at 10,000: stay far below


@dataclass(frozen=True)
class Scan:
    lines: int  # a last line without a newline counts
    max_opens: int  # most '[' and '{' on one line
    clean: bool  # valid UTF-8, no NUL byte, no BOM, every line starts with "{"
    ends_with_newline: bool

    @property
    def arrow_safe(self) -> bool:
        return self.clean and self.max_opens <= ARROW_SAFE_OPENS


def scan(path: Path) -> Scan:
    """Read ``path`` once in blocks (one reused buffer) and report what the fast path must know."""
    buf = bytearray(BLOCK)
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = carry = most = 0
    clean, last, first, pending = True, 10, True, True
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            view = memoryview(buf)[:n]
            if first:
                clean = bytes(view[:3]) != b"\xef\xbb\xbf"
                first = False
            a = np.frombuffer(buf, np.uint8, count=n)
            nl = np.flatnonzero(a == 10)
            opens = np.flatnonzero((a | 0x20) == 0x7B)  # only '[' (0x5b) and '{' (0x7b) map to 0x7b
            per = np.bincount(np.searchsorted(nl, opens), minlength=len(nl) + 1)
            per[0] += carry
            if len(nl):
                most = max(most, int(per[:-1].max()))
            carry = int(per[-1])
            lines += len(nl)
            last = buf[n - 1]
            starts = nl[:-1] + 1 if len(nl) and nl[-1] == n - 1 else nl + 1
            if clean and ((pending and a[0] != 0x7B) or not np.all(a[starts] == 0x7B)):
                clean = False
            pending = bool(len(nl)) and nl[-1] == n - 1  # the next block starts a line
            if clean:
                clean = buf.find(b"\x00", 0, n) < 0
            if clean:
                try:
                    decoder.decode(view)
                except UnicodeDecodeError:
                    clean = False
    if clean:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            clean = False
    return Scan(lines + (last != 10), max(most, carry), clean, last == 10)
