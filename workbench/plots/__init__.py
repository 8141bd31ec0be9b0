"""Plotly figures of a dataset's composition, quality flags, duplicates, agreement and splits.

Pure functions: DataFrames / dicts / Series in, ``plotly.graph_objects.Figure`` out; no display, no
widgets, no I/O. Empty or unusable input gives a figure with a "no data" annotation, never an
exception. Clickable traces carry ``customdata`` (record ids or category keys) and a ``meta`` dict
saying how to read it (see :mod:`workbench.plots._common`), for the dashboard's linked views.
"""
from ._bands import band, band_color
from ._common import NO_DATA, empty_figure
from .agreement import alpha_by_field, kappa_heatmap
from .annotators import annotator_drift, edit_effort, gold_accuracy, rating_distributions
from .composition import (
                          category_distribution,
                          language_distribution,
                          stack_figures,
                          tag_distribution,
                          task_type_distribution,
                          topic_distribution,
)
from .duplicates import cluster_size_table, duplicate_cluster_sizes, near_duplicate_similarity
from .flags import flag_counts, pii_by_type, safety_by_category
from .lengths import length_by_role, length_histogram
from .map import map_figure, records_in_polygon, records_in_region
from .output import figure_to_html, figures_to_html
from .splits import distribution_shift, split_composition, total_variation

__all__ = [
    "NO_DATA", "alpha_by_field", "annotator_drift", "band", "band_color", "category_distribution",
    "cluster_size_table", "distribution_shift", "duplicate_cluster_sizes", "edit_effort", "empty_figure",
    "figure_to_html", "figures_to_html", "flag_counts", "gold_accuracy", "kappa_heatmap",
    "language_distribution", "length_by_role", "length_histogram", "map_figure", "near_duplicate_similarity",
    "pii_by_type", "rating_distributions", "records_in_polygon", "records_in_region", "safety_by_category",
    "split_composition", "stack_figures", "tag_distribution", "task_type_distribution",
    "topic_distribution", "total_variation",
]
