"""Reading request bodies and query parameters: every failure becomes the same clear 4xx shape."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import request

from service.casework.errors import CaseworkError, FieldProblem, InvalidInput
from workflows.calendar import LONDON, london_date


class BadRequest(CaseworkError):
    status = 400


def json_object(allowed: set[str] | None = None) -> dict[str, Any]:
    if not request.is_json:
        raise BadRequest("Send a JSON object with the header Content-Type: application/json.")
    raw = request.get_data(cache=True)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The body is not valid UTF-8.") from None
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    if allowed is not None:
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise InvalidInput([FieldProblem(name, f"Unknown field ‘{name}’") for name in unknown])
    return body


def query_int(name: str, default: int, *, low: int = 1, high: int = 10_000) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise InvalidInput([FieldProblem(name, f"{name} must be a whole number from {low} to {high}")])
    return int(value)


def query_choice(name: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
    value = request.args.get(name, default)
    if value is not None and value not in choices:
        raise InvalidInput([FieldProblem(name, f"{name} must be one of: {', '.join(choices)}")])
    return value


def query_london_date(name: str, default: date) -> date:
    """A date or date-time parameter, as the date it is in London (times without an offset are London's)."""
    value = request.args.get(name)
    if value is None:
        return default
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput([FieldProblem(name, f"{name} must be an ISO-8601 date or date-time")]) from None
    if len(value) == 10:
        return parsed.date()
    return london_date(parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON))
