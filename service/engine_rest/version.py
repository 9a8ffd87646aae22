"""``GET /engine-rest/version``: Camunda Modeler asks this before it deploys."""

from __future__ import annotations

from service.auth.permissions import signed_in
from service.engine_rest import blueprint

# The Camunda 7 REST API version whose shapes this follows.
CAMUNDA_VERSION = "7.24.0"


@blueprint.route("/version", methods=["GET"])
@signed_in
def version():
    return {"version": CAMUNDA_VERSION}
