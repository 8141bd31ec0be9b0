"""`workbench serve --kernels N`: the size of Voila's pre-heated kernel pool, from the command line to Voila's
configuration (``VoilaConfiguration.preheat_kernel`` / ``default_pool_size``), without starting a server."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench import app, cli


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("WORKBENCH_POOL_SIZE", raising=False)


def _voila_config(cmd: list[str]):
    """Parse a Voila command line the way Voila does and return its VoilaConfiguration."""
    from voila.app import Voila
    from voila.configuration import VoilaConfiguration

    voila = Voila()
    voila.parse_command_line(cmd[3:])  # drop "python -m voila"
    return VoilaConfiguration(parent=voila)  # as Voila.initialize makes it


@pytest.fixture
def captured(monkeypatch, tmp_path):
    """Run ``workbench serve`` with Voila replaced by a recorder; returns the recorded command lines."""
    project = tmp_path / "project"
    calls: list[list[str]] = []
    monkeypatch.setattr(app, "resolve_target", lambda target: project)
    monkeypatch.setattr(app, "_warm_signals", lambda path: None)
    monkeypatch.setattr(app, "run_child", lambda cmd, env: calls.append(cmd) or 0)
    return calls


def test_kernels_option_reaches_voilas_pool_configuration(captured):
    assert cli.main(["serve", "--kernels", "3"]) == 0
    conf = _voila_config(captured[-1])
    assert conf.preheat_kernel is True and conf.default_pool_size == 3


def test_kernels_zero_turns_preheating_off(captured):
    assert cli.main(["serve", "--kernels", "0"]) == 0
    conf = _voila_config(captured[-1])
    assert conf.preheat_kernel is False and conf.default_pool_size == 0


def test_default_pool_and_the_environment_setting(captured, monkeypatch):
    assert cli.main(["serve"]) == 0
    assert _voila_config(captured[-1]).default_pool_size == app.DEFAULT_KERNELS == 2
    monkeypatch.setenv("WORKBENCH_POOL_SIZE", "4")
    assert cli.main(["serve"]) == 0
    assert _voila_config(captured[-1]).default_pool_size == 4
    assert cli.main(["serve", "--kernels", "1"]) == 0  # the option wins over the environment
    assert _voila_config(captured[-1]).default_pool_size == 1


def test_negative_kernels_is_refused_before_anything_starts(captured, capsys):
    assert cli.main(["serve", "--kernels", "-1"]) != 0
    assert "--kernels must be 0 or more" in capsys.readouterr().err
    assert captured == []
    with pytest.raises(ValueError, match="0 or more"):
        app.voila_command(Path("app.ipynb"), pool_size=-2)


def test_served_pages_leave_the_plotly_extension_out_and_serve_plotly_js(captured):
    """The dashboard draws its own figures (ui.plotly_view): Voila leaves jupyterlab-plotly out of the pages
    and serves plotly.min.js from beside the notebook, and no other script."""
    import re

    assert cli.main(["serve"]) == 0
    conf = _voila_config(captured[-1])
    assert conf.extension_denylist == ["jupyterlab-plotly"]
    served = [p for p in ("wb-static/plotly.min.js", "figure.png", "wb-static/other.js", "secret.py")
              if any(re.fullmatch(rule, p, re.IGNORECASE) for rule in conf.file_allowlist)]
    assert served == ["wb-static/plotly.min.js", "figure.png"]
