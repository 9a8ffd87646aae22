"""Process instances (cases): list, one, and their variables."""

from __future__ import annotations

from flask import current_app, g

from service.auth.permissions import allow
from service.cases import instance_listing, process_variables
from service.cases.errors import NotFound
from service.cases.instance_listing import InstanceFilter
from service.cases.reading import readable_processes
from service.engine_rest import blueprint
from service.engine_rest.fields import InvalidRequest, body, query_flag, query_int, query_text
from service.engine_rest.representations import process_instance, version_row_id
from service.engine_rest.variables import plain, typed, typed_all
from service.history import access_log
from service.people.roles import CASE_READERS

# Anyone who works on tasks, and auditors; each sees only the cases of the processes they may read.
READERS = CASE_READERS
NO_CONTENT = ("", 204)


def _runtime():
    return current_app.extensions["ubp"]


def _filter() -> InstanceFilter:
    definition = query_text("processDefinitionId", 250)
    active = query_flag("active")
    suspended = query_flag("suspended")
    return InstanceFilter(
        business_key=query_text("businessKey", 255), reference=query_text("processInstanceIds", 40),
        process_definition_key=query_text("processDefinitionKey", 200),
        process_definition_id=version_row_id(definition) if definition else None,
        # Nothing is ever suspended here: suspended=true matches nothing, active=true the running cases.
        active=True if active else (None if suspended is None else (not suspended) or None),
        scope=readable_processes(g.actor),
    )


@blueprint.route("/process-instance", methods=["GET"])
@allow(*READERS)
def list_instances():
    f, first, size = _filter(), query_int("firstResult", 0, high=10**9), query_int("maxResults", 100, high=1000)
    if query_flag("suspended"):
        return []
    return [process_instance(row) for row in instance_listing.list_instances(_runtime().casework, f, first, size)]


@blueprint.route("/process-instance/count", methods=["GET"])
@allow(*READERS)
def count_instances():
    f = _filter()
    if query_flag("suspended"):
        return {"count": 0}
    return {"count": instance_listing.count_instances(_runtime().casework, f)}


@blueprint.route("/process-instance/<instance_id>", methods=["GET"])
@allow(*READERS)
def get_instance(instance_id: str):
    row = instance_listing.instance_row(_runtime().casework, instance_id[:40], readable_processes(g.actor))
    if row is None:
        raise NotFound(f"Process instance with id {instance_id[:40]} does not exist")
    return process_instance(row)


@blueprint.route("/process-instance/<instance_id>/variables", methods=["GET"])
@allow(*READERS)
def get_variables(instance_id: str):
    variables = process_variables.current_variables(_runtime().casework, g.actor, instance_id[:40])
    access_log.record_view(_runtime().casework, g.actor, "case", instance_id[:40])
    return typed_all(variables)


@blueprint.route("/process-instance/<instance_id>/variables/<name>", methods=["GET"])
@allow(*READERS)
def get_variable(instance_id: str, name: str):
    variables = process_variables.current_variables(_runtime().casework, g.actor, instance_id[:40])
    access_log.record_view(_runtime().casework, g.actor, "case", instance_id[:40])
    if name not in variables:
        raise NotFound(f"process instance variable with name {name[:80]} does not exist")
    return typed(variables[name])


@blueprint.route("/process-instance/<instance_id>/variables/<name>", methods=["PUT"])
@allow(*process_variables.WRITER_ROLES)
def put_variable(instance_id: str, name: str):
    values = plain({name: body()})
    process_variables.set_variables(_runtime().casework, g.actor, instance_id[:40], values)
    return NO_CONTENT


@blueprint.route("/process-instance/<instance_id>/variables", methods=["POST"])
@allow(*process_variables.WRITER_ROLES)
def modify_variables(instance_id: str):
    """Camunda's "modify": ``modifications`` are set; ``deletions`` are refused (case data is never deleted)."""
    data = body()
    if data.get("deletions"):
        raise InvalidRequest("deletions are not supported: a case's recorded data is never deleted")
    process_variables.set_variables(_runtime().casework, g.actor, instance_id[:40],
                                    plain(data.get("modifications"), "modifications"))
    return NO_CONTENT
