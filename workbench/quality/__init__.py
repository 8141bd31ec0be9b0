"""Quality signals: one small class per check, a registry, and a cached engine that runs them.

    >>> from workbench.quality import compute_signals, signals
    >>> report = compute_signals(dataset, cache_dir="project/.cache/signals")
    >>> report.frame[report.frame["is_near_duplicates_issue"]]  # one DataFrame, one row per record
    >>> report.summaries["pii"]                              # JSON-serialisable summaries

Scores follow cleanlab's convention: ``<name>_score`` in [0, 1], 1 = no issue, lower = worse.
"""
from __future__ import annotations

from workbench.quality.base import (
    Registry,
    Signal,
    SignalContext,
    SignalResult,
    jsonable,
)
from workbench.quality.engine import SignalReport, compute_signals


def signals(dataset, guidelines=None, signals=None, cache_dir=None):
    """Per-record signal columns as one DataFrame (``compute_signals(...).frame``) for ad-hoc pandas work."""
    return compute_signals(dataset, guidelines=guidelines, signals=signals, cache_dir=cache_dir).frame


def default_registry():
    """A new registry of the built-in and plugin signals (see :mod:`workbench.quality.builtin`)."""
    from workbench.quality.builtin import default_registry as _default  # imports every signal module

    return _default()


def redact(texts, types=None):
    """Replace PII with typed placeholders such as ``[EMAIL]`` (see ``workbench.quality.pii.redact``)."""
    from workbench.quality.pii import redact as _redact

    return _redact(texts, types)


__all__ = [
    "Registry", "Signal", "SignalContext", "SignalResult", "SignalReport", "compute_signals",
    "default_registry", "jsonable", "redact", "signals",
]
