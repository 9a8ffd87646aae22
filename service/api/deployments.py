from __future__ import annotations

from flask import current_app, g

from service.api import blueprint
from service.api.bodies import json_object
from service.auth.permissions import allow
from service.casework.deploy import deploy, deployed_lookup
from service.casework.errors import FieldProblem, InvalidInput
from service.dao import processes_dao
from workflows.decision_tables import tables_used
from workflows.definitions import DeploymentError, parse_definitions


@blueprint.route("/deployments", methods=["POST"])
@allow("process_owner")
def deploy_bpmn():
    """Deploy a BPMN file with its forms and DMN decision tables. Forms not sent are taken from the process's
    latest version."""
    body = json_object({"bpmn", "forms", "comment", "filename", "decision_tables"})
    if not isinstance(body.get("bpmn"), str) or not body["bpmn"].strip():
        raise InvalidInput([FieldProblem("bpmn", "Send the BPMN XML as a string in ‘bpmn’")])
    forms = body.get("forms", {})
    if not isinstance(forms, dict) or not all(isinstance(v, dict) for v in forms.values()):
        raise InvalidInput([FieldProblem("forms", "‘forms’ must map form keys to JSON Schema objects")])
    tables = body.get("decision_tables", {})
    if not isinstance(tables, dict) or not all(isinstance(v, str) for v in tables.values()):
        raise InvalidInput([FieldProblem("decision_tables", "‘decision_tables’ must map DMN file names to their XML")])
    decisions = {str(name)[:100]: xml.encode("utf-8") for name, xml in tables.items()}
    runtime = current_app.extensions["ubp"]
    content = body["bpmn"].encode("utf-8")
    try:
        process_ids = [d.process_id for d in parse_definitions(
            content, called=deployed_lookup(runtime.db), decisions=tables_used(content, decisions))]
    except DeploymentError as error:
        return _refused(error)
    with runtime.db.reading() as session:
        existing = {}
        for process_id in process_ids:
            latest = processes_dao.get_latest_version(session, process_id)
            existing.update(latest.forms if latest else {})
    try:
        outcome = deploy(runtime.db, content, {**existing, **forms},
                         filename=str(body.get("filename", "api.bpmn"))[:100], deployed_by_id=g.actor.user_id,
                         comment=str(body.get("comment", ""))[:1000], now=runtime.clock.now(), decisions=decisions)
    except DeploymentError as error:
        return _refused(error)
    status = 201 if any(v.created for v in outcome.versions) else 200
    return {"message": outcome.message, "versions": [
        {"process_id": v.process_id, "version": v.version, "created": v.created} for v in outcome.versions
    ]}, status


def _refused(error: DeploymentError):
    return {"error": {"status": 422, "message": "The diagram was not deployed.", "problems": [
        {"field": p.element_id or "", "message": p.message} for p in error.problems
    ]}}, 422
