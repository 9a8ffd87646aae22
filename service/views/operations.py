"""Endpoints for load balancers, orchestrators and Prometheus: liveness, readiness and metrics."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST

from service.auth.permissions import public
from service.observability.metrics import scrape
from service.observability.readiness import check_readiness

blueprint = Blueprint("operations", __name__)


@blueprint.route("/health/live")
@public
def live():
    """The process answers: nothing else is checked, so a database outage never restarts every server."""
    return jsonify({"status": "ok"})


@blueprint.route("/health/ready")
@public
def ready():
    runtime = current_app.extensions["ubp"]
    readiness = check_readiness(runtime.casework, runtime.clock.now(), runtime.settings.worker_heartbeat_max_age)
    body = {"status": "ok" if readiness.ready else "unavailable", **readiness.checks}
    return jsonify(body), (200 if readiness.ready else 503)


@blueprint.route("/metrics")
@public  # guarded below by METRICS_TOKEN, or by the caller being on this host
def metrics():
    runtime = current_app.extensions["ubp"]
    if not _may_scrape(runtime.settings.metrics_token):
        abort(403)
    return Response(scrape(runtime.casework, runtime.clock.now()), content_type=CONTENT_TYPE_LATEST)


def _may_scrape(token: str | None) -> bool:
    if token:
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(offered.encode(), token.encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
