"""Starting a case of any deployed process over the API, with its start form's fields as the body."""

from __future__ import annotations

from flask import current_app, g, url_for

from service.api import blueprint, representations
from service.api.bodies import json_object
from service.auth.permissions import signed_in
from service.cases import cases as case_steps
from service.cases import catalogue


@blueprint.route("/processes", methods=["GET"])
@signed_in
def list_startable_processes():
    """The processes the token may start a case of."""
    return {"items": [{"process_id": p.process_id, "name": p.name, "version": p.version}
                      for p in catalogue.startable_processes(current_app.extensions["ubp"].casework, g.actor)]}


@blueprint.route("/processes/<process_id>/cases", methods=["POST"])
@signed_in
def start_case(process_id: str):
    """Who may start is the process's own rule (camunda:candidateStarterGroups), checked by the service."""
    started = case_steps.start_case(current_app.extensions["ubp"].casework, g.actor, json_object(),
                                    process_id=process_id)
    location = url_for("api.get_case", reference=started.reference)
    return ({"reference": started.reference, "links": {"self": location},
             "next_tasks": representations.opened_tasks(started, g.actor)}, 201, {"Location": location})
