"""Recording an appeal through the API: the policy's message to a case whose restriction is in force."""

from __future__ import annotations

from typing import Any

from flask import Flask, g

from service.api import add_api_blueprint, api_blueprint
from service.api.bodies import json_object
from service.api.openapi import body, path_param, ref, responses
from service.auth.permissions import allow
from service.cases.cases import deliver_message
from service.cases.errors import NotFound
from service.cases.starting import REFERENCE
from service.packs.unacceptable_behaviour.appeals import APPEAL_MESSAGE
from service.packs.unacceptable_behaviour.roles import CASEWORKERS
from service.views.helpers import runtime

blueprint = api_blueprint("appeals_api", __name__)


@blueprint.route("/cases/<reference>/appeals", methods=["POST"])
@allow(*CASEWORKERS)
def record_appeal(reference: str):
    if not REFERENCE.match(reference):
        raise NotFound("There is no case with that reference.")
    deliver_message(runtime().casework, g.actor, reference, APPEAL_MESSAGE, json_object())
    return {"reference": reference, "recorded": APPEAL_MESSAGE}, 201


PATHS: dict[str, Any] = {
    "/cases/{reference}/appeals": {"post": {
        "operationId": "recordAppeal", "summary": "Record that an appeal was received",
        "description": "The body is forms/appeal_received.json. Only while a restriction is in force. "
                       "Role: caseworker.",
        "parameters": [path_param("reference", "The case reference")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("FormData")}}},
        "responses": responses({"201": body({"type": "object"}, "The appeal was recorded")},
                               400, 404, 409, 413, 422)}},
}


def init_app(app: Flask) -> None:
    add_api_blueprint(app, blueprint, PATHS)
