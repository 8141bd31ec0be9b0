"""Helpers to build small canonical datasets for the quality tests (imported as ``quality_data``)."""
from __future__ import annotations

import pyarrow as pa

from workbench.model import RECORD_SCHEMA, Dataset


def msg(role: str, content: str, **extra) -> dict:
    return {"role": role, "content": content, "name": None, "tool_calls": extra.get("tool_calls"), "weight": None}


def sft(rid: str, prompt: str, response: str, category: str | None = None, system: str | None = None) -> dict:
    messages = ([msg("system", system)] if system else []) + [msg("user", prompt), msg("assistant", response)]
    return row(rid, "sft", messages, category=category)


def pref(rid: str, prompt: str, chosen: str, rejected: str, category: str | None = None) -> dict:
    return row(rid, "preference", [msg("user", prompt)], chosen=[msg("assistant", chosen)],
               rejected=[msg("assistant", rejected)], category=category)


def row(rid: str, kind: str, messages: list, **fields) -> dict:
    base = {"id": rid, "kind": kind, "messages": messages, "chosen": None, "rejected": None, "candidates": None,
            "completion": None, "label": None, "category": None, "source_file": None, "source_line": None,
            "metadata": None}
    base.update(fields)
    return base


def dataset(rows: list[dict]) -> Dataset:
    return Dataset(pa.Table.from_pylist(rows, schema=RECORD_SCHEMA))


WORDS = ("you can change the billing address under settings and the new address is used for the next "
         "invoice while earlier invoices keep the old one for your records").split()


def answer(n_words: int = 150, offset: int = 0) -> str:
    """A plain support-style answer of ``n_words`` words (within the default 100-300 window)."""
    return " ".join(WORDS[(i + offset) % len(WORDS)] for i in range(n_words)) + "."
