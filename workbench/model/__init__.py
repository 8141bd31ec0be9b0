"""Pure data: the canonical record schema, events and guidelines. No I/O beyond reading bundled defaults."""
from workbench.model.dataset import Dataset, QuarantinedRow
from workbench.model.events import DECISIONS, EVENT_KINDS, Event, value_hash
from workbench.model.guidelines import Criterion, Guidelines
from workbench.model.records import Message, Record, content_id
from workbench.model.schema import (
    KINDS,
    MESSAGE_TYPE,
    MESSAGES_TYPE,
    RECORD_SCHEMA,
    ROLES,
)
from workbench.model.text import join_turns, last_turn, prompt_text, record_text, response_text

__all__ = [
    "KINDS", "MESSAGE_TYPE", "MESSAGES_TYPE", "RECORD_SCHEMA", "ROLES",
    "Message", "Record", "content_id",
    "join_turns", "last_turn", "prompt_text", "response_text", "record_text",
    "EVENT_KINDS", "DECISIONS", "Event", "value_hash",
    "Criterion", "Guidelines", "Dataset", "QuarantinedRow",
]
