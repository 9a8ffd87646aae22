"""A further incident on an open case: the policy's own addition to a case outside its workflow.

It does not move the workflow on, but it is part of the case's record (the ``incident_recorded`` case
event keeps it beside the first), audited on the case's hash chain in the same transaction as the row.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from service.cases.case_records import load_open_case
from service.cases.errors import NotAllowed, NotFound
from service.dao.audit_dao import NewAuditEvent
from service.history.audit_trail import record_on_case
from service.models import ProcessVersion
from service.notifications import outbox
from service.packs.unacceptable_behaviour.customer_subject import CUSTOMER_QUESTIONS
from service.packs.unacceptable_behaviour.roles import CASEWORKERS
from service.people.actors import Actor
from service.processes import case_events
from service.processes.case_dates import case_dates
from service.processes.definitions import definition_of
from service.processes.forms import validated_by
from service.tasks.steps import StepContext
from workflows.forms import FormSchema

if TYPE_CHECKING:
    from service.casework import Casework

# The audit event a further incident is recorded as (another answer to the case's start form).
FURTHER_INCIDENT_EVENT = "incident_added"
# Keyed by content as well as id: a version's content never changes, but tests reuse ids.
_incident_forms: dict[tuple[int, str], FormSchema] = {}


def add_incident(casework: Casework, actor: Actor, reference: str, form_data: Mapping[str, Any]) -> None:
    """A further incident on an open case, recorded with the case's own incident form."""
    if not actor.has_any_role(CASEWORKERS):
        raise NotAllowed("Only caseworkers can record an incident.")
    now = casework.clock.now()
    with casework.db.transaction() as session:
        case, instance, version = load_open_case(session, reference)
        data = validated_by(incident_form(version), form_data, now, lambda: case_dates(session, case, now),
                            process_id=version.process_id)
        definition = definition_of(version)
        ctx = StepContext(session, casework.engine, definition, instance, case, now, casework.provider)
        case_events.handle("incident_recorded", ctx, actor, data)
        outbox.on_case(session, "incident_recorded", case.id, now, by_user_id=actor.user_id)
        record_on_case(session, instance, [NewAuditEvent(
            FURTHER_INCIDENT_EVENT, actor.user_id, list(actor.roles), data={"form": data},
        )], now)


def incident_form(version: ProcessVersion) -> FormSchema:
    """The process's incident form without the questions about who the customer is."""
    cached = (version.id, version.content_hash)
    form = _incident_forms.get(cached)
    if form is None:
        key = definition_of(version).start_form_key
        if key not in (version.forms or {}):
            raise NotFound("This case's process has no incident form.")
        form = _incident_forms[cached] = FormSchema(f"{key}_further", _without(version.forms[key]))
    return form


def _without(document: Mapping[str, Any], names: frozenset[str] = CUSTOMER_QUESTIONS) -> dict[str, Any]:
    schema = copy.deepcopy(dict(document))
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k not in names}
    schema["required"] = [n for n in schema.get("required", []) if n not in names]
    schema["allOf"] = [rule for rule in schema.get("allOf", []) if not names & _names_in(rule)]
    return schema


def _names_in(rule: Mapping[str, Any]) -> set[str]:
    condition, then = rule.get("if", {}), rule.get("then", {})
    return {*condition.get("properties", {}), *condition.get("required", []), *then.get("properties", {}),
            *then.get("required", []), rule.get("x-field", "")}
