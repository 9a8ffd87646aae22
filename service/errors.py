"""Every error a person sees: a clear message, the right status, no stack trace, no one else's data."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from service.cases.errors import CaseworkError, InvalidInput
from service.db import DatabaseUnavailable

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood.",
    401: "You need to sign in to do that.",
    403: "You do not have permission to do that.",
    404: "Page not found.",
    405: "That action is not available here.",
    409: "Someone else changed this at the same time. Nothing was saved.",
    413: "What you sent is too large.",
    422: "There is a problem with what was entered.",
    429: "Too many attempts. Wait a minute and try again.",
    500: "Sorry, something went wrong on our side. Nothing you entered has been lost if you saw no confirmation; "
         "please try again.",
    503: "The service is temporarily unavailable. Nothing was saved. Please try again in a moment.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str, problems: list[dict] | None = None):
    if request.path.startswith("/engine-rest/") or request.path == "/engine-rest":
        from service.engine_rest.errors import camunda_error

        details = "; ".join(f"{p['field']}: {p['message']}" for p in problems or [])
        return camunda_error(400 if status == 422 else status, f"{message}: {details}" if details else message,
                             getattr(g, "camunda_error_type", None))
    if wants_json():
        body = {"error": {"status": status, "message": message}}
        if problems:
            body["error"]["problems"] = problems
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message, actor=g.get("actor")), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CaseworkError)
    def casework_error(error: CaseworkError):
        problems = None
        if isinstance(error, InvalidInput):
            problems = [{"field": p.field, "message": p.message} for p in error.problems]
        g.camunda_error_type = getattr(error, "camunda_type", None)
        return error_response(error.status, error.message, problems)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(400, "This form has expired or was not sent from this service. "
                                   "Go back, reload the page and try again.")

    @app.errorhandler(DatabaseUnavailable)
    def database_unavailable(error: DatabaseUnavailable):
        log.warning("database unavailable: %s", error.__cause__)
        return error_response(503, MESSAGES[503])

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        response = error_response(status, MESSAGES.get(status, error.description or MESSAGES[500]))
        allowed = dict(error.get_headers()).get("Allow")
        if allowed:  # a 405 says which methods the address does take
            body, code = response
            return body, code, {"Allow": allowed}
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, MESSAGES[500])
