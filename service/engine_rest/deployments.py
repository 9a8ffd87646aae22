"""Deployments as Camunda Modeler sends them: ``POST /deployment/create`` (multipart) and the list.

The Modeler sends ``deployment-name``, ``deploy-changed-only``, ``deployment-source`` and the diagram
as a file part. Forms are JSON Schema documents here: send them as further file parts named
``<formKey>.json``; forms not sent are taken from the latest deployed versions of the same processes.
Everything the product's own deploy checks (parsing, the sandbox, forms, roles) applies; a diagram
that fails is refused whole with Camunda's ``ParseException`` body listing each problem by element.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, g, jsonify, request

from service.auth.permissions import allow
from service.engine_rest import blueprint
from service.engine_rest.fields import InvalidRequest, query_int
from service.engine_rest.representations import deployment, process_definition
from service.processes.deploy import deploy, latest_forms
from service.processes.process_versions import versions_by_id, versions_page
from workflows.definitions import DeploymentError, parse_definitions

BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml", ".xml")
MAX_FILES = 20


def _runtime():
    return current_app.extensions["ubp"]


def _uploads() -> tuple[list[tuple[str, bytes]], dict[str, Any]]:
    diagrams, forms = [], {}
    files = [f for _, f in request.files.items(multi=True)]
    if len(files) > MAX_FILES:
        raise InvalidRequest(f"At most {MAX_FILES} resources can be deployed at once")
    for upload in files:
        name = (upload.filename or "").rsplit("/", 1)[-1][:200]
        content = upload.read()
        if name.lower().endswith(BPMN_SUFFIXES):
            diagrams.append((name, content))
        elif name.lower().endswith(".json"):
            try:
                schema = json.loads(content)
            except (ValueError, UnicodeDecodeError):
                raise InvalidRequest(f"The form {name} is not valid JSON") from None
            if not isinstance(schema, dict):
                raise InvalidRequest(f"The form {name} must be a JSON Schema object")
            forms[name[:-5]] = schema
        else:
            raise InvalidRequest(f"Cannot deploy {name or 'an unnamed resource'}: only BPMN diagrams (.bpmn) and "
                                 "JSON Schema forms (<formKey>.json) can be deployed here (no DMN, Camunda Forms "
                                 "or scripts)")
    if not diagrams:
        raise InvalidRequest("No BPMN diagram was sent: attach the .bpmn file as a multipart file part")
    return diagrams, forms


def _parse_exception(name: str, error: DeploymentError):
    body = {
        "type": "ParseException",
        "message": f"ENGINE-09005 Could not parse BPMN process. Errors: {'; '.join(p.message for p in error.problems)}",
        "details": {name: {"errors": [
            {"message": p.message, "line": 0, "column": 0, "mainElementId": p.element_id,
             "elementIds": [p.element_id] if p.element_id else []} for p in error.problems
        ], "warnings": []}},
    }
    response = jsonify(body)
    response.status_code = 400
    return response


@blueprint.route("/deployment/create", methods=["POST"])
@allow("process_owner")
def create_deployment():
    runtime = _runtime()
    diagrams, sent_forms = _uploads()
    name = (request.form.get("deployment-name") or "")[:200]
    source = (request.form.get("deployment-source") or "")[:200]
    deployed: dict[str, Any] = {}
    first = None
    for filename, content in diagrams:
        try:
            process_ids = [d.process_id for d in parse_definitions(content, filename)]
        except DeploymentError as error:
            return _parse_exception(filename, error)
        forms = latest_forms(runtime.casework, process_ids)
        try:
            outcome = deploy(runtime.casework, content, {**forms, **sent_forms}, filename=filename,
                             deployed_by_id=g.actor.user_id, now=runtime.clock.now(),
                             comment=f"{name} (deployed from {source or 'the Camunda 7 API'})".strip())
        except DeploymentError as error:
            return _parse_exception(filename, error)
        for row in versions_by_id(runtime.casework, [version.version_id for version in outcome.versions]):
            first = first or row
            deployed[process_definition(row)["id"]] = process_definition(row)
    return {**deployment(first), "name": name or first.name, "source": source or None,
            "deployedProcessDefinitions": deployed, "deployedCaseDefinitions": None,
            "deployedDecisionDefinitions": None, "deployedDecisionRequirementsDefinitions": None}


@blueprint.route("/deployment", methods=["GET"])
@allow("process_owner", "auditor")
def list_deployments():
    versions = versions_page(_runtime().casework, None, False, query_int("firstResult", 0, high=10**9),
                             query_int("maxResults", 100, high=1000))
    return [deployment(v) for v in versions]
