"""Text from people or data placed into the Markdown documents the workbench writes (the quality report,
the agreement report, the dataset card, the guidelines, the curation summary).

Names of reviewers, categories, criteria, tags and splits, and snippets of records, are data: they
must show as written and never act as markup. ``<`` and ``>`` become the entities ``&lt;`` / ``&gt;``
(so no raw tag, ``<script>`` or ``<img onerror=...>``, is ever in the file, whatever renders it), and the
Markdown characters that could open a link, an image, a code span or emphasis, or end a table cell,
are backslash-escaped. Renderers show the original characters.
"""
from __future__ import annotations

import re
from typing import Any

__all__ = ["md_inline", "md_prose", "md_code"]

# What could act as markup inside a line: the escape character itself, code spans, emphasis with "*",
# link and image brackets, table cell separators. ("_" is left alone: intraword, as in open_qa, it is
# never emphasis, and names are full of it.)
_INLINE = re.compile(r"([\\`*\[\]|])")
_WS = re.compile(r"\s+")


def _html(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def md_inline(value: Any) -> str:
    """``value`` as one line of Markdown text: markup and raw HTML neutralised, whitespace (newlines
    included, which would end a table row) collapsed to single spaces.

    Parameters
    ----------
    value : Any
        Converted with ``str``; None gives "".

    Returns
    -------
    str
    """
    text = _WS.sub(" ", "" if value is None else str(value)).strip()
    return _html(_INLINE.sub(r"\\\1", text))


def md_prose(value: Any) -> str:
    """Free text written to be read as Markdown (a guideline's task, refusal policy): its formatting
    is kept, raw HTML is not (``<`` / ``>`` become entities)."""
    return _html("" if value is None else str(value))


def md_code(value: Any) -> str:
    """``value`` as an inline code span whose fence no backtick inside it can close."""
    text = _WS.sub(" ", "" if value is None else str(value)).strip()
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
