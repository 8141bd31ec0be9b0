"""The canonical task-type taxonomy: one place for every part that names a record's kind of task.

It follows the use-case taxonomy of InstructGPT, Dolly and No Robots, plus the code, reasoning and
translation types of the self-instruct seeds. The task-type signal (``workbench.quality.task_type``),
plots, the report, the dashboard and split stratification import these names from here.
"""
from __future__ import annotations

OTHER = "other"

TASK_TYPE_DESCRIPTIONS: dict[str, str] = {
    "open_qa": "Answer a question from general knowledge (no passage given).",
    "closed_qa": "Answer a question using a given passage, context or document.",
    "brainstorming": "Generate ideas, options, suggestions or lists.",
    "creative_writing": "Write a story, poem, song, letter, essay or other original text.",
    "rewriting": "Paraphrase, edit, correct grammar, change tone, simplify or reformat given text.",
    "summarization": "Summarise or condense given text (including titles and key points).",
    "classification": "Assign a label, category, sentiment or yes/no judgement to given text or items.",
    "extraction": "Pull entities, spans, fields or facts out of given text.",
    "code": "Write, explain, fix or translate program code, queries or regular expressions.",
    "math_reasoning": "Solve a math, arithmetic or logic problem, usually step by step.",
    "translation": "Translate text from one language into another.",
    "chat": "Open conversation, role-play or a multi-turn dialogue without one task.",
    OTHER: "None of the above, or the typer is unsure.",
}

TASK_TYPES: tuple[str, ...] = tuple(TASK_TYPE_DESCRIPTIONS)


def is_task_type(name: object) -> bool:
    """Whether ``name`` is one of :data:`TASK_TYPES`."""
    return isinstance(name, str) and name in TASK_TYPE_DESCRIPTIONS
