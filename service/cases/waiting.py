"""What a case is waiting for, in words: the messages it would welcome and when its next timer fires."""

from __future__ import annotations

from collections.abc import Sequence

from workflows.definitions import ProcessDefinition


def messages_waited_for(definition: ProcessDefinition, waiting_elements: Sequence[str]) -> list[str]:
    """The names of the messages the case would accept now (at a catch event, a boundary event or an
    event-based gateway in front of them)."""
    waiting = set(waiting_elements)
    return sorted(name for name, catchers in definition.message_catchers.items() if catchers & waiting)
