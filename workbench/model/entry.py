"""Packages whose name is also their main function (``wb.export(...)``, ``wb.report(...)``)."""
from __future__ import annotations

import sys
import types
from collections.abc import Callable


def make_callable(module_name: str, fn: Callable) -> None:
    """Make the package ``module_name`` callable as ``fn``.

    ``wb.export(...)`` is the documented entry point, but once any ``workbench.export.*`` module has
    been imported Python binds the package, not the function, to the name ``workbench.export``;
    a callable package keeps ``wb.export(...)`` working either way.
    """

    class CallablePackage(types.ModuleType):
        __doc__ = fn.__doc__

        def __call__(self, *args, **kwargs):
            return fn(*args, **kwargs)

    sys.modules[module_name].__class__ = CallablePackage
