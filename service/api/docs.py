from __future__ import annotations

from flask import current_app, render_template, request

from service.api import PACK_PATHS, PACK_SCHEMAS, blueprint
from service.api.openapi import document
from service.auth.permissions import public


def _document():
    return document(request.url_root.rstrip("/") + "/api/v1", current_app.extensions.get(PACK_PATHS, {}),
                    current_app.extensions.get(PACK_SCHEMAS, {}),
                    service_name=current_app.extensions["ubp"].settings.service_name)


@blueprint.route("/openapi.json", methods=["GET"])
@public
def openapi_document():
    return _document()


@blueprint.route("/docs", methods=["GET"])
@public
def api_docs():
    return render_template("api/docs.html", spec=_document())
