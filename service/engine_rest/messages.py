"""``POST /engine-rest/message``: correlate a message to the case it is for, by business key."""

from __future__ import annotations

from flask import current_app, g

from service.auth.permissions import allow
from service.casework.actors import TASK_WORKER
from service.casework.errors import Conflict, NotFound
from service.dao import engine_rest_dao
from service.dao.engine_rest_dao import InstanceFilter
from service.engine_rest import blueprint
from service.engine_rest.fields import InvalidRequest, body, boolean, text
from service.engine_rest.representations import process_instance
from service.engine_rest.variables import plain


@blueprint.route("/message", methods=["POST"])
@allow(TASK_WORKER)
def correlate():
    """The message's ``processVariables`` are its payload, validated against the message's form. Messages
    are routed by business key (the case reference); ``correlationKeys`` alone cannot find a case here."""
    data = body()
    name = text(data, "messageName", required=True, max_length=200)
    business_key = text(data, "businessKey", max_length=40)
    if business_key is None:
        raise InvalidRequest("businessKey is required: messages are delivered to the case whose reference it is "
                             "(correlationKeys, processInstanceId and message start events are not supported)")
    if data.get("correlationKeys") or data.get("localCorrelationKeys") or data.get("processInstanceId"):
        raise InvalidRequest("correlationKeys, localCorrelationKeys and processInstanceId are not supported: "
                             "correlate by businessKey")
    if data.get("all"):
        raise InvalidRequest("all=true is not supported: a message goes to the one case named by businessKey")
    runtime = current_app.extensions["ubp"]
    payload = plain(data.get("processVariables"), "processVariables")
    try:
        runtime.casework.deliver_message(g.actor, business_key, name, payload)
    except NotFound as missing:
        # Camunda answers a message no case can take as a correlation mismatch, not as a missing resource.
        raise Conflict(f"Cannot correlate message '{name[:80]}': {missing.message}") from None
    if not boolean(data, "resultEnabled"):
        return "", 204
    with runtime.db.reading() as session:
        [row] = engine_rest_dao.list_instances(session, InstanceFilter(business_key=business_key), 0, 1)
    return [{"resultType": "Execution", "execution": None,
             "processInstance": process_instance(row)}]
