"""Which waiting cases a message is for, found the way Camunda 7 correlates a message.

A case is a candidate when it is running and waits at an element that catches the message; the caller
narrows the candidates by business key, by case reference (Camunda's processInstanceId) and by
correlation keys: variables the case must hold with exactly these values (a Boolean true is not the
number 1, as Camunda compares typed values). Without ``all`` exactly one case must match; with it, every
match gets the message, each in its own transaction (one that fails leaves the ones before delivered).

Candidates come from the instance rows; only correlation keys make it load a case's workflow, one
candidate at a time, so narrow by business key where the caller can.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from service.cases.cases import deliver_message
from service.cases.errors import Conflict, NotAllowed
from service.cases.messages import waits_for_message
from service.dao import instances_dao, processes_dao
from service.models import ProcessInstance
from service.people.actors import Actor
from service.people.roles import message_senders
from service.processes.definitions import deployed_version
from workflows.state import IncompatibleStateError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Correlation:
    message: str
    business_key: str | None = None
    reference: str | None = None
    correlation_keys: Mapping[str, Any] = field(default_factory=dict)
    all: bool = False


def same_value(held: Any, wanted: Any) -> bool:
    """Equal as typed values: booleans match only booleans; 1 and 1.0 are the same number."""
    if isinstance(held, bool) or isinstance(wanted, bool):
        return isinstance(held, bool) and isinstance(wanted, bool) and held == wanted
    return held == wanted


def correlate(casework, actor: Actor, correlation: Correlation, payload: dict[str, Any]) -> list[str]:
    """Deliver the message to the case(s) it correlates to; their references, in delivery order."""
    references = matching_cases(casework, actor, correlation)
    if not correlation.all and len(references) != 1:
        found = "no case is" if not references else f"{len(references)} cases are"
        raise Conflict(f"Cannot correlate message '{correlation.message[:80]}': {found} waiting for it with "
                       "these business key, process instance id and correlation keys (exactly one must be).")
    for reference in references:
        deliver_message(casework, actor, reference, correlation.message, payload)
    return references


def matching_cases(casework, actor: Actor, correlation: Correlation) -> list[str]:
    """References of the running cases waiting for the message that match, oldest first."""
    with casework.db.reading() as session:
        definitions = {}
        refused = False
        for version_id in processes_dao.list_version_ids(session):
            _, definition = deployed_version(session, version_id)
            spec = definition.messages.get(correlation.message)
            if spec is None or not definition.message_catchers.get(correlation.message):
                continue
            if actor.has_any_role(message_senders(spec)):
                definitions[version_id] = definition
            else:
                refused = True
        if refused and not definitions:
            # Said before any case is looked at, so correlation keys cannot be used to probe data.
            raise NotAllowed(f"Your roles do not allow sending ‘{correlation.message[:80]}’.")
        instances = instances_dao.list_running_instances_for_message(
            session, list(definitions), business_key=correlation.business_key, reference=correlation.reference)
        waiting = [i for i in instances if waits_for_message(definitions[i.process_version_id],
                                                             i.waiting_elements or [], correlation.message)]
        return [i.business_key for i in waiting
                if _holds(casework, definitions[i.process_version_id], i, correlation.correlation_keys)]


def _holds(casework, definition, instance: ProcessInstance, keys: Mapping[str, Any]) -> bool:
    if not keys:
        return True
    try:
        workflow = casework.engine.load(definition, instance.state)
    except IncompatibleStateError:
        # Its incident opens on the next step that loads it; a message cannot be matched on unreadable data.
        log.warning("case %s skipped in message correlation: its state cannot be read", instance.business_key)
        return False
    data = casework.engine.current_data(workflow)
    return all(name in data and same_value(data[name], value) for name, value in keys.items())
