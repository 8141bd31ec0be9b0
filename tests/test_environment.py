"""environment.yml stays in step with pyproject.toml, and imports flow one way through the package."""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_environment_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    have = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            have |= {_name(d) for d in dep["pip"] if not d.startswith("-e")}
        else:
            have.add(_name(dep))
    have -= {"python", "pip"}
    assert wanted == have


# Lower layers must not import higher ones: model <- io/store/quality/agreement/plots <- assist/report <- export/sample <- ui <- app/cli
LAYER = {"model": 0, "io": 1, "store": 1, "quality": 1, "agreement": 1, "plots": 1, "assist": 2, "report": 2, "export": 3,
         "sample": 3, "ui": 4, "app": 5, "cli": 5}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_imports_flow_one_way():
    pkg = REPO / "workbench"
    problems = []
    for path in pkg.rglob("*.py"):
        rel = path.relative_to(pkg)
        top = rel.parts[0].removesuffix(".py")
        if top == "__init__":
            continue
        mine = LAYER.get(top)
        for mod in _imports(path):
            if mod.startswith("ipywidgets") or mod.startswith("ipyevents"):
                if top != "ui":
                    problems.append(f"{rel} imports {mod} (only workbench/ui may)")
            if not mod.startswith("workbench."):
                continue
            other = mod.split(".")[1]
            if other in LAYER and mine is not None and LAYER[other] > mine:
                problems.append(f"{rel} ({top}) imports {mod} ({other})")
    assert not problems, "\n".join(problems)
