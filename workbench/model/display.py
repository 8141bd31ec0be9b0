"""Short text and HTML summaries for notebooks: the reprs of datasets, signal reports and results.

Everything shown comes from data, so every value is escaped (``html.escape``) and long text is cut.
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

CARD_STYLE = ("font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; "
              "border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; display: inline-block")
PREVIEW_CHARS = 80


def cut(text: Any, limit: int = PREVIEW_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    s = " ".join(str("" if text is None else text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def call_repr(name: str, fields: dict[str, Any]) -> str:
    """``Name(key=value, ...)`` with values as ``repr``."""
    return f"{name}(" + ", ".join(f"{k}={v!r}" for k, v in fields.items()) + ")"


def html_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain HTML table, every cell escaped."""
    head = "".join(f"<th style='text-align:left'>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(c))}</td>" for c in row)
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_card(title: str, fields: dict[str, Any], *sections: tuple[str, str]) -> str:
    """A small card: a title, ``key: value`` lines (escaped), then titled HTML sections (already safe)."""
    lines = "".join(f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(str(k))}</th>"
                    f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>" for k, v in fields.items())
    parts = [f"<div style='{CARD_STYLE}'><b>{html.escape(title)}</b><table>{lines}</table>"]
    parts += [f"<div style='margin-top:6px'><i>{html.escape(heading)}</i>{body}</div>" for heading, body in sections]
    return "".join(parts) + "</div>"


class ResultDict(dict):
    """A result that is still the dict callers index (``res["counts"]``), with attributes
    (``res.counts``), a one-line repr and an HTML card. Subclasses name the keys their repr shows."""

    SHOWN: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__!s} has no {name!r}") from None

    def shown(self) -> dict[str, Any]:
        """The fields of the repr and the card (by default the keys in ``SHOWN``)."""
        return {k: self[k] for k in self.SHOWN if k in self}

    def __repr__(self) -> str:
        return call_repr(type(self).__name__, self.shown())

    def _repr_html_(self) -> str:
        return html_card(type(self).__name__, {k: _plain(v) for k, v in self.shown().items()})


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "none"
    return str(value)
