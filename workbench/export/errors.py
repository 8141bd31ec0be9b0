"""The one error an export raises for bad input (a ValueError, so callers can catch either)."""
from __future__ import annotations


class ExportError(ValueError):
    """An export that cannot be made as asked: the message says why in one line.

    Raised before anything is moved into the output folder, so a failed export leaves nothing behind.
    """
