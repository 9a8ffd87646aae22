"""The JSON API under /api/v1: the same casework services, validation and permissions as the pages.

Callers authenticate with a bearer token (``Authorization: Bearer ubp_…``); cookies are ignored
here, so the API needs no CSRF token and a browser session can never be used against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, current_app, g, request

from service.accounts.api_tokens import actor_for_token
from service.limits import limiter

PREFIX = "/api/v1"
# Where the app keeps the OpenAPI paths of the routes a pack adds under /api/v1 (see ``add_api_blueprint``).
PACK_PATHS = "ubp_api_pack_paths"
# ... and the schemas those paths refer to.
PACK_SCHEMAS = "ubp_api_pack_schemas"


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint of routes under /api/v1 whose callers authenticate as the platform's own API's do. A pack
    makes its API routes on one and adds it with ``add_api_blueprint``, so they are the same API: bearer
    tokens, no CSRF, the same rate limit, the same JSON errors (``service.errors`` answers by path)."""
    made = Blueprint(name, import_name, url_prefix=PREFIX)
    made.before_request(authenticate)
    return made


def authenticate() -> None:
    g.actor = None
    g.user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        runtime = current_app.extensions["ubp"]
        g.actor = actor_for_token(runtime.casework, header.removeprefix("Bearer ").strip(), runtime.clock.now())


blueprint = api_blueprint("api", __name__)


def _api_limit() -> str:
    return current_app.config["SETTINGS"].api_rate_limit


def _caller() -> str:
    header = request.headers.get("Authorization", "")
    return header[:24] if header.startswith("Bearer ") else (request.remote_addr or "unknown")


def init_app(app: Flask) -> None:
    from service.api import (  # noqa: F401 - registers the routes
        cases,
        deployments,
        docs,
        groups,
        incidents,
        messages,
        people,
        starting,
        tasks,
    )
    add_api_blueprint(app, blueprint)


def add_api_blueprint(app: Flask, routes: Blueprint, paths: Mapping[str, Any] | None = None,
                      schemas: Mapping[str, Any] | None = None) -> None:
    """Register a blueprint made by ``api_blueprint``; ``paths`` describe its routes in the OpenAPI document, and
    ``schemas`` the components they (or the pack's ``Pack.case_api_schema``) refer to."""
    from service.security import csrf

    csrf.exempt(routes)
    limiter.limit(_api_limit, key_func=_caller)(routes)
    app.register_blueprint(routes)
    app.extensions.setdefault(PACK_PATHS, {}).update(paths or {})
    app.extensions.setdefault(PACK_SCHEMAS, {}).update(schemas or {})
