"""The served dashboard's figures: a PlotlyView per Output (the page has no plotly extension), fed the
figure's JSON, reused when the figure changes; plotly.js comes from the plotly package, beside the notebook."""
from __future__ import annotations

import json
from pathlib import Path

import ipywidgets as W
import plotly.graph_objects as go

from workbench import app
from workbench.ui.plotly_view import ASSET, PlotlyView, asset_url, show_in

MIME, VIEW = "application/vnd.plotly.v1+json", "application/vnd.jupyter.widget-view+json"


def _bundle(fig) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {MIME: json.loads(fig.to_json()), "text/plain": "<counts>"}}


def test_a_plotly_bundle_is_shown_as_a_view_and_the_view_is_reused():
    out = W.Output()
    first = go.Figure(go.Bar(x=["a", "b"], y=[3, 5]))
    show_in(out, _bundle(first))
    (output,) = out.outputs
    assert MIME not in output["data"] and output["data"]["text/plain"] == "<counts>"
    view = out._wb_plotly_view
    assert isinstance(view, PlotlyView) and output["data"][VIEW]["model_id"] == view.model_id
    assert view.figure["data"][0]["y"] == [3, 5] and view.figure["data"][0]["type"] == "bar"
    # a new figure for the same output (a map recoloured) updates the same view
    show_in(out, _bundle(go.Figure(go.Bar(x=["a"], y=[9]))))
    assert out._wb_plotly_view is view and view.figure["data"][0]["y"] == [9]
    assert out.outputs[0]["data"][VIEW]["model_id"] == view.model_id
    # anything else is shown as it is
    plain = {"output_type": "display_data", "metadata": {}, "data": {"text/plain": "x"}}
    show_in(out, plain)
    assert out.outputs == (plain,)


def test_the_asset_url_follows_the_servers_base_url():
    assert asset_url({}) == "/voila/files/" + ASSET
    assert asset_url({"VOILA_BASE_URL": "/user/ann/proxy/8866/"}) == "/user/ann/proxy/8866/voila/files/" + ASSET


def test_serve_puts_plotly_min_js_beside_the_notebook_once(tmp_path):
    import plotly

    path = app.plotly_asset(tmp_path)
    src = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    assert path == tmp_path / ASSET and path.read_bytes() == src.read_bytes()
    mtime = path.stat().st_mtime_ns
    assert app.plotly_asset(tmp_path) == path and path.stat().st_mtime_ns == mtime  # already there
    path.write_bytes(b"stale")
    app.plotly_asset(tmp_path)
    assert path.read_bytes() == src.read_bytes()
