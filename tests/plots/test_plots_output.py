"""HTML fragments for self-contained reports."""
from __future__ import annotations

import pytest

from workbench.plots import category_distribution, figure_to_html, figures_to_html


def test_inline_fragment_embeds_plotly_js():
    html = figure_to_html(category_distribution({"a": 1}), div_id="fig-a")
    assert not html.lstrip().startswith("<html")
    assert 'id="fig-a"' in html
    assert len(html) > 1_000_000  # plotly.js itself is inline: the report opens offline
    assert 'src="https://cdn.plot.ly/plotly-' not in html


def test_fragment_without_js_and_with_cdn():
    fig = category_distribution({"a": 1})
    small = figure_to_html(fig, include_js=False)
    assert len(small) < 50_000 and "Plotly.newPlot" in small
    assert 'src="https://cdn.plot.ly/plotly-' in figure_to_html(fig, include_js="cdn")
    with pytest.raises(ValueError):
        figure_to_html(fig, include_js="bogus")


def test_several_figures_include_js_once():
    figs = [category_distribution({"a": 1}), category_distribution({"b": 2})]
    html = figures_to_html(figs)
    assert html.count("Plotly.newPlot") == 2
    single = figure_to_html(figs[0])
    assert len(html) < len(single) + 50_000
