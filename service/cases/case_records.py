"""Adding to an open case outside its workflow: notes and evidence (a pack adds its own, such as the
policy's further incidents, with ``load_open_case``).

A note does not move the workflow on, but it is part of the case's record: it is audited on the
case's hash chain under the instance's optimistic lock, in the same transaction as the row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from service.cases import evidence_files
from service.cases.errors import Conflict, NotAllowed, NotFound
from service.cases.reading import refuse_unless_may_read
from service.casework import Casework
from service.dao import cases_dao, instances_dao, processes_dao
from service.dao.audit_dao import NewAuditEvent
from service.history.audit_trail import record_on_case
from service.models import Case, CaseNote, ProcessVersion
from service.people.actors import Actor
from service.processes.forms import validated_by
from workflows.forms import FormSchema

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


def add_note(casework: Casework, actor: Actor, reference: str, form_data: Mapping[str, Any],
             uploads: Sequence[evidence_files.Upload] = ()) -> None:
    """A note, with any files of evidence it carries (their hashes go into the note's audit event)."""
    _require_staff(actor)
    now = casework.clock.now()
    # A file comes as an upload, never as an answer.
    data = validated_by(NOTE_FORM, {k: v for k, v in form_data.items() if k != evidence_files.FIELD}, now)
    evidence = evidence_files.checked(uploads)
    with casework.db.transaction() as session:
        case, instance, version = load_open_case(session, reference)
        refuse_unless_may_read(actor, version.process_id)
        note = CaseNote(case_id=case.id, author_id=actor.user_id, text=data["text"],
                        evidence_reference=data.get("evidence_reference"), created_at=now)
        session.add(note)
        session.flush()
        session.add_all(evidence_files.files_of_note(note.id, case.id, evidence, now))
        files = {"files": [e.described() for e in evidence]} if evidence else {}
        event = NewAuditEvent("note_added", actor.user_id, list(actor.roles), data={**data, **files})
        record_on_case(session, instance, [event], now)


def _require_staff(actor: Actor) -> None:
    """Anyone who works on cases (a staff role or any group), never an auditor or an administrator only."""
    if not actor.works_tasks:
        raise NotAllowed("Only people who work on cases can add to a case.")


def load_open_case(session, reference: str) -> tuple[Case, Any, ProcessVersion]:
    """The open case with that reference, its instance and its process version; NotFound or Conflict otherwise."""
    case = cases_dao.get_case_by_reference(session, reference.strip().upper())
    if case is None:
        raise NotFound("There is no case with that reference.")
    if case.status != "open":
        raise Conflict("This case is closed, so nothing can be added to it.")
    instance = instances_dao.get_instance(session, case.instance_id)
    return case, instance, processes_dao.get_version(session, instance.process_version_id)
