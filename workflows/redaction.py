"""Blanking what people entered while keeping the shape it was entered in.

Retention anonymises a closed case: its forms' answers and its workflow state keep every key,
list and id (so the records still read as the same kind of record and a reader never meets a
missing field), but no value anyone typed survives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Where SpiffWorkflow keeps what the process carried: task and workflow data, the changes each
# task made, message payloads and correlations. Everything else in the state is structure (ids,
# spec names, states, the task tree) and is kept.
_PAYLOAD_KEYS = frozenset({"data", "delta", "internal_data", "correlations", "bpmn_events"})


def blanked(value: Any) -> Any:
    """The same structure with every text emptied and every number zeroed; yes/no answers stay."""
    if isinstance(value, Mapping):
        return {key: blanked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [blanked(item) for item in value]
    if isinstance(value, str):
        return ""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return 0
    return None


def redacted_state(state: Mapping[str, Any]) -> dict[str, Any]:
    """A stored workflow state with every payload blanked and its structure kept. Such a state is
    never run again: only closed cases are redacted."""
    return _redact(state)


def _redact(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {key: blanked(item) if key in _PAYLOAD_KEYS else _redact(item) for key, item in node.items()}
    if isinstance(node, list):
        return [_redact(item) for item in node]
    return node
