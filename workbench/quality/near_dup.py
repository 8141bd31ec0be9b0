"""Deprecated alias of :mod:`workbench.quality.near_duplicates` (issue 16: a signal's module is named as the signal).

``import workbench.quality.near_dup`` gives the same module object, so old imports and patches keep working.
"""
import sys

from workbench.quality import near_duplicates as _module

sys.modules[__name__] = _module
