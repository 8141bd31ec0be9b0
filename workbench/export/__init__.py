"""Export: leak-free, reproducible splits in trainer formats, and the documents a team hands over.

- :func:`export` - a project or file to ``train/val/test`` files, ``manifest.json``, the quality report,
  ``category_distribution.json``, ``annotation_guidelines.md`` and a dataset card ``README.md``.
- :func:`leakage_check`, :func:`assign_splits`, :func:`record_groups` - grouped stratified splits.
- :func:`openai_format_errors` - the OpenAI cookbook's checks on a written file.
- :mod:`workbench.export.labelstudio` and :mod:`workbench.export.vendor` - hand-off to Label Studio
  and to annotation vendors, and the way back as reviewer events.
"""
import sys as _sys
import types as _types

from workbench.export.errors import ExportError
from workbench.export.export import MANIFEST, export
from workbench.export.guidelines_md import render_guidelines_md
from workbench.export.openai_checks import openai_format_errors
from workbench.export.select import select_records
from workbench.export.splits import assign_splits, leakage_check, parse_splits, record_groups

__all__ = ["ExportError", "MANIFEST", "export", "render_guidelines_md", "openai_format_errors",
           "select_records", "assign_splits", "leakage_check", "parse_splits", "record_groups"]


class _CallableModule(_types.ModuleType):
    """Calling the package calls :func:`export`.

    ``wb.export(...)`` is the documented entry point, but once any ``workbench.export.*`` module has been
    imported Python binds this package, not the function, to the name ``workbench.export``; making the
    package callable keeps ``wb.export(...)`` working in either case.
    """

    def __call__(self, *args, **kwargs):
        return export(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
