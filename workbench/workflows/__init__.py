"""Workflows that span packages: the layer ``ui``, ``app`` and ``cli`` call.

Each rule below has its one owner here; the packages underneath (``store``, ``quality``, ``agreement``,
``io``, ``report``, ``export``) never reach up to it.

- :mod:`~workbench.workflows.signals` - a project's quality signals through its cache
  (:func:`project_signals`; :func:`signals_or_none` logs and shows a failure instead of raising).
- :mod:`~workbench.workflows.projects` - :func:`init_project` from a data file, :func:`open_project`.
- :mod:`~workbench.workflows.review` - what a review opens on (the project, the queue's signal frame);
  the widget is :func:`workbench.review` (``workbench.ui``).
- :mod:`~workbench.workflows.agreement` - :func:`long_table` / :func:`run_agreement` from a project,
  a Label Studio export (through a scratch project) or a long table file.
- :mod:`~workbench.workflows.guidelines` - :func:`draft_guidelines` from a data file.

Import the function from its module (``from workbench.workflows.signals import project_signals``): the
package imports nothing itself, so the review widget does not load the agreement package, for one.

Reports and exports of a project are :func:`workbench.report` and :func:`workbench.export`: both read
a project through its public interface (dataset, guidelines, folded state, ``cache_dir``).
"""
