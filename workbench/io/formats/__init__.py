"""Every record shape the workbench reads, in detection order (most specific first)."""
from workbench.io.formats.alpaca import AlpacaFormat
from workbench.io.formats.base import Format
from workbench.io.formats.canonical import CanonicalFormat
from workbench.io.formats.kto import KTOFormat
from workbench.io.formats.labelstudio import LabelStudioFormat
from workbench.io.formats.openai import OpenAIFormat
from workbench.io.formats.preference import PreferenceFormat, RankingFormat
from workbench.io.formats.sharegpt import ShareGPTFormat

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (LabelStudioFormat(), CanonicalFormat(), KTOFormat(), ShareGPTFormat(), PreferenceFormat(),
              RankingFormat(), OpenAIFormat(), AlpacaFormat())
}
ALIASES = {"dpo": "preference", "chatml": "openai", "messages": "openai", "hh": "preference",
           "label_studio": "labelstudio", "label-studio": "labelstudio", "trl": "preference"}


def get_format(name: str) -> Format:
    from workbench.io.errors import LoadError

    key = ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise LoadError(f"unknown format {name!r}; known: {', '.join(FORMATS)}")
    return FORMATS[key]


__all__ = ["FORMATS", "Format", "get_format"]
