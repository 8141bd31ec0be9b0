"""workbench: curate LLM fine-tuning data in Jupyter — load, review, measure, agree, export.

The top-level names are imported lazily so that ``import workbench`` stays cheap (a Voila kernel or a
CLI call pays only for what it uses).
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "load": ("workbench.io", "load"),
    "write": ("workbench.io", "write"),
    "LoadError": ("workbench.io", "LoadError"),
    "Dataset": ("workbench.model", "Dataset"),
    "Record": ("workbench.model", "Record"),
    "Guidelines": ("workbench.model", "Guidelines"),
    "Project": ("workbench.store", "Project"),
    "signals": ("workbench.quality", "signals"),
    "compute_signals": ("workbench.quality", "compute_signals"),
    "draft_guidelines": ("workbench.workflows.guidelines", "draft_guidelines"),
    "report": ("workbench.report", "report"),
    "export": ("workbench.export", "export"),
    "review": ("workbench.ui", "review"),
    "agreement": ("workbench.agreement", None),
    "plots": ("workbench.plots", None),
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'workbench' has no attribute {name!r}")
    module, attr = _LAZY[name]
    mod = importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
