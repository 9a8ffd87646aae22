"""A customer's contact details: where and how their letters go, and correcting them before a letter is sent.

The details are first given when an incident is recorded for a new customer. Staff correct them on the
customer's page; each correction is written on the hash chain of every open case of the customer, so the
letters those cases send can be traced to the details in force. A letter cannot go by post without a
correspondence address, nor by email without an email address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.cases.errors import FieldProblem, InvalidInput, NotAllowed, NotFound
from service.casework import Casework
from service.dao import instances_dao
from service.dao.audit_dao import NewAuditEvent
from service.history.audit_trail import record_on_case
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.packs.unacceptable_behaviour.models import Customer
from service.packs.unacceptable_behaviour.roles import STAFF
from service.people.actors import Actor
from service.processes.forms import validated_by
from workflows.forms import FormSchema

EDITORS = STAFF
CHANNEL_WORDS = {"post": "By post", "email": "By email"}

CONTACT_FORM = FormSchema("customer_contact", {
    "title": "Correct the customer's contact details",
    "description": "Letters go to these details: correct them before a letter is sent.",
    "type": "object",
    "additionalProperties": False,
    "required": ["preferred_channel"],
    "properties": {
        "correspondence_address": {
            "type": "string", "title": "Correspondence address (needed if letters go by post)", "maxLength": 1000,
            "x-widget": "textarea",
            "description": "Put each line of the address on its own line.",
            "x-messages": {"required": "Enter the customer's correspondence address: letters by post need one"},
        },
        "customer_email": {
            "type": "string", "title": "Email address (needed if letters go by email)", "maxLength": 320,
            "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "x-widget": "text",
            "x-messages": {"required": "Enter the customer's email address: letters by email need one",
                           "pattern": "Enter an email address in the correct format, like name@example.com"},
        },
        "preferred_channel": {
            "type": "string", "title": "How does the customer want to receive letters?", "x-widget": "radios",
            "oneOf": [{"const": "post", "title": "By post"}, {"const": "email", "title": "By email"}],
            "x-messages": {"required": "Select how the customer wants to receive letters"},
        },
    },
    "allOf": [
        {"if": {"properties": {"preferred_channel": {"const": "post"}}, "required": ["preferred_channel"]},
         "then": {"required": ["correspondence_address"]}},
        {"if": {"properties": {"preferred_channel": {"const": "email"}}, "required": ["preferred_channel"]},
         "then": {"required": ["customer_email"]}},
    ],
})


def contact_answers(customer: Customer) -> dict[str, str]:
    """The customer's details as the correction form shows them before any change."""
    return {"correspondence_address": "\n".join(customer.address or []), "customer_email": customer.email or "",
            "preferred_channel": customer.preferred_channel or ""}


def correct_contact(casework, actor: Actor, reference: str, form_data: Mapping[str, Any]) -> Customer:
    if not actor.has_any_role(EDITORS):
        raise NotAllowed("Only caseworkers, Heads of Service and Executives can correct a customer's details.")
    now = casework.clock.now()
    data = validated_by(CONTACT_FORM, form_data, now)
    with casework.db.transaction() as session:
        customer = customers_dao.get_customer_by_reference(session, reference.strip().upper())
        if customer is None or customer.anonymised_at is not None:
            raise NotFound("There is no customer with that reference.")
        address = data.get("correspondence_address") or ""
        customer.address = [line.strip() for line in address.splitlines() if line.strip()]
        customer.email = data.get("customer_email") or ""
        customer.preferred_channel = data["preferred_channel"]
        for case in customers_dao.list_cases_of_customer(session, customer.id):
            if case.status == "open":
                record_on_case(session, instances_dao.get_instance(session, case.instance_id), [NewAuditEvent(
                    "contact_details_corrected", actor.user_id, list(actor.roles), data={"form": data},
                )], now)
        return customer


def refuse_unreachable(customer: Customer | None, method: str | None, field: str) -> None:
    """A letter by post needs a correspondence address, and one by email an email address."""
    if customer is None:
        return
    if method == "post" and not customer.address:
        raise InvalidInput([FieldProblem(field, (
            "The customer has no correspondence address, so the letter cannot go by post. Add the address "
            "on the customer's page first, or send the letter another way"))])
    if method == "email" and not customer.email:
        raise InvalidInput([FieldProblem(field, (
            "The customer has no email address, so the letter cannot go by email. Add it on the customer's "
            "page first, or send the letter another way"))])


def load_customer(casework: Casework, reference: str) -> Customer:
    with casework.db.reading() as session:
        customer = customers_dao.get_customer_by_reference(session, reference.strip().upper())
    if customer is None or customer.anonymised_at is not None:
        raise NotFound("There is no customer with that reference.")
    return customer
