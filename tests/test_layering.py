"""Imports flow one way through the package, with no cycles, and dynamic imports count too.

Layers (a package may import its own modules and those of lower layers only)::

    0  model                                   records, events, guidelines, bands: pure data, no I/O
    1  io  store  quality  agreement  plots    formats; the project folder and its log; signals;
                                               coefficients; figures
    2  assist                                  review aids (active learning, LLM drafts and judges)
                                               built on the store's state and the agreement maths
    3  report  export                          documents and exports written from the layers below
    4  workflows                               what spans packages: a project's signals and their
                                               cache, creating / opening projects, agreement sources
    5  sample                                  the bundled demo project, built through workflows
    6  ui  serving                             widgets (the only ipywidgets importer); the app's
                                               process and exposure helpers (no workbench imports)
    7  app  cli                                entry points

Same-layer imports between packages are refused unless listed in ``SIDEWAYS`` with the reason. The
root ``workbench/__init__.py`` is the lazy facade (``wb.load``, ``wb.review`` ...) above everything:
other modules may read only ``workbench.__version__`` from it. ``importlib.import_module("...")`` and
``__import__("...")`` with a string are imports like any other; with a computed name they are refused.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "workbench"

LAYER = {"model": 0,
         "io": 1, "store": 1, "quality": 1, "agreement": 1, "plots": 1,
         "assist": 2,
         "report": 3, "export": 3,
         "workflows": 4,
         "sample": 5,
         "ui": 6, "serving": 6,
         "app": 7, "cli": 7}

SIDEWAYS = {
    ("export", "report"): "an export hands over the quality report of the records it wrote",
    ("cli", "app"): "`workbench serve` starts the app",
}

WIDGET_LIBS = ("ipywidgets", "ipyevents", "anywidget")
ROOT_NAMES = {"__version__"}  # what a module may take from the root facade


# --- reading imports -----------------------------------------------------------------------------
def module_name(path: Path, root: Path = PKG) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _string_arg(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def raw_imports(source: str, name: str, is_package: bool) -> tuple[set, list[str]]:
    """(imports, problems) of one module's source.

    Imports are module names, or ``(module, attribute)`` for ``from module import attribute`` (the
    attribute may be a submodule); every import counts, also those inside functions.
    """
    tree = ast.parse(source)
    found: set = set()
    problems = []
    imports_root = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
                imports_root |= alias.name == "workbench"
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            for alias in node.names:
                found.add((mod, alias.name))
        elif isinstance(node, ast.Call):
            fn = node.func
            called = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)
            if called in ("import_module", "__import__"):
                target = _string_arg(node)
                if target is None and name != "workbench":  # the root facade's lazy table is the top
                    problems.append(f"{name}: {called}() with a computed name (line {node.lineno}) cannot "
                                    "be checked; import by a literal name")
                elif target is not None:
                    found.add(target)
    if imports_root:  # `import workbench` then `workbench.<attr>`
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "workbench"):
                found.add(("workbench", node.attr))
    return found, problems


def import_graph(root: Path = PKG) -> tuple[dict[str, set[str]], list[str], dict[str, set[str]]]:
    """(module -> workbench modules it imports, problems, module -> third-party top-level names)."""
    sources = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    external: dict[str, set[str]] = {}
    problems = []
    for mod, path in sources.items():
        found, bad = raw_imports(path.read_text(encoding="utf-8"), mod, path.name == "__init__.py")
        problems += bad
        edges, ext = set(), set()
        for item in found:
            if isinstance(item, tuple):
                base, attr = item
                target = f"{base}.{attr}" if f"{base}.{attr}" in sources else base
                if target == root.name and attr not in ROOT_NAMES and mod != root.name:
                    problems.append(f"{mod} takes {attr!r} from the root facade `workbench`; import it "
                                    "from its own module")
            else:
                target = item
            if target.split(".")[0] != root.name:
                ext.add(target.split(".")[0])
                continue
            while target not in sources and "." in target:
                target = target.rpartition(".")[0]
            if target != mod and target != root.name:
                edges.add(target)
        graph[mod], external[mod] = edges, ext
    return graph, problems, external


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def layer_problems(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for mod, targets in sorted(graph.items()):
        parts = mod.split(".")
        if len(parts) < 2:
            continue  # the root facade
        mine = parts[1]
        if mine not in LAYER:
            problems.append(f"{mod}: package {mine!r} has no layer; place it in LAYER")
            continue
        for target in sorted(targets):
            other = target.split(".")[1]
            if other == mine or other not in LAYER:
                continue
            if LAYER[other] > LAYER[mine]:
                problems.append(f"{mod} ({mine}, layer {LAYER[mine]}) imports {target} "
                                f"({other}, layer {LAYER[other]}): upward")
            elif LAYER[other] == LAYER[mine] and (mine, other) not in SIDEWAYS:
                problems.append(f"{mod} ({mine}) imports {target} ({other}): sideways in layer "
                                f"{LAYER[mine]}, not listed in SIDEWAYS")
    return problems


# --- the package ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def package():
    return import_graph()


def test_every_package_has_a_layer(package):
    graph, _, _ = package
    tops = {m.split(".")[1] for m in graph if "." in m}
    assert tops == set(LAYER)


def test_imports_flow_one_way(package):
    graph, problems, _ = package
    problems = problems + layer_problems(graph)
    assert not problems, "\n".join(problems)


def test_no_import_cycles_between_modules(package):
    graph, _, _ = package
    found = cycles(graph)
    assert not found, "\n".join(" <-> ".join(c) for c in found)


def test_only_ui_imports_widget_libraries(package):
    _, _, external = package
    bad = [f"{m} imports {sorted(set(ext) & set(WIDGET_LIBS))}" for m, ext in sorted(external.items())
           if set(ext) & set(WIDGET_LIBS) and not m.startswith("workbench.ui")]
    assert not bad, "\n".join(bad)


def test_sideways_exceptions_are_still_needed(package):
    graph, _, _ = package
    used = {(m.split(".")[1], t.split(".")[1]) for m, ts in graph.items() if "." in m for t in ts}
    assert set(SIDEWAYS) <= used, f"unused SIDEWAYS entries: {set(SIDEWAYS) - used}"


def test_plots_know_nothing_of_agreement(package):
    graph, _, _ = package
    assert not {t for m, ts in graph.items() if m.startswith("workbench.plots") for t in ts
                if t.startswith("workbench.agreement")}


# --- the checker sees what it must see -------------------------------------------------------------
def _toy(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "workbench"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_checker_sees_dynamic_relative_and_function_level_imports(tmp_path):
    root = _toy(tmp_path, {
        "__init__.py": "", "model/__init__.py": "", "model/a.py": "",
        "store/__init__.py": "", "ui/__init__.py": "",
        "store/p.py": ("import importlib\n"
                       "def review():\n"
                       "    return importlib.import_module('workbench.ui').review\n"),
        "store/q.py": "def f():\n    __import__('workbench.ui')\n",
        "store/r.py": "from ..ui import thing\n",
        "store/s.py": "import importlib\nname = 'workbench.ui'\nimportlib.import_module(name)\n",
        "model/b.py": "from . import a\nimport workbench\nworkbench.review\n",
    })
    graph, problems, _ = import_graph(root)
    assert graph["workbench.store.p"] == {"workbench.ui"}
    assert graph["workbench.store.q"] == {"workbench.ui"}
    assert graph["workbench.store.r"] == {"workbench.ui"}
    assert graph["workbench.model.b"] == {"workbench.model.a"}
    assert any("workbench.store.s" in p and "computed name" in p for p in problems)
    assert any("workbench.model.b" in p and "'review'" in p for p in problems)
    upward = layer_problems(graph)
    assert sum("upward" in p for p in upward) == 3


def test_checker_finds_cycles_and_refuses_unlisted_sideways_imports(tmp_path):
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    root = _toy(tmp_path, {"__init__.py": "", "io/__init__.py": "", "quality/__init__.py": "",
                           "quality/draft.py": "def f():\n    from workbench.io import load\n"})
    graph, _, _ = import_graph(root)
    assert layer_problems(graph) == ["workbench.quality.draft (quality) imports workbench.io (io): sideways "
                                     "in layer 1, not listed in SIDEWAYS"]
