"""Incidents, for administrators: what running cases could not do, with retry and resolve."""

from __future__ import annotations

import orjson
from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.cases import incidents
from service.cases.errors import Conflict, InvalidInput, NotFound
from service.models.incidents import INCIDENT_KINDS
from service.views.helpers import flash_problem, page_links, runtime

blueprint = Blueprint("incidents", __name__, url_prefix="/admin/incidents")
STATUSES = ("open", "resolved")


@blueprint.route("")
@allow("admin")
def index():
    status = request.args.get("status", "open")
    kind = request.args.get("kind") or None
    status = status if status in STATUSES else "open"
    kind = kind if kind in INCIDENT_KINDS else None
    listing, counts = incidents.incidents_overview(runtime().casework, request.args.get("page", 1, type=int),
                                                   status=status, kind=kind)
    return render_template("incidents/index.html", listing=listing, counts=counts, status=status, kind=kind,
                           kinds=INCIDENT_KINDS, pagination=page_links("incidents.index", listing.page, listing.pages),
                           retryable={k for k in INCIDENT_KINDS if incidents.retry_handler(k)})


@blueprint.route("/<int:incident_id>/retry", methods=["POST"])
@allow("admin")
def retry(incident_id: int):
    new_data = None
    text = request.form.get("new_data", "").strip()
    try:
        if text:
            try:
                new_data = orjson.loads(text)
            except orjson.JSONDecodeError:
                raise InvalidInput([]) from None
        incident = incidents.retry_incident(runtime().casework, incident_id, g.actor, new_data)
    except InvalidInput as invalid:
        flash_problem("The new data was not used and nothing was retried: "
                      + (invalid.problems[0].message if invalid.problems else "it is not valid JSON") + ".")
    except (Conflict, NotFound) as problem:
        flash_problem(problem.message)
    else:
        flash(f"Incident {incident.id} was retried" + (" with the new data." if new_data else "."))
    return redirect(url_for("incidents.index"))


@blueprint.route("/<int:incident_id>/resolve", methods=["POST"])
@allow("admin")
def resolve(incident_id: int):
    try:
        incident = incidents.resolve_incident(runtime().casework, incident_id, g.actor, request.form.get("note", ""))
    except (Conflict, NotFound) as problem:
        flash_problem(problem.message)
    else:
        flash(f"Incident {incident.id} was marked resolved.")
    return redirect(url_for("incidents.index"))
