"""Telling a case over the API that something it waits for has happened (a BPMN message by name)."""

from __future__ import annotations

import re

from flask import current_app, g

from service.api import blueprint
from service.api.bodies import json_object
from service.auth.permissions import allow
from service.cases import reading
from service.cases.starting import REFERENCE
from service.casework.actors import TASK_WORKER
from service.casework.errors import NotFound

_MESSAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")


@blueprint.route("/cases/<reference>/messages/<name>", methods=["POST"])
@allow(TASK_WORKER)
def deliver_message(reference: str, name: str):
    """The body is the message's form (its catch event's ``formKey`` property)."""
    if not REFERENCE.match(reference) or not _MESSAGE.match(name):
        raise NotFound("There is no case with that reference.")
    runtime = current_app.extensions["ubp"]
    record = reading.load_case_record(runtime.db, g.actor, reference)
    runtime.casework.deliver_message(g.actor, record.case.reference, name, json_object())
    return {"reference": record.case.reference, "recorded": name}, 201
