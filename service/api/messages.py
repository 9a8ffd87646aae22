"""Messages from outside to the case waiting for them: by case reference, or correlated by name and business key.

The body (or ``payload``) is validated against the form the catch event names; its fields become
variables in the case's data, and the whole payload is also kept under the message's name (see
``workflows.engine.CaseEngine.deliver_message``). Who may send a message is the catch event's
``candidateGroups`` property (anyone who works on tasks, if it names none), checked by the casework service.
"""

from __future__ import annotations

import re

from flask import current_app, g

from service.api import blueprint
from service.api.bodies import json_object
from service.auth.permissions import allow
from service.cases.cases import deliver_message
from service.cases.errors import FieldProblem, InvalidInput, NotFound
from service.cases.starting import REFERENCE
from service.people.actors import TASK_WORKER

# The service checks the message's own groups; anyone who works tasks may try.
SENDERS = (TASK_WORKER,)
_MESSAGE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,199}$")


def _deliver(reference: str, name: str, payload: dict) -> tuple[dict, int]:
    if not REFERENCE.match(reference):
        raise NotFound("There is no case with that reference.")
    if not _MESSAGE_NAME.match(name):
        raise NotFound("There is no message with that name.")
    deliver_message(current_app.extensions["ubp"].casework, g.actor, reference, name, payload)
    return {"reference": reference, "message": name, "delivered": True}, 201


@blueprint.route("/cases/<reference>/messages/<name>", methods=["POST"])
@allow(*SENDERS)
def send_message(reference: str, name: str):
    return _deliver(reference, name, json_object())


@blueprint.route("/messages", methods=["POST"])
@allow(*SENDERS)
def correlate_message():
    """The case waiting for message ``message_name`` whose business key (case reference) is ``business_key``."""
    body = json_object({"message_name", "business_key", "payload"})
    problems = [FieldProblem(field, f"‘{field}’ is required and must be text")
                for field in ("message_name", "business_key") if not isinstance(body.get(field), str)]
    payload = body.get("payload", {})
    if not isinstance(payload, dict):
        problems.append(FieldProblem("payload", "‘payload’ must be a JSON object of the message form's fields"))
    if problems:
        raise InvalidInput(problems)
    return _deliver(body["business_key"], body["message_name"], payload)
