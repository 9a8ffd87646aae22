"""Camunda's error body, ``{"type": …, "message": …}``, for everything that goes wrong under /engine-rest."""

from __future__ import annotations

from flask import jsonify

# The exception names Camunda 7 reports with each status (its REST reference, "Exceptions").
TYPES = {
    400: "InvalidRequestException", 401: "AuthenticationException", 403: "AuthorizationException",
    404: "InvalidRequestException", 405: "NotAllowedException", 409: "OptimisticLockingException",
    413: "InvalidRequestException", 415: "InvalidRequestException", 422: "InvalidRequestException",
    429: "TooManyRequestsException", 500: "ProcessEngineException", 503: "ProcessEngineException",
}


def camunda_error(status: int, message: str, error_type: str | None = None):
    response = jsonify({"type": error_type or TYPES.get(status, "RestException"), "message": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="engine-rest"'
    return response
