"""The project's guidelines: task, rated criteria, categories, tags, rules and examples (one YAML file).

Guidelines belong to a project. A dataset or project without a guidelines file gets the *neutral*
defaults (``default_guidelines.yaml``): no categories, target mix or length window, and only the
universal checks. Rules that only make sense for some data are options under ``rules:``, off unless a
guidelines file switches them on (the bundled sample's ``data/support_guidelines.yaml`` does).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("default_guidelines.yaml")
NEUTRAL_LABEL = "none: neutral defaults"
# data-dependent rules a guidelines file may switch on (all off by default); the universal checks
# (forbidden phrases, {{placeholders}}, duplicates, empty turns, roles, PII, safety) always run
RULE_OPTIONS = {
    "apology": "an apology phrase while the prompt reports no problem",
    "unwarranted_refusal": "a refusal phrase opening the answer to a prompt that is not harmful",
    "length_window": "response words outside length_window (or length_window_per_category)",
    "repeats_question": "the answer's opening restates most of the user's question",
    "bracket_placeholders": "bracket slots such as [Your Name] or [Company] count as unfilled placeholders",
}


@dataclass(frozen=True)
class Criterion:
    name: str
    description: str = ""
    scale: tuple[int, int] = (1, 5)

    def check(self, value: Any) -> int:
        """Return ``value`` as an int on the scale, or raise ValueError with a one-line reason."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
            raise ValueError(f"rating for {self.name!r} must be an integer, got {value!r}")
        lo, hi = self.scale
        if not lo <= value <= hi:
            raise ValueError(f"rating for {self.name!r} must be within {lo}-{hi}, got {value!r}")
        return int(value)


@dataclass
class Guidelines:
    task: str = ""
    criteria: list[Criterion] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    target_mix: dict[str, float] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    forbidden_phrases: list[str] = field(default_factory=list)
    apology_phrases: list[str] = field(default_factory=list)
    refusal_phrases: list[str] = field(default_factory=list)
    length_window: dict[str, int] = field(default_factory=dict)  # {} = no window
    length_window_per_category: dict[str, dict[str, int]] = field(default_factory=dict)
    reasoning: str = "hidden"
    refusals: str = ""
    sensitive_topics: str = ""
    examples: list[dict[str, str]] = field(default_factory=list)
    agreement: dict[str, Any] = field(default_factory=dict)
    # optional keyword / regex rules for programmatic labeling (workbench.assist.labeling):
    # {target: {label: [keyword or "re:pattern", ...]}}, target one of category, tags, low_quality
    labeling_rules: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # data-dependent rule options (RULE_OPTIONS): {name: true/false}; a missing name is off
    rules: dict[str, bool] = field(default_factory=dict)
    # the file these guidelines were read from (not part of their content, never saved)
    origin: str | None = field(default=None, compare=False, repr=False)

    OVERALL = Criterion("overall", "Overall quality of the example.", (1, 5))

    @classmethod
    def default(cls) -> Guidelines:
        """The neutral defaults: what a dataset or project without a guidelines file is judged by."""
        return cls.from_dict(_default_dict())

    @classmethod
    def load(cls, path: str | Path) -> Guidelines:
        """Read a guidelines YAML file; a bad file raises ValueError with a one-line reason."""
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"guidelines file {path} is not valid YAML: {exc}".splitlines()[0]) from None
        except OSError as exc:
            raise ValueError(f"cannot read guidelines file {path}: {exc.strerror or exc}") from None
        g = cls.from_dict(data)
        g.origin = str(path)
        return g

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Guidelines:
        if not isinstance(data, dict):
            raise ValueError("guidelines must be a mapping")
        known = set(cls.__dataclass_fields__) - {"origin"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown guideline keys: {', '.join(sorted(unknown))}")
        data = dict(data)
        data["labeling_rules"] = _labeling_rules(data.get("labeling_rules"))
        data["rules"] = _rule_options(data.get("rules"))
        for key in ("length_window", "target_mix", "length_window_per_category"):
            if data.get(key) is None:
                data[key] = {}
        data["criteria"] = [
            Criterion(c["name"], c.get("description", ""), tuple(c.get("scale", (1, 5))))
            for c in data.get("criteria", [])
        ]
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("origin")
        d["criteria"] = [{"name": c.name, "description": c.description, "scale": list(c.scale)}
                         for c in self.criteria]
        return d

    def save(self, path: str | Path) -> None:
        Path(path).write_text(yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True),
                              encoding="utf-8")

    def criterion(self, name: str) -> Criterion:
        """The criterion called ``name`` ("overall" is always available)."""
        if name == "overall":
            return self.OVERALL
        for c in self.criteria:
            if c.name == name:
                return c
        raise ValueError(f"unknown criterion {name!r}; known: overall, {', '.join(c.name for c in self.criteria)}")

    def window_for(self, category: str | None) -> tuple[int, int] | None:
        """``(min_words, max_words)`` for ``category`` (its own window, else the default one), or None
        when the guidelines set no window for it."""
        w = self.length_window_per_category.get(category or "") or self.length_window
        if not w:
            return None
        return int(w.get("min_words", 0)), int(w.get("max_words", 10**9))

    def rule_on(self, name: str) -> bool:
        """Whether the data-dependent rule ``name`` (one of ``RULE_OPTIONS``) is switched on."""
        return bool(self.rules.get(name, False))

    def is_neutral(self) -> bool:
        """True when these are (a copy of) the neutral defaults."""
        return self.to_dict() == Guidelines.default().to_dict()

    def source_label(self) -> str:
        """Which guidelines these are, for reports: the file they came from, or "none: neutral defaults"."""
        if self.is_neutral():
            return NEUTRAL_LABEL
        return self.origin or "custom (given in code, not read from a file)"


