"""The canonical columnar schema every format reader produces.

One Arrow table holds every kind of record, so signals, review and export work on columns
(vectorised) rather than on Python objects per row:

- ``messages``: the conversation. For SFT it is the whole conversation (ending with the
  assistant); for preference, ranking and KTO records it is the *prompt* conversation.
- ``chosen`` / ``rejected``: preference completions (message lists, usually one assistant turn).
- ``candidates``: ranking completions (N response texts), in the source's order.
- ``completion`` + ``label``: KTO (one completion, desirable or not).
"""
from __future__ import annotations

import pyarrow as pa

ROLES = ("system", "user", "assistant", "tool")
KINDS = ("sft", "preference", "ranking", "kto", "prompt_only")

MESSAGE_TYPE = pa.struct(
    [
        ("role", pa.string()),
        ("content", pa.string()),
        ("name", pa.string()),
        ("tool_calls", pa.string()),  # JSON text, kept verbatim
        ("weight", pa.int8()),
    ]
)
MESSAGES_TYPE = pa.list_(MESSAGE_TYPE)

RECORD_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("kind", pa.string()),
        ("messages", MESSAGES_TYPE),
        ("chosen", MESSAGES_TYPE),
        ("rejected", MESSAGES_TYPE),
        ("candidates", pa.list_(pa.string())),
        ("completion", MESSAGES_TYPE),
        ("label", pa.bool_()),
        ("category", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
        ("metadata", pa.string()),  # JSON object of the source's other fields
    ]
)

MESSAGE_FIELDS = [f.name for f in MESSAGE_TYPE]


def empty_table() -> pa.Table:
    """A zero-row table with the canonical schema."""
    return RECORD_SCHEMA.empty_table()
