"""Adding to an open case outside its workflow: notes and evidence, and further incidents.

Neither moves the workflow on, but both are part of the case's record: each is audited on the
case's hash chain under the instance's optimistic lock, in the same transaction as the row.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from service.cases import evidence_files
from service.cases.cases import Casework
from service.cases.errors import Conflict, NotAllowed, NotFound
from service.cases.reading import refuse_unless_may_read
from service.dao import cases_dao, instances_dao, processes_dao
from service.dao.audit_dao import NewAuditEvent
from service.history.audit_trail import record_on_case
from service.models import Case, CaseNote, ProcessVersion
from service.notifications import outbox
from service.people.actors import Actor
from service.people.roles import CASEWORKERS
from service.processes import case_events
from service.processes.case_dates import case_dates
from service.processes.definitions import definition_of
from service.processes.forms import validated_by
from service.tasks.steps import StepContext
from workflows.forms import FormSchema

CUSTOMER_QUESTIONS = frozenset({"new_customer", "customer_reference", "customer_name", "correspondence_address",
                                "customer_email", "preferred_channel", "new_case_reason"})

NOTE_FORM = FormSchema("case_note", {
    "title": "Add a note or evidence",
    "description": "Notes are part of the case record and the customer may ask to see them. Keep to the facts.",
    "type": "object",
    "additionalProperties": False,
    "required": ["text"],
    "properties": {
        "text": {
            "type": "string", "title": "Note", "maxLength": 10000, "x-widget": "textarea",
            "description": "What happened or what you found, and when.",
            "x-messages": {"required": "Enter the note"},
        },
        "evidence_reference": {
            "type": "string", "title": "Evidence reference (optional)", "maxLength": 300, "x-widget": "text",
            "description": "Where the evidence is kept, for example a call recording reference or a document "
                           "saved to the case file.",
        },
        evidence_files.FIELD: {
            "type": "string", "title": "Attach a file (optional)", "x-widget": "file",
            "description": f"{evidence_files.KINDS_IN_WORDS.capitalize()}, up to "
                           f"{evidence_files.MAX_FILE_BYTES // (1024 * 1024)} MB.",
        },
    },
})
# Keyed by content as well as id: a version's content never changes, but tests reuse ids.
_incident_forms: dict[tuple[int, str], FormSchema] = {}


def add_note(casework: Casework, actor: Actor, reference: str, form_data: Mapping[str, Any],
             uploads: Sequence[evidence_files.Upload] = ()) -> None:
    """A note, with any files of evidence it carries (their hashes go into the note's audit event)."""
    _require_staff(actor)
    now = casework.clock.now()
    # A file comes as an upload, never as an answer.
    data = validated_by(NOTE_FORM, {k: v for k, v in form_data.items() if k != evidence_files.FIELD}, now)
    evidence = evidence_files.checked(uploads)
    with casework.db.transaction() as session:
        case, instance, version = _open_case(session, reference)
        refuse_unless_may_read(actor, version.process_id)
        note = CaseNote(case_id=case.id, author_id=actor.user_id, text=data["text"],
                        evidence_reference=data.get("evidence_reference"), created_at=now)
        session.add(note)
        session.flush()
        session.add_all(evidence_files.files_of_note(note.id, case.id, evidence, now))
        files = {"files": [e.described() for e in evidence]} if evidence else {}
        event = NewAuditEvent("note_added", actor.user_id, list(actor.roles), data={**data, **files})
        record_on_case(session, instance, [event], now)


def add_incident(casework: Casework, actor: Actor, reference: str, form_data: Mapping[str, Any]) -> None:
    """A further incident on an open case, recorded with the case's own incident form."""
    if not actor.has_any_role(CASEWORKERS):
        raise NotAllowed("Only caseworkers can record an incident.")
    now = casework.clock.now()
    with casework.db.transaction() as session:
        case, instance, version = _open_case(session, reference)
        data = validated_by(incident_form(version), form_data, now, lambda: case_dates(session, case, now))
        definition = definition_of(version)
        ctx = StepContext(session, casework.engine, definition, instance, case, now, casework.provider)
        case_events.handle("incident_recorded", ctx, actor, data)
        outbox.on_case(session, "incident_recorded", case.id, now, by_user_id=actor.user_id)
        record_on_case(session, instance, [NewAuditEvent(
            "incident_added", actor.user_id, list(actor.roles), data={"form": data},
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


def _require_staff(actor: Actor) -> None:
    """Anyone who works on cases (a staff role or any group), never an auditor or an administrator only."""
    if not actor.works_tasks:
        raise NotAllowed("Only people who work on cases can add to a case.")




def _open_case(session, reference: str) -> tuple[Case, Any, ProcessVersion]:
    case = cases_dao.get_case_by_reference(session, reference.strip().upper())
    if case is None:
        raise NotFound("There is no case with that reference.")
    if case.status != "open":
        raise Conflict("This case is closed, so nothing can be added to it.")
    instance = instances_dao.get_instance(session, case.instance_id)
    return case, instance, processes_dao.get_version(session, instance.process_version_id)
