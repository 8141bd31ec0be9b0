"""Import boundaries: only workbench.ui imports widget libraries, and its state modules import none."""
from __future__ import annotations

import ast
from pathlib import Path

import workbench

PACKAGE = Path(workbench.__file__).parent
WIDGET_LIBS = {"ipywidgets", "ipyevents", "anywidget"}
WIDGET_MODULES = {"views.py", "panels.py", "side_panels.py", "widget.py", "keys_widget.py"}
STATE_MODULES = {"__init__.py", "session.py", "navigation.py", "actions.py", "filters.py",
                 "modes.py", "bulk.py", "page.py", "persist.py", "render.py", "keys.py"}


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_ui_imports_widget_libraries():
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name != "ui" or path.parent.parent != PACKAGE:
            assert not imported(path) & WIDGET_LIBS, f"{path} imports a widget library"


def test_session_and_render_know_nothing_of_widgets():
    for name in STATE_MODULES:
        path = PACKAGE / "ui" / name
        assert not imported(path) & WIDGET_LIBS, f"{name} must not import widgets"


def test_ui_modules_stay_small():
    for name in STATE_MODULES | WIDGET_MODULES:
        path = PACKAGE / "ui" / name
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 330, path.name


def test_session_imports_without_loading_widgets():
    import subprocess
    import sys

    code = "import sys, workbench.ui; assert 'ipywidgets' not in sys.modules, 'ipywidgets loaded'"
    subprocess.run([sys.executable, "-c", code], check=True)
