"""Anonymising one closed case, in the caller's transaction: what retention and erasure both do.

Every record of the case keeps its row, its dates, its outcome and its categories (the statistics),
and loses what identifies the customer or what anyone wrote about them: forms' answers and the
workflow state keep their keys with blank values, notes and reasons are emptied, incidents and
external tasks lose their messages, error details and variables (workers write what they like
there), a business key chosen by another system is dropped, letters become a
placeholder (their hash still names the letter that was sent), and the audit trail keeps its event
types, times, roles and chain while its data is redacted. The anonymisation is itself the last
event on the chain, with no personal data in it.

The customer is anonymised with their last case: until then the anonymised case moves to a
stand-in customer row of its own, so nothing links it back to the person.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import lru_cache
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
from service.models import Case, Customer, ProcessInstance
from service.packs.unacceptable_behaviour.dao import customers_dao, letters_dao, records_dao
from service.people.actors import Actor
from workflows.redaction import blanked, redacted_state

ANONYMISED_NAME = "Anonymised customer"
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
    for restriction in records_dao.list_active_restrictions(session, case.customer_id) if case.customer_id else []:
        case_reference = cases_dao.get_case(session, restriction.case_id).reference
        reasons.append(f"A restriction on this customer is in force until {_day(restriction.ends_on)} "
                       f"(case {case_reference}).")
    return list(dict.fromkeys(reasons))


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"


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
    _replace_letters(session, case, now)
    _redact_audit_events(session, instance, now)
    _release_customer(session, case, now)
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
    for incident in records_dao.list_incidents(session, case.id):
        incident.description = ""
        incident.details = blanked(incident.details or {})
    for adjustment in records_dao.list_adjustments(session, case.id):
        adjustment.details = blanked(adjustment.details or {})
        adjustment.letter_format = blanked(adjustment.letter_format or {})
    for restriction in records_dao.list_restrictions_of_case(session, case.id):
        restriction.details = blanked(restriction.details or {})
        restriction.reasons = ""
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


def _replace_letters(session: Session, case: Case, now: datetime) -> None:
    """The placeholder takes the letter's place; its sha256 stays that of the letter that was sent."""
    for letter in letters_dao.list_letters_of_case(session, case.id):
        if letter.anonymised_at is not None:
            continue
        letter.content = placeholder_pdf()
        letter.media_type = "application/pdf"
        letter.rendered_from = blanked(letter.rendered_from or {})
        letter.letter_format = blanked(letter.letter_format or {})
        letter.language = None
        letter.anonymised_at = now


@lru_cache(maxsize=1)
def placeholder_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string=(
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>Anonymised letter</title></head>"
        "<body><p>This letter has been anonymised under the retention policy. "
        "The record keeps the SHA-256 hash of the letter that was sent.</p></body></html>"
    )).write_pdf()


def _redact_audit_events(session: Session, instance: ProcessInstance, now: datetime) -> None:
    for event in audit_dao.list_events(session, instance.id):
        if event.redacted_at is None:
            kept = _KEPT_ON_REDACTION.get(event.event_type, ())
            event.data = {key: value for key, value in (event.data or {}).items() if key in kept}
            event.redacted_at = now


def _release_customer(session: Session, case: Case, now: datetime) -> None:
    if case.customer_id is None:
        return  # a process with no customers: nothing to release
    customer = customers_dao.get_customer(session, case.customer_id)
    if data_protection_dao.count_cases_kept(session, customer.id, other_than=case.id):
        stand_in = data_protection_dao.add_customer(session, Customer(
            reference=anonymous_reference(), name=ANONYMISED_NAME, address=[], contact_notes="",
            created_at=customer.created_at, anonymised_at=now,
        ))
        data_protection_dao.move_case_to_customer(session, case, stand_in.id)
        return
    previous = customer.reference
    customer.reference = anonymous_reference()
    customer.name = ANONYMISED_NAME
    customer.address = []
    customer.contact_notes = ""
    customer.email, customer.preferred_channel = "", ""
    customer.anonymised_at = now
    session.flush()
    data_protection_dao.rename_access_log_subject(session, "customer", previous, customer.reference)


def anonymous_reference() -> str:
    return f"ANON-{secrets.token_hex(6).upper()}"

