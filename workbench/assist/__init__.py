"""Assisted annotation: machine suggestions that speed reviewers up and stay marked apart from human work.

- :mod:`~workbench.assist.classifier`: TF-IDF + logistic regression on the team's labels (category,
  tags, low-quality flag), cross-validated, retrained every N new labels, suggestions stored.
- :mod:`~workbench.assist.active`: uncertainty and model-vs-team disagreement orders for the queue.
- :mod:`~workbench.assist.labeling` / :mod:`~workbench.assist.labelmodel`: labeling functions and
  guideline keyword rules, majority vote or an accuracy-weighted label model, coverage report.
- :mod:`~workbench.assist.llm`: an OpenAI-compatible chat client (retries, cache, accounting).
- :mod:`~workbench.assist.drafts`: LLM drafts and the provenance of every response.
- :mod:`~workbench.assist.judge`: LLM-as-judge scores and position-swapped preference verdicts.
- :mod:`~workbench.assist.crosscheck`: judge / classifier against the team, per category.

Everything a machine proposes is a ``suggestion`` event: the fold never counts it as an annotation.
This package reads the store, quality and agreement layers and never imports the UI.
"""
import importlib
from typing import Any

# The submodules are imported when one of their names is first used, not with the package: the
# dashboard reads two summaries from here on every page, and importing every submodule (classifier,
# judge, crosscheck -> agreement -> scipy.sparse) cost each served kernel ~0.1 s and ~16 MB it never used.
# Module names are literals, so the import-layering test sees every edge.
_MODULES: dict[str, Any] = {
    "active": lambda: importlib.import_module("workbench.assist.active"),
    "classifier": lambda: importlib.import_module("workbench.assist.classifier"),
    "common": lambda: importlib.import_module("workbench.assist.common"),
    "crosscheck": lambda: importlib.import_module("workbench.assist.crosscheck"),
    "drafts": lambda: importlib.import_module("workbench.assist.drafts"),
    "judge": lambda: importlib.import_module("workbench.assist.judge"),
    "labeling": lambda: importlib.import_module("workbench.assist.labeling"),
    "labelmodel": lambda: importlib.import_module("workbench.assist.labelmodel"),
    "llm": lambda: importlib.import_module("workbench.assist.llm"),
    "llmcache": lambda: importlib.import_module("workbench.assist.llmcache"),
}
# public name -> (submodule, its name there); the public API is this table's keys
_LAZY: dict[str, tuple[str, str]] = {
    "TextClassifier": ("classifier", "TextClassifier"), "train": ("classifier", "train"),
    "retrain": ("classifier", "retrain"), "suggest_labels": ("classifier", "suggest"),
    "auto_suggest": ("classifier", "auto_suggest"),
    "order": ("active", "order"), "queue_scores": ("active", "queue_scores"),
    "uncertainty": ("active", "uncertainty"),
    "LabelingFunction": ("labeling", "LabelingFunction"), "LabelingFunctions": ("labeling", "LabelingFunctions"),
    "labeling_function": ("labeling", "labeling_function"), "keyword_function": ("labeling", "keyword_function"),
    "rules_from_guidelines": ("labeling", "rules_from_guidelines"),
    "apply_functions": ("labeling", "apply_functions"), "combine": ("labelmodel", "combine"),
    "lf_report": ("labelmodel", "lf_report"), "suggest_from_rules": ("labeling", "suggest"),
    "LLMClient": ("llm", "LLMClient"), "LLMConfig": ("llm", "LLMConfig"), "LLMError": ("llm", "LLMError"),
    "LLMUnavailable": ("llm", "LLMUnavailable"), "usage_report": ("llmcache", "usage_report"),
    "draft": ("drafts", "draft"), "provenance_frame": ("drafts", "provenance_frame"),
    "provenance_counts": ("drafts", "provenance_counts"),
    "score_records": ("judge", "score_records"), "judge_preferences": ("judge", "judge_preferences"),
    "crosscheck": ("crosscheck", "crosscheck"), "review_queue": ("crosscheck", "review_queue"),
    "assist_settings": ("common", "assist_settings"), "human_values": ("common", "human_values"),
    "suggestions_frame": ("common", "suggestions_frame"), "suggestion_summary": ("common", "suggestion_summary"),
}
__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'workbench.assist' has no attribute {name!r}")
    module, attr = _LAZY[name]
    value = getattr(_MODULES[module](), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_LAZY))
