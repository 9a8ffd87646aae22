"""The data-protection officer's tools for a customer: their record (cases, retention, what refuses erasure),
finding them, correcting their details and erasing their records on request.

Each change is audited on the chain of every case it touches. Rectification records the old and new details
(a record of a correction must say what was corrected); erasure anonymises each of the customer's cases with
the platform's case anonymisation, which releases the customer with their last case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from service.cases.errors import Conflict, FieldProblem, InvalidInput, NotFound
from service.casework import Casework
from service.dao import instances_dao
from service.dao.audit_dao import NewAuditEvent
from service.data_protection.anonymisation import anonymise_case, refusals
from service.data_protection.data_protection import checked_answers, require_officer
from service.data_protection.periods import Retention
from service.data_protection.retention import case_retentions
from service.history.audit_trail import record_on_case
from service.models import Case
from service.packs.unacceptable_behaviour.dao import customers_dao, records_dao
from service.packs.unacceptable_behaviour.models import Customer, Restriction
from service.people.actors import Actor
from workflows.forms import FormSchema

CORRECTION_FORM = FormSchema("customer_correction", {
    "title": "Correct the customer's details",
    "description": "Letters from now on use the corrected details; letters already sent stay as they were sent.",
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {
            "type": "string", "title": "Full name", "maxLength": 200, "x-widget": "text",
            "x-messages": {"required": "Enter the customer's full name"},
        },
        "address": {
            "type": "string", "title": "Address (optional)", "maxLength": 1000, "x-widget": "textarea",
            "description": "One line of the address on each line.",
        },
    },
})
ERASURE_FORM = FormSchema("erasure_request", {
    "title": "Erase on request",
    "type": "object",
    "additionalProperties": False,
    "required": ["received_on", "checked"],
    "properties": {
        "received_on": {
            "type": "string", "title": "When was the request received?", "format": "date", "x-widget": "date",
            "x-not-future": True,
            "x-messages": {"required": "Enter the date the request was received",
                           "x-not-future": "The date the request was received must be today or in the past"},
        },
        "checked": {
            "type": "array", "title": "Before you erase", "uniqueItems": True, "minItems": 1, "x-widget": "checkboxes",
            "items": {"type": "string", "oneOf": [{
                "const": "no_lawful_reason",
                "title": "I have checked that there is no lawful reason to keep these records",
            }]},
            "x-messages": {"required": "Confirm that there is no lawful reason to keep the records",
                           "minItems": "Confirm that there is no lawful reason to keep the records"},
        },
    },
})



@dataclass(frozen=True)
class CaseRetention:
    case: Case
    retention: Retention | None  # None while the case is open or once it has been anonymised


@dataclass(frozen=True)
class CustomerRecord:
    customer: Customer
    cases: list[CaseRetention]
    active_restrictions: Sequence[Restriction]
    erasure_refusals: list[str]

    @property
    def address_lines(self) -> str:
        return "\n".join(self.customer.address or [])


def load_customer_record(casework: Casework, reference: str) -> CustomerRecord:
    with casework.db.reading() as session:
        customer = find_customer(session, reference)
        cases = customers_dao.list_cases_of_customer(session, customer.id)
        retentions = case_retentions(session, casework.pack_settings, cases)
        return CustomerRecord(
            customer=customer,
            cases=[CaseRetention(c, retentions.get(c.id)) for c in cases],
            active_restrictions=records_dao.list_active_restrictions(session, customer.id),
            erasure_refusals=erasure_refusals(session, customer),
        )


def search_customers(casework: Casework, text: str) -> list[tuple[str, str]]:
    """The reference and name of each customer whose reference or name holds ``text``: whose records an officer
    may need (``Pack.data_subjects``)."""
    if not text.strip():
        return []
    with casework.db.reading() as session:
        return [(c.reference, c.name) for c in customers_dao.search_customers(session, text)]


def correct_customer(casework: Casework, actor: Actor, reference: str, form_data: Mapping[str, Any]) -> None:
    """Rectification: the customer's name and address, with the old and new details on every case's trail."""
    require_officer(actor)
    now = casework.clock.now()
    data = checked_answers(CORRECTION_FORM, form_data, now)
    corrected = {"name": data["name"], "address": [line.strip() for line in data.get("address", "").splitlines()
                                                   if line.strip()]}
    with casework.db.transaction() as session:
        customer = find_customer(session, reference)
        if customer.anonymised_at is not None:
            raise Conflict("This customer's records have been anonymised: there are no details left to correct.")
        old = {"name": customer.name, "address": list(customer.address or [])}
        changed = [key for key in corrected if corrected[key] != old[key]]
        if not changed:
            raise InvalidInput([FieldProblem("name", "Change the name or the address, or go back")])
        kept = [c for c in customers_dao.list_cases_of_customer(session, customer.id) if c.anonymised_at is None]
        customer.name, customer.address = corrected["name"], corrected["address"]
        event_data = {"customer_reference": customer.reference, "old": {k: old[k] for k in changed},
                      "new": {k: corrected[k] for k in changed}}
        for case in kept:
            record_on_case(session, instances_dao.get_instance(session, case.instance_id), [NewAuditEvent(
                "customer_details_corrected", actor.user_id, list(actor.roles), data=event_data,
            )], now)


def erasure_refusals(session: Session, customer: Customer) -> list[str]:
    """Why the customer's records cannot be erased now; empty if they can."""
    kept = [c for c in customers_dao.list_cases_of_customer(session, customer.id) if c.anonymised_at is None]
    if customer.anonymised_at is not None or not kept:
        return ["This customer's records have already been anonymised."]
    return list(dict.fromkeys(reason for case in kept for reason in refusals(session, case)))


def erase_customer(casework: Casework, actor: Actor, reference: str, form_data: Mapping[str, Any]) -> int:
    """Erasure on request: every case of the customer anonymised now, all or none. Returns how many."""
    require_officer(actor)
    now = casework.clock.now()
    data = checked_answers(ERASURE_FORM, form_data, now)
    with casework.db.transaction() as session:
        customer = find_customer(session, reference)
        refused = erasure_refusals(session, customer)
        if refused:
            raise Conflict("The records were not erased. " + " ".join(refused))
        kept = [c for c in customers_dao.list_cases_of_customer(session, customer.id) if c.anonymised_at is None]
        for case in kept:
            anonymise_case(session, case, now=now, actor=actor,
                           record={"reason": "erasure_request", "request_received_on": data["received_on"]})
        return len(kept)


def find_customer(session: Session, reference: str) -> Customer:
    customer = customers_dao.get_customer_by_reference(session, reference.strip().upper())
    if customer is None:
        raise NotFound("There is no customer with that reference.")
    return customer
