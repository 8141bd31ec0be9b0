"""Errors of the I/O layer: a whole-file failure (one line, no traceback) and a single bad row."""
from __future__ import annotations


class LoadError(Exception):
    """The file cannot be read at all (missing, unreadable, unknown format). Message is one line."""


class RowError(Exception):
    """One row is invalid; ``codes`` are reason codes (several problems can be reported at once)."""

    def __init__(self, code: str | list[str], detail: str = "") -> None:
        self.codes = [code] if isinstance(code, str) else list(code)
        self.detail = detail or ", ".join(self.codes)
        super().__init__(self.detail)
