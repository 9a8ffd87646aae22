"""The JSON API under /api/v1: the same casework services, validation and permissions as the pages.

Callers authenticate with a bearer token (``Authorization: Bearer ubp_…``); cookies are ignored
here, so the API needs no CSRF token and a browser session can never be used against it.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, g, request

from service.accounts.api_tokens import actor_for_token
from service.limits import limiter

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


@blueprint.before_request
def authenticate() -> None:
    g.actor = None
    g.user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        runtime = current_app.extensions["ubp"]
        g.actor = actor_for_token(runtime.db, header.removeprefix("Bearer ").strip(), runtime.clock.now())


def _api_limit() -> str:
    return current_app.config["SETTINGS"].api_rate_limit


def _caller() -> str:
    header = request.headers.get("Authorization", "")
    return header[:24] if header.startswith("Bearer ") else (request.remote_addr or "unknown")


def init_app(app: Flask) -> None:
    from service.api import (  # noqa: F401 - registers the routes
        cases,
        customers,
        deployments,
        docs,
        groups,
        incidents,
        messages,
        people,
        starting,
        tasks,
    )
    from service.security import csrf

    csrf.exempt(blueprint)
    limiter.limit(_api_limit, key_func=_caller)(blueprint)
    app.register_blueprint(blueprint)
