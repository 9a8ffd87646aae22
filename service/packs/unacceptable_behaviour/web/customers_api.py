"""The policy's customer routes in the API: a customer's restrictions in force, and the contact check."""

from __future__ import annotations

from typing import Any

from flask import Flask, g

from service.api import add_api_blueprint, api_blueprint
from service.api.bodies import query_choice, query_london_date
from service.api.openapi import ISO_DATE, ISO_INSTANT, body, path_param, query, ref, responses
from service.auth.permissions import allow
from service.cases.errors import FieldProblem, InvalidInput
from service.history import access_log
from service.packs.unacceptable_behaviour.api_records import restriction
from service.packs.unacceptable_behaviour.contact_check import CHANNELS, check_contact
from service.packs.unacceptable_behaviour.customer_file import load_active_restrictions
from service.packs.unacceptable_behaviour.roles import STAFF_AND_AUDITORS
from service.views.helpers import runtime
from workflows.calendar import london_date

blueprint = api_blueprint("customers_api", __name__)
READERS = STAFF_AND_AUDITORS


@blueprint.route("/customers/<reference>/restrictions", methods=["GET"])
@allow(*READERS)
def active_restrictions(reference: str):
    customer, restrictions = load_active_restrictions(runtime().casework, reference)
    access_log.record_view(runtime().casework, g.actor, "customer", customer.reference)
    return {"customer_reference": customer.reference,
            "restrictions": [restriction(r) for r in restrictions]}


@blueprint.route("/customers/<reference>/contact-check", methods=["GET"])
@allow(*READERS)
def contact_check(reference: str):
    """``channel`` and ``datetime`` (or a date) -> may we contact this customer so, and why."""
    channel = query_choice("channel", CHANNELS)
    if channel is None:
        raise InvalidInput([FieldProblem("channel", "channel is required: one of " + ", ".join(CHANNELS))])
    on = query_london_date("datetime", london_date(runtime().clock.now()))
    emergency = query_choice("emergency", ("true", "false"), "false") == "true"
    customer, restrictions = load_active_restrictions(runtime().casework, reference)
    decision = check_contact(restrictions, channel, on, emergency=emergency)
    access_log.record_view(runtime().casework, g.actor, "customer", customer.reference)
    return {
        "customer_reference": customer.reference, "channel": channel, "date": on.isoformat(),
        "emergency": emergency, "allowed": decision.allowed, "reasons": decision.reasons,
        "conditions": decision.conditions,
        "restrictions": [restriction(r) for r in decision.restrictions],
    }


PATHS: dict[str, Any] = {
    "/customers/{reference}/restrictions": {"get": {
        "operationId": "getRestrictions", "summary": "A customer's restrictions in force",
        "parameters": [path_param("reference", "The customer reference")],
        "responses": responses({"200": body({"type": "object", "required": ["restrictions"], "properties": {
            "customer_reference": {"type": "string"},
            "restrictions": {"type": "array", "items": ref("Restriction")}}}, "Restrictions in force")}, 404)}},
    "/customers/{reference}/contact-check": {"get": {
        "operationId": "checkContact", "summary": "May we contact this customer by this channel on this date?",
        "description": "Emergencies and urgent health-and-safety repairs are always allowed.",
        "parameters": [
            path_param("reference", "The customer reference"),
            query("channel", {"type": "string", "enum": ["telephone", "face_to_face", "video_call", "text_message",
                                                         "letter", "email", "social_media", "other_digital"]},
                  "The contact channel", required=True),
            query("datetime", {"type": "string", "maxLength": 40, "anyOf": [ISO_DATE, ISO_INSTANT]},
                  "ISO-8601 date or date-time (default: now)"),
            query("emergency", {"type": "string", "enum": ["true", "false"]}, "An emergency or urgent repair")],
        "responses": responses({"200": body({"type": "object", "required": ["allowed", "reasons"], "properties": {
            "allowed": {"type": "boolean"}, "reasons": {"type": "array", "items": {"type": "string"}},
            "conditions": {"type": "array", "items": {"type": "string"}}, "channel": {"type": "string"},
            "date": ISO_DATE, "emergency": {"type": "boolean"}, "customer_reference": {"type": "string"},
            "restrictions": {"type": "array", "items": ref("Restriction")}}}, "The answer")}, 404, 422)}},
}


# A restriction as the API shows it (``api_records.restriction``), here and on the platform's case.
SCHEMAS: dict[str, Any] = {
    "Restriction": {"type": "object", "required": ["kind", "status", "starts_on", "ends_on", "permitted_contact"],
                    "properties": {"kind": {"type": "string"}, "status": {"type": "string"}, "starts_on": ISO_DATE,
                                   "ends_on": ISO_DATE,
                                   "permitted_contact": {"type": "array", "items": {"type": "string"}}}},
}


def init_app(app: Flask) -> None:
    add_api_blueprint(app, blueprint, PATHS, SCHEMAS)
