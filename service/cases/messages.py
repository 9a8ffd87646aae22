"""Which messages a case is waiting for, read from its stored waiting elements and the diagram.

Read paths never load a workflow: the instance row keeps the ids of the elements the case is
waiting at, and the parsed definition says which of those catch a given message.
"""

from __future__ import annotations

from collections.abc import Iterable

from workflows.definitions import ProcessDefinition


def waits_for_message(definition: ProcessDefinition, waiting_elements: Iterable[str], message: str) -> bool:
    return bool(set(waiting_elements) & definition.message_catchers.get(message, frozenset()))
