"""Export: leak-free, reproducible splits in trainer formats, and the documents a team hands over.

- :func:`export` - a project or file to ``train/val/test`` files, ``manifest.json``, the quality report,
  ``category_distribution.json``, ``annotation_guidelines.md`` and a dataset card ``README.md``.
- :func:`leakage_check`, :func:`assign_splits`, :func:`record_groups` - grouped stratified splits.
- :func:`openai_format_errors` - the OpenAI cookbook's checks on a written file.
- :mod:`workbench.export.labelstudio` and :mod:`workbench.export.vendor` - hand-off to Label Studio
  and to annotation vendors, and the way back as reviewer events.
"""

from workbench.export.errors import ExportError
from workbench.export.export import MANIFEST, export
from workbench.export.guidelines_md import render_guidelines_md
from workbench.export.openai_checks import openai_format_errors
from workbench.export.select import select_records
from workbench.export.splits import assign_splits, leakage_check, parse_splits, record_groups
from workbench.model.entry import make_callable

__all__ = ["ExportError", "MANIFEST", "export", "render_guidelines_md", "openai_format_errors",
           "select_records", "assign_splits", "leakage_check", "parse_splits", "record_groups"]

make_callable(__name__, export)
