"""The dataset card shown in a notebook: its YAML header as a yaml block, not a rule and a jumbled list."""
from __future__ import annotations

import mistune
import yaml
from export.export_helpers import corpus
from helpers import make_dataset

from workbench.export import export
from workbench.export.card import DatasetCard, card_markdown


def test_card_header_renders_as_a_yaml_block_in_a_notebook(tmp_path):
    export(make_dataset(corpus(150, seed=7)), tmp_path / "out", format="alpaca", container="parquet")
    card = DatasetCard.read(tmp_path / "out" / "README.md", limit=600)
    shown = card._repr_markdown_()
    assert shown.startswith("```yaml\npretty_name:") and "\n```\n\n# " in shown
    head = shown.split("```yaml\n", 1)[1].split("\n```\n", 1)[0]
    assert yaml.safe_load(head) == yaml.safe_load(card.text.split("---\n")[1])  # the header, unchanged
    html = mistune.html(shown)
    assert "<hr" not in html.split("<h1>", 1)[0] and "<ul>" not in html.split("<h1>", 1)[0]
    assert html.startswith('<pre><code class="language-yaml">')
    assert "(first 600 characters of" in shown and len(shown) < len(card.text)


def test_card_markdown_edge_cases():
    assert card_markdown("# No header\n") == "# No header\n"
    odd = "---\npretty_name: a ``` b\n---\n# T\n"
    assert card_markdown(odd).startswith("````yaml\npretty_name: a ``` b\n````\n\n# T")  # fence it cannot close
    assert card_markdown("---\nunclosed: 1\n# T\n") == "---\nunclosed: 1\n# T\n"
