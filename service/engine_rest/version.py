"""``GET /engine-rest/version`` (Camunda Modeler asks it before it deploys) and the OpenAPI document."""

from __future__ import annotations

from flask import request

from service.auth.permissions import public, signed_in
from service.engine_rest import blueprint
from service.engine_rest.openapi import document

# The Camunda 7 REST API version whose shapes this follows.
CAMUNDA_VERSION = "7.24.0"


@blueprint.route("/version", methods=["GET"])
@signed_in
def version():
    return {"version": CAMUNDA_VERSION}


@blueprint.route("/openapi.json", methods=["GET"])
@public
def openapi_document():
    return document(request.url_root.rstrip("/") + "/engine-rest")
