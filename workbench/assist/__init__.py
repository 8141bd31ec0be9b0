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
from workbench.assist.active import order, queue_scores, uncertainty
from workbench.assist.classifier import TextClassifier, auto_suggest, retrain, train
from workbench.assist.classifier import suggest as suggest_labels
from workbench.assist.common import assist_settings, human_values, suggestion_summary, suggestions_frame
from workbench.assist.crosscheck import crosscheck, review_queue
from workbench.assist.drafts import draft, provenance_counts, provenance_frame
from workbench.assist.judge import judge_preferences, score_records
from workbench.assist.labeling import (
                                       LabelingFunction,
                                       LabelingFunctions,
                                       apply_functions,
                                       keyword_function,
                                       labeling_function,
                                       rules_from_guidelines,
)
from workbench.assist.labeling import suggest as suggest_from_rules
from workbench.assist.labelmodel import combine, lf_report
from workbench.assist.llm import LLMClient, LLMConfig, LLMError, LLMUnavailable
from workbench.assist.llmcache import usage_report

__all__ = [
    "TextClassifier", "train", "retrain", "suggest_labels", "auto_suggest",
    "order", "queue_scores", "uncertainty",
    "LabelingFunction", "LabelingFunctions", "labeling_function", "keyword_function", "rules_from_guidelines",
    "apply_functions", "combine", "lf_report", "suggest_from_rules",
    "LLMClient", "LLMConfig", "LLMError", "LLMUnavailable", "usage_report",
    "draft", "provenance_frame", "provenance_counts",
    "score_records", "judge_preferences",
    "crosscheck", "review_queue",
    "assist_settings", "human_values", "suggestions_frame", "suggestion_summary",
]
