"""The default registry: built-in signals, and third-party signals registered through the entry point
group ``workbench.signals`` (an installed distribution is faked with a ``.dist-info`` folder on the path)."""
from __future__ import annotations

import pytest
from quality.quality_data import dataset, sft

from workbench.quality import compute_signals, default_registry
from workbench.quality.builtin import BUILTIN_SIGNALS, ENTRY_POINT_GROUP, builtin_registry, plugin_signals

PLUGIN = '''
from dataclasses import dataclass

import pandas as pd

from workbench.quality.base import Signal


class PromptLengthSignal(Signal):
    """Flags prompts shorter than ``min_chars``."""

    name = "{name}"

    @dataclass(frozen=True)
    class Config:
        min_chars: int = 10

    def compute(self, table, ctx):
        lengths = pd.Series(ctx.views(table).prompt).str.len().fillna(0).astype(int)
        short = lengths < self.config.min_chars
        frame = pd.DataFrame({{"is_{name}_issue": short, "{name}_score": (~short).astype(float),
                              "{name}_chars": lengths}})
        return self.result(frame, {{"short": int(short.sum())}})


class NotASignal:
    name = "nope"
'''


def fake_distribution(root, dist: str, entries: dict[str, str], module: str, source: str = "") -> None:
    """An installed distribution as importlib.metadata finds it: a module and its ``.dist-info``."""
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    info = root / f"{dist}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8")
    lines = "\n".join(f"{name} = {target}" for name, target in entries.items())
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{lines}\n", encoding="utf-8")


@pytest.fixture
def plugin_path(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path


def test_builtins_only_without_plugins():
    assert builtin_registry().names() == [cls.name for cls in BUILTIN_SIGNALS]
    assert plugin_signals() == []  # nothing in this environment registers signals
    assert default_registry().names() == builtin_registry().names()
    assert default_registry().names()[-1] == "topics"  # reads the flags of the signals before it


def test_a_plugin_signal_is_registered_and_computed(plugin_path):
    fake_distribution(plugin_path, "wb_plugin_ok", {"prompt_length": "wb_plugin_ok_mod:PromptLengthSignal"},
                      "wb_plugin_ok_mod", PLUGIN.format(name="prompt_length"))
    reg = default_registry()
    assert reg.names()[-1] == "prompt_length" and set(builtin_registry().names()) < set(reg.names())
    ds = dataset([sft("a", "Hi?", "Hello."), sft("b", "How do I reset my password?", "Use the link.")])
    rep = compute_signals(ds, signals=["prompt_length"])
    frame = rep.frame.set_index("id")
    assert frame["is_prompt_length_issue"].to_dict() == {"a": True, "b": False}
    assert frame["prompt_length_chars"].to_dict() == {"a": 3, "b": 27}
    assert rep.summaries["prompt_length"] == {"short": 1}


def test_broken_foreign_and_shadowing_plugins_are_left_out_with_a_warning(plugin_path):
    fake_distribution(plugin_path, "wb_plugin_bad", {
        "missing": "wb_plugin_no_such_module:Signal",
        "not_a_signal": "wb_plugin_bad_mod:NotASignal",
        "shadow": "wb_plugin_bad_mod:PromptLengthSignal",
    }, "wb_plugin_bad_mod", PLUGIN.format(name="pii"))
    with pytest.warns(RuntimeWarning) as caught:
        reg = default_registry()
    messages = " | ".join(str(w.message) for w in caught)
    assert "'missing'" in messages and "could not be loaded" in messages and "ModuleNotFoundError" in messages
    assert "'not_a_signal'" in messages and "not a named Signal subclass" in messages
    assert "'shadow'" in messages and "built-in name 'pii'" in messages
    assert reg.names() == builtin_registry().names()
    assert reg.get("pii").__module__ == "workbench.quality.pii"
