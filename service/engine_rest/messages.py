"""``POST /engine-rest/message``: correlate a message to the waiting case(s) it is for, as Camunda 7 does."""

from __future__ import annotations

from flask import current_app, g

from service.auth.permissions import allow
from service.cases import business_keys
from service.cases.instance_listing import instance_rows
from service.cases.message_correlation import Correlation, correlate
from service.engine_rest import blueprint
from service.engine_rest.fields import InvalidRequest, body, boolean, text
from service.engine_rest.representations import process_instance
from service.engine_rest.variables import plain
from service.people.actors import TASK_WORKER

UNSUPPORTED = ("localCorrelationKeys", "processVariablesLocal", "processVariablesToTriggeredScope", "tenantId")


@blueprint.route("/message", methods=["POST"])
@allow(TASK_WORKER)
def deliver():
    """``processVariables`` are the message's payload, validated against the form its catch event names.
    The case is found by any of businessKey, processInstanceId (the case reference) and correlationKeys
    (variables the case holds with these typed values); with none, every case waiting for the message
    matches. Exactly one must match unless ``all`` is true. Message start events are not supported."""
    data = body()
    for name in UNSUPPORTED:
        if data.get(name):
            raise InvalidRequest(f"{name} is not supported: correlate by businessKey, processInstanceId and "
                                 "correlationKeys (process variables)")
    if boolean(data, "variablesInResultEnabled"):
        raise InvalidRequest("variablesInResultEnabled is not supported: read the case's variables afterwards")
    key = data.get("businessKey")
    correlation = Correlation(
        message=text(data, "messageName", required=True, max_length=200),
        business_key=business_keys.checked(key) if key is not None else None,
        reference=text(data, "processInstanceId", max_length=40),
        correlation_keys=plain(data.get("correlationKeys"), "correlationKeys"),
        all=boolean(data, "all"),
    )
    runtime = current_app.extensions["ubp"]
    references = correlate(runtime.casework, g.actor, correlation, plain(data.get("processVariables"),
                                                                        "processVariables"))
    if not boolean(data, "resultEnabled"):
        return "", 204
    rows = instance_rows(runtime.casework, references)
    return [{"resultType": "Execution", "processInstance": process_instance(row),
             "execution": {"id": row.instance.business_key, "processInstanceId": row.instance.business_key,
                           "ended": row.instance.status != "running", "tenantId": None}}
            for row in rows]