LABELING_TARGETS = ("category", "tags", "low_quality")


@lru_cache(maxsize=1)
def _default_text() -> str:
    return DEFAULT_PATH.read_text(encoding="utf-8")


def _default_dict() -> dict[str, Any]:
    """The neutral defaults as a fresh dict (the file is read once per process)."""
    return yaml.safe_load(_default_text()) or {}


def _rule_options(rules: Any) -> dict[str, bool]:
    """``rules`` checked: {option: bool} with options from ``RULE_OPTIONS`` (None -> {})."""
    if rules is None:
        return {}
    if not isinstance(rules, dict):
        raise ValueError("rules must map a rule option (" + ", ".join(RULE_OPTIONS) + ") to true or false")
    out = {}
    for name, on in rules.items():
        if name not in RULE_OPTIONS:
            raise ValueError(f"unknown rule option {name!r}; known: {', '.join(RULE_OPTIONS)}")
        if not isinstance(on, bool):
            raise ValueError(f"rules.{name} must be true or false, got {on!r}")
        out[name] = on
    return out


def _labeling_rules(rules: Any) -> dict[str, dict[str, list[str]]]:
    """``labeling_rules`` checked: {target: {label: [pattern, ...]}} with known targets (None -> {})."""
    if rules is None:
        return {}
    if not isinstance(rules, dict):
        raise ValueError("labeling_rules must map a target (category, tags, low_quality) to "
                         "{label: [patterns]}")
    out: dict[str, dict[str, list[str]]] = {}
    for target, labels in rules.items():
        if target not in LABELING_TARGETS:
            raise ValueError(f"labeling_rules target must be one of {', '.join(LABELING_TARGETS)}, "
                             f"got {target!r}")
        if not isinstance(labels, dict):
            raise ValueError(f"labeling_rules.{target} must map a label to a list of keywords or "
                             "'re:' patterns")
        out[target] = {}
        for label, patterns in labels.items():
            if isinstance(patterns, str):
                patterns = [patterns]
            if not isinstance(patterns, (list, tuple)) or not all(isinstance(p, str) and p for p in patterns):
                raise ValueError(f"labeling_rules.{target}.{label} must be a list of non-empty strings")
            out[target][str(label).lower() if isinstance(label, bool) else str(label)] = list(patterns)
    return out
