"""The project's guidelines: task, rated criteria, categories, tags, rules and examples (one YAML file)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("default_guidelines.yaml")


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
    length_window: dict[str, int] = field(default_factory=lambda: {"min_words": 100, "max_words": 300})
    length_window_per_category: dict[str, dict[str, int]] = field(default_factory=dict)
    reasoning: str = "hidden"
    refusals: str = ""
    sensitive_topics: str = ""
    examples: list[dict[str, str]] = field(default_factory=list)
    agreement: dict[str, Any] = field(default_factory=dict)
    # optional keyword / regex rules for programmatic labeling (workbench.assist.labeling):
    # {target: {label: [keyword or "re:pattern", ...]}}, target one of category, tags, low_quality
    labeling_rules: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    OVERALL = Criterion("overall", "Overall quality of the example.", (1, 5))

    @classmethod
    def default(cls) -> "Guidelines":
        return cls.load(DEFAULT_PATH)

    @classmethod
    def load(cls, path: str | Path) -> "Guidelines":
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"guidelines file {path} is not valid YAML: {exc}".splitlines()[0]) from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Guidelines":
        if not isinstance(data, dict):
            raise ValueError("guidelines must be a mapping")
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown guideline keys: {', '.join(sorted(unknown))}")
        data = dict(data)
        data["labeling_rules"] = _labeling_rules(data.get("labeling_rules"))
        data["criteria"] = [
            Criterion(c["name"], c.get("description", ""), tuple(c.get("scale", (1, 5))))
            for c in data.get("criteria", [])
        ]
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
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

    def window_for(self, category: str | None) -> tuple[int, int]:
        w = self.length_window_per_category.get(category or "", self.length_window)
        return int(w.get("min_words", 0)), int(w.get("max_words", 10**9))


LABELING_TARGETS = ("category", "tags", "low_quality")


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
