from __future__ import annotations

import re

from flask import current_app, g

from service.api import blueprint, representations
from service.api.bodies import query_choice, query_london_date
from service.auth.permissions import allow
from service.cases.errors import NotFound
from service.dao import cases_dao
from service.history import access_log
from service.packs.unacceptable_behaviour.contact_check import CHANNELS, check_contact
from service.packs.unacceptable_behaviour.contact_rules import permitted_contact
from service.people.roles import STAFF_AND_AUDITORS
from workflows.calendar import london_date

READERS = STAFF_AND_AUDITORS
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,39}$")


def _runtime():
    return current_app.extensions["ubp"]


def _customer_and_restrictions(reference: str):
    with _runtime().db.reading() as session:
        found = _REFERENCE.match(reference)
        customer = cases_dao.get_customer_by_reference(session, reference.upper()) if found else None
        if customer is None:
            raise NotFound("There is no customer with that reference.")
        return customer, cases_dao.list_active_restrictions(session, customer.id)


@blueprint.route("/customers/<reference>/restrictions", methods=["GET"])
@allow(*READERS)
def active_restrictions(reference: str):
    customer, restrictions = _customer_and_restrictions(reference)
    access_log.record_view(_runtime(), g.actor, "customer", customer.reference)
    return {"customer_reference": customer.reference,
            "restrictions": [representations.restriction(r, permitted_contact(r)) for r in restrictions]}


@blueprint.route("/customers/<reference>/contact-check", methods=["GET"])
@allow(*READERS)
def contact_check(reference: str):
    """``channel`` and ``datetime`` (or a date) -> may we contact this customer so, and why."""
    channel = query_choice("channel", CHANNELS)
    if channel is None:
        from service.cases.errors import FieldProblem, InvalidInput

        raise InvalidInput([FieldProblem("channel", "channel is required: one of " + ", ".join(CHANNELS))])
    on = query_london_date("datetime", london_date(_runtime().clock.now()))
    emergency = query_choice("emergency", ("true", "false"), "false") == "true"
    customer, restrictions = _customer_and_restrictions(reference)
    decision = check_contact(restrictions, channel, on, emergency=emergency)
    access_log.record_view(_runtime(), g.actor, "customer", customer.reference)
    return {
        "customer_reference": customer.reference, "channel": channel, "date": on.isoformat(),
        "emergency": emergency, "allowed": decision.allowed, "reasons": decision.reasons,
        "conditions": decision.conditions,
        "restrictions": [representations.restriction(r, permitted_contact(r)) for r in decision.restrictions],
    }
