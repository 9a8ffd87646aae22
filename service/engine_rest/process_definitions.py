"""Process definitions: list, latest by key, its BPMN XML, and starting an instance by key."""

from __future__ import annotations

from flask import current_app, g

from service.auth.permissions import allow, signed_in
from service.cases.cases import start_case
from service.cases.errors import NotFound
from service.cases.instance_listing import instance_row
from service.engine_rest import blueprint
from service.engine_rest.fields import body, query_flag, query_int, query_text
from service.engine_rest.representations import process_definition, process_instance
from service.engine_rest.variables import plain
from service.people.roles import CASE_READERS
from service.processes.process_versions import latest_version, versions_page

READERS = ("process_owner", *CASE_READERS)


def _runtime():
    return current_app.extensions["ubp"]


def _latest(key: str):
    version = latest_version(_runtime().casework, key[:200])
    if version is None:
        raise NotFound(f"No matching process definition with key: {key[:200]} and no tenant-id")
    return version


@blueprint.route("/process-definition", methods=["GET"])
@allow(*READERS)
def list_definitions():
    versions = versions_page(_runtime().casework, query_text("key", 200), bool(query_flag("latestVersion")),
                             query_int("firstResult", 0, high=10**9), query_int("maxResults", 100, high=1000))
    return [process_definition(v) for v in versions]


@blueprint.route("/process-definition/key/<key>", methods=["GET"])
@allow(*READERS)
def definition_by_key(key: str):
    return process_definition(_latest(key))


@blueprint.route("/process-definition/key/<key>/xml", methods=["GET"])
@allow(*READERS)
def definition_xml(key: str):
    version = _latest(key)
    return {"id": process_definition(version)["id"], "bpmn20Xml": version.bpmn_xml}


@blueprint.route("/process-definition/key/<key>/start", methods=["POST"])
@signed_in
def start_by_key(key: str):
    """Start a case: the variables are its start form's answers, validated like the form's. A businessKey
    given is kept as the case's business key (not unique, as in Camunda); the case reference is its id. Who
    may start is the process's own rule (camunda:candidateStarterGroups), checked by the service."""
    data = body()
    started = start_case(_runtime().casework, g.actor, plain(data.get("variables")), process_id=key[:200],
                                             business_key=data.get("businessKey"))
    return process_instance(instance_row(_runtime().casework, started.reference))
