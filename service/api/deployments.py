from __future__ import annotations

from flask import current_app, g, request

from service.api import blueprint
from service.api.bodies import json_object
from service.auth.permissions import allow
from service.cases.errors import FieldProblem, InvalidInput
from service.processes.deploy import deploy, deployed_lookup, latest_forms
from service.processes.deploy_bundle import BundleRefused, deploy_bundle, read_bundle
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
            content, called=deployed_lookup(runtime.casework), decisions=tables_used(content, decisions))]
    except DeploymentError as error:
        return _refused(error)
    existing = latest_forms(runtime.casework, process_ids)
    try:
        outcome = deploy(runtime.casework, content, {**existing, **forms},
                         filename=str(body.get("filename", "api.bpmn"))[:100], deployed_by_id=g.actor.user_id,
                         comment=str(body.get("comment", ""))[:1000], now=runtime.clock.now(), decisions=decisions)
    except DeploymentError as error:
        return _refused(error)
    status = 201 if any(v.created for v in outcome.versions) else 200
    return {"message": outcome.message, "warnings": outcome.warnings, "versions": [
        {"process_id": v.process_id, "version": v.version, "created": v.created} for v in outcome.versions
    ]}, status


def _refused(error: DeploymentError):
    return {"error": {"status": 422, "message": "The diagram was not deployed.", "problems": [
        {"field": p.element_id or "", "message": p.message} for p in error.problems
    ]}}, 422


@blueprint.route("/deployments/bundle", methods=["POST"])
@allow("process_owner")
def deploy_bundle_files():
    """Deploy several files together (multipart ``files``): BPMN diagrams, their forms (.json) and DMN decision
    tables (.dmn), loose or in a ZIP. One line per file; 422 if any file was refused (the others still count)."""
    uploads = request.files.getlist("files")
    if not uploads:
        raise InvalidInput([FieldProblem("files", "Send the files as multipart/form-data fields named ‘files’")])
    runtime = current_app.extensions["ubp"]
    try:
        bundle = read_bundle((upload.filename or "unnamed", upload.read()) for upload in uploads)
    except BundleRefused as refused:
        raise InvalidInput([FieldProblem("files", str(refused))], "Nothing was deployed.") from None
    outcomes = deploy_bundle(runtime.casework, bundle, deployed_by_id=g.actor.user_id,
                             comment=str(request.form.get("comment", ""))[:1000], now=runtime.clock.now())
    body = {"files": [{"filename": o.filename, "status": o.status, "message": o.message} for o in outcomes],
            "refused": sum(o.status == "refused" for o in outcomes)}
    if body["refused"]:
        return body, 422
    return body, 201 if any(o.status == "deployed" for o in outcomes) else 200
