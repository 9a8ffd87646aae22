"""Camunda 7's REST API under /engine-rest, for the tools and workers that speak it.

Shapes, status codes and error bodies (``{"type": …, "message": …}``) follow Camunda 7.24's REST
reference so that unmodified Camunda clients work. Every route calls the product's own casework
services, with the same permissions, validation, sandbox and audit as /api/v1 and the pages.
Callers authenticate with the product's API tokens: HTTP Basic with the token as the password (the
user name is ignored), or ``Authorization: Bearer <token>``. Cookies are ignored, so no CSRF token
is needed and a browser session can never be used here.
"""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Flask, current_app, g, request

from service.accounts.api_tokens import actor_for_token
from service.limits import limiter

blueprint = Blueprint("engine_rest", __name__, url_prefix="/engine-rest")
PREFIX = "/engine-rest"


def bearer_or_basic_token(header: str) -> str | None:
    """The API token in an Authorization header: a bearer token, or a Basic password."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        _, separator, password = decoded.partition(":")
        return password if separator else None
    return None


@blueprint.before_request
def authenticate() -> None:
    g.actor = None
    g.user = None
    token = bearer_or_basic_token(request.headers.get("Authorization", ""))
    if token:
        runtime = current_app.extensions["ubp"]
        g.actor = actor_for_token(runtime.casework, token, runtime.clock.now())


def _limit() -> str:
    return current_app.config["SETTINGS"].api_rate_limit


def _caller() -> str:
    header = request.headers.get("Authorization", "")
    return header[:40] if header else (request.remote_addr or "unknown")


def init_app(app: Flask) -> None:
    from service.engine_rest import (  # noqa: F401 - registers the routes
        deployments,
        external_tasks,
        history,
        messages,
        process_definitions,
        process_instances,
        tasks,
        version,
    )
    from service.security import csrf

    csrf.exempt(blueprint)
    limiter.limit(_limit, key_func=_caller)(blueprint)
    app.register_blueprint(blueprint)
