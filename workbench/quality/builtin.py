"""The default signal registry: every built-in signal, then the signals other packages register.

A package adds its own signals through the entry point group ``workbench.signals``; each entry point
names a :class:`~workbench.quality.base.Signal` subclass::

    # the plugin's pyproject.toml
    [project.entry-points."workbench.signals"]
    readability = "my_package.signals:ReadabilitySignal"

A plugin that cannot be loaded, is not a Signal, or takes a built-in's name is left out with a warning
(the built-in signals always run as documented).
"""
from __future__ import annotations

import warnings
from importlib.metadata import entry_points

from workbench.quality.base import Registry, Signal
from workbench.quality.coverage import CoverageSignal
from workbench.quality.exact_duplicates import ExactDuplicateSignal
from workbench.quality.language import LanguageSignal
from workbench.quality.multiturn import MultiTurnSignal
from workbench.quality.near_duplicates import NearDuplicateSignal
from workbench.quality.pii import PIISignal
from workbench.quality.preference import PreferenceSignal
from workbench.quality.rules import GuidelineRulesSignal
from workbench.quality.safety import SafetySignal
from workbench.quality.semantic_dup import SemanticDuplicateSignal
from workbench.quality.task_type import TaskTypeSignal
from workbench.quality.text_stats import TextStatsSignal
from workbench.quality.topics import TopicsSignal

ENTRY_POINT_GROUP = "workbench.signals"

# in a dependency-respecting order; topics last: its summary reads the task types and flags of the
# signals before it in the same run
BUILTIN_SIGNALS: tuple[type[Signal], ...] = (
    TextStatsSignal, ExactDuplicateSignal, NearDuplicateSignal, SemanticDuplicateSignal, TaskTypeSignal,
    LanguageSignal, PIISignal, SafetySignal, GuidelineRulesSignal, MultiTurnSignal, PreferenceSignal,
    CoverageSignal, TopicsSignal)


def builtin_registry() -> Registry:
    """A new registry holding the built-in signals only."""
    reg = Registry()
    for cls in BUILTIN_SIGNALS:
        reg.register(cls)
    return reg


def plugin_signals() -> list[type[Signal]]:
    """The Signal classes registered by installed packages under :data:`ENTRY_POINT_GROUP`."""
    builtin = {cls.name for cls in BUILTIN_SIGNALS}
    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the built-in signals
            warnings.warn(f"signal plugin {ep.name!r} ({ep.value}) could not be loaded and is left out: "
                          f"{type(exc).__name__}: {exc}", RuntimeWarning, stacklevel=2)
            continue
        if not (isinstance(cls, type) and issubclass(cls, Signal) and cls.name):
            warnings.warn(f"signal plugin {ep.name!r} ({ep.value}) is not a named Signal subclass and is "
                          "left out", RuntimeWarning, stacklevel=2)
        elif cls.name in builtin:
            warnings.warn(f"signal plugin {ep.name!r} ({ep.value}) takes the built-in name {cls.name!r} "
                          "and is left out", RuntimeWarning, stacklevel=2)
        else:
            found.append(cls)
    return found


def default_registry() -> Registry:
    """A new registry: the built-in signals, then the installed plugins' (nothing global to clean up)."""
    reg = builtin_registry()
    for cls in plugin_signals():
        reg.register(cls)
    return reg


__all__ = ["BUILTIN_SIGNALS", "ENTRY_POINT_GROUP", "builtin_registry", "default_registry", "plugin_signals"]
