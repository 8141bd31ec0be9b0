"""Names given by people that become part of a path: split names, batch ids, output file names.

One check, used wherever such a name is joined to a folder, so a name can never climb out of it
(``../../x``), point elsewhere (``/etc/x``, ``C:x``), hide a separator (``a\\b``) or truncate a path
at a NUL byte.
"""
from __future__ import annotations

import re

__all__ = ["check_name"]

_MAX_BYTES = 200  # leaves room for a suffix under the 255-byte limit of common file systems
# separators, NUL and control characters, and what Windows refuses in a file name (so an export made
# here can be copied there, and no name carries markup such as <script>)
_FORBIDDEN = re.compile(r'[/\\:<>"|?*\x00-\x1f\x7f]')


def check_name(name: object, what: str = "name", error: type[Exception] = ValueError) -> str:
    """``name`` when it is safe as one path component, else ``error`` with a one-line reason.

    Parameters
    ----------
    name : object
        The name as given (must be a string).
    what : str
        What the name is, for the message (``"split name"``, ``"batch id"``...).
    error : exception class
        Raised on a bad name (callers pass their package's error, e.g. ``ExportError``).

    Returns
    -------
    str
        The name, unchanged.

    Raises
    ------
    error
        Not a string, empty or blank, ``.`` or ``..``, longer than 200 bytes, or holding ``/``, ``\\``,
        ``:``, ``<``, ``>``, ``"``, ``|``, ``?``, ``*``, a NUL or another control character.
    """
    if not isinstance(name, str):
        raise error(f"{what} must be text, got {type(name).__name__}")
    if not name.strip():
        raise error(f"{what} must not be empty")
    if name.strip() in (".", ".."):
        raise error(f"{what} {name!r} is not allowed: it would name a folder outside the output")
    bad = _FORBIDDEN.search(name)
    if bad:
        ch = {"\x00": "a NUL byte"}.get(bad.group(), repr(bad.group()))
        raise error(f"{what} {name!r} must not contain {ch}: use letters, digits, '-', '_' or '.'")
    if len(name.encode("utf-8")) > _MAX_BYTES:
        raise error(f"{what} is longer than {_MAX_BYTES} bytes")
    return name
