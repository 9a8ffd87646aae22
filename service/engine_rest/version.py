"""``GET /engine-rest/version`` (Camunda Modeler asks it before it deploys) and the OpenAPI document and page."""

from __future__ import annotations

from flask import render_template, request

from service.auth.permissions import public, signed_in
from service.engine_rest import blueprint
from service.engine_rest.openapi import document

# The Camunda 7 REST API version whose shapes this follows.
CAMUNDA_VERSION = "7.24.0"


@blueprint.route("/version", methods=["GET"])
@signed_in
def version():
    return {"version": CAMUNDA_VERSION}


def _document():
    return document(request.url_root.rstrip("/") + "/engine-rest")


@blueprint.route("/openapi.json", methods=["GET"])
@public
def openapi_document():
    return _document()


@blueprint.route("/docs", methods=["GET"])
@public
def api_docs():
    """The same document as a page, as /api/v1/docs is for the product's own API."""
    return render_template("engine_rest/docs.html", spec=_document())
