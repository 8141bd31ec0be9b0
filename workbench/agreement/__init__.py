"""Inter-annotator agreement: kappa, Krippendorff's alpha, bootstrap intervals, annotator quality.

Inputs are a *long table* (``record_id, annotator, field, value`` [+ ``time, category, is_gold``])
or a *wide matrix* (annotators x items, None/NaN missing); see :mod:`workbench.agreement.tables`.
Undefined coefficients are NaN (never an exception, never a warning); :func:`interpret` turns a
value into its reading band.
"""

from .adjudication import adjudication_queue, calibration_report
from .alpha import LEVELS, coincidence_matrix, krippendorff_alpha
from .annotators import (
    drift,
    gold_accuracy,
    leniency,
    majority_disagreement,
    per_category_agreement,
)
from .bootstrap import Interval, alpha_ci, bootstrap_ci, kappa_ci
from .interpret import BANDS, interpret
from .kappa import (
    KappaMatrix,
    cohen_kappa,
    cohen_kappa_matrix,
    fleiss_kappa,
    percent_agreement,
    randolph_kappa,
    scott_pi,
)
from .kinds import (
    KINDS,
    VALUE_KINDS,
    canonical_matrix,
    field_agreement,
    infer_kind,
    kendall_w,
    pairwise_preference_agreement,
    preference_label,
    ranking_ranks,
    text_similarity,
)
from .report import agreement_summary, write_agreement_report
from .tables import as_matrix, encode, to_matrix

__all__ = [
    "BANDS", "KINDS", "LEVELS", "VALUE_KINDS", "Interval", "KappaMatrix",
    "adjudication_queue", "agreement_summary", "alpha_ci", "as_matrix", "bootstrap_ci",
    "calibration_report", "canonical_matrix", "coincidence_matrix", "cohen_kappa", "cohen_kappa_matrix",
    "drift", "encode", "field_agreement", "fleiss_kappa", "gold_accuracy", "infer_kind", "interpret",
    "kappa_ci", "kendall_w", "krippendorff_alpha", "leniency", "majority_disagreement",
    "pairwise_preference_agreement", "per_category_agreement", "percent_agreement", "preference_label",
    "randolph_kappa", "ranking_ranks", "scott_pi", "text_similarity", "to_matrix", "write_agreement_report",
]
