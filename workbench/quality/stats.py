"""Deprecated alias of :mod:`workbench.quality.text_stats` (issue 16: a signal's module is named as the signal).

``import workbench.quality.stats`` gives the same module object, so old imports and patches keep working.
"""
import sys

from workbench.quality import text_stats as _module

sys.modules[__name__] = _module
