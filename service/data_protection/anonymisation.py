"""Anonymising one closed case, in the caller's transaction: what retention and erasure both do.

Every platform record of the case keeps its row, its dates, its outcome and its categories (the
statistics), and loses what identifies the person or what anyone wrote about them: forms' answers and
the workflow state keep their keys with blank values, notes and reasons are emptied, incidents and
external tasks lose their messages, error details and variables (workers write what they like there), a
business key chosen by another system is dropped, and the audit trail keeps its event types, times,
roles and chain while its data is redacted. The case's pack does the same to its own records
(``Pack.anonymise_records``) and may refuse while it must keep them (``Pack.anonymisation_refusals``).
The anonymisation is itself the last event on the chain, with no personal data in it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.cases.errors import Conflict
from service.dao import (
    audit_dao,
    cases_dao,
    data_protection_dao,
    external_tasks_dao,
    incidents_dao,
    instances_dao,
    tasks_dao,
)
from service.dao.audit_dao import NewAuditEvent
from service.dao.instances_dao import StaleInstance
from service.history.audit_trail import CHANGED_MEANWHILE
from service.models import Case, ProcessInstance
from service.people.actors import Actor
from service.processes.definitions import pack_of_case
from workflows.redaction import blanked, redacted_state

ANONYMISED_EVENT = "case_anonymised"
ANONYMISED_INCIDENT = "(removed when the case was anonymised)"
# What a redacted audit event keeps: only values that come from the diagram or are staff ids, so the
# case's timeline still reads "Completed 'Assess the incident'" rather than a row of blanks.
_KEPT_ON_REDACTION = {
    "case_started": ("process_version", "path"),
    "migrated": ("process_id", "from_version", "to_version", "path"),
    "task_opened": ("name", "candidate_groups"),
    "task_completed": ("name", "path"),
    "task_claimed": ("name",),
    "task_unclaimed": ("name",),
    "task_reassigned": ("name", "from_user_id", "to_user_id"),
    "message_received": ("message", "path"),
    "timer_fired": ("path",),
    "case_closed": ("outcome",),
}


def refusals(session: Session, case: Case) -> list[str]:
    """Why the case cannot be anonymised now, in words for the page; empty if it can."""
    if case.anonymised_at is not None:
        return [f"{case.reference} has already been anonymised."]
    reasons = []
    if case.status != "closed":
        reasons.append(f"{case.reference} is still open: it can be anonymised only once it has closed.")
    if case.legal_hold:
        reasons.append(f"{case.reference} is on legal hold ({case.legal_hold_reason or 'no reason given'}).")
    pack = pack_of_case(session, case.id)
    if pack is not None and pack.anonymisation_refusals is not None:
        reasons += pack.anonymisation_refusals(session, case)
    return list(dict.fromkeys(reasons))


def anonymise_case(session: Session, case: Case, *, now: datetime, actor: Actor | None,
                   record: dict[str, Any]) -> None:
    """Anonymise ``case`` or raise Conflict saying why it cannot be. ``record`` is what the audit event
    keeps about why it was done (a rule and dates, never personal data)."""
    refused = refusals(session, case)
    if refused:
        raise Conflict(" ".join(refused))
    instance = instances_dao.get_instance(session, case.instance_id)
    read_version = instance.lock_version
    _blank_case_records(session, case)
    _blank_process_records(session, instance.id)
    _redact_audit_events(session, instance, now)
    pack = pack_of_case(session, case.id)
    if pack is not None and pack.anonymise_records is not None:
        pack.anonymise_records(session, case, now)
    event = NewAuditEvent(ANONYMISED_EVENT, actor.user_id if actor else None,
                          list(actor.roles) if actor else ["system"], data=record)
    seq, head = audit_dao.append_events(session, instance, [event], now=now)
    try:
        instances_dao.save_instance_state(session, instance, read_version=read_version, changes={
            "state": redacted_state(instance.state), "timer_error": None, "audit_seq": seq, "audit_head": head,
            "chosen_business_key": None, "updated_at": now,
        })
    except StaleInstance:
        raise Conflict(CHANGED_MEANWHILE) from None
    case.legal_hold_reason = None
    case.anonymised_at = now


def _blank_case_records(session: Session, case: Case) -> None:
    for note in cases_dao.list_notes(session, case.id):
        note.text = ""
        note.evidence_reference = None
    tasks = tasks_dao.list_tasks_of_case(session, case.id)
    for task in tasks:
        task.data = blanked(task.data) if task.data is not None else None
    for reassignment in data_protection_dao.list_reassignments(session, [t.id for t in tasks]):
        reassignment.reason = ""


def _blank_process_records(session: Session, instance_id: int) -> None:
    """Incidents and external tasks keep their kind, element, topic, counts and dates."""
    for incident in incidents_dao.of_instance(session, instance_id):
        incident.message = ANONYMISED_INCIDENT
        incident.details = blanked(incident.details or {})
    for task in external_tasks_dao.list_of_instance(session, instance_id):
        task.error_message = ANONYMISED_INCIDENT if task.error_message is not None else None
        task.error_details = None
        task.local_variables = blanked(task.local_variables or {})


def _redact_audit_events(session: Session, instance: ProcessInstance, now: datetime) -> None:
    for event in audit_dao.list_events(session, instance.id):
        if event.redacted_at is None:
            kept = _KEPT_ON_REDACTION.get(event.event_type, ())
            event.data = {key: value for key, value in (event.data or {}).items() if key in kept}
            event.redacted_at = now
