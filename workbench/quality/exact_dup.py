"""Deprecated alias of :mod:`workbench.quality.exact_duplicates` (issue 16: a signal's module is named as the signal).

``import workbench.quality.exact_dup`` gives the same module object, so old imports and patches keep working.
"""
import sys

from workbench.quality import exact_duplicates as _module

sys.modules[__name__] = _module
