"""Reading request bodies and query parameters: every failure becomes the same clear 4xx shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from flask import request

from service.cases.errors import CaseworkError, FieldProblem, InvalidInput
from service.request_text import UNSTORABLE
from workflows.calendar import LONDON, london_date


class BadRequest(CaseworkError):
    status = 400


def json_object(allowed: set[str] | None = None) -> dict[str, Any]:
    if not request.is_json:
        raise BadRequest("Send a JSON object with the header Content-Type: application/json.")
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The body is not valid UTF-8.") from None
    try:
        body = json.loads(text, parse_constant=_not_json)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to read
        body = None
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    if any(UNSTORABLE.search(item) for item in _strings(body)):
        raise BadRequest("The body contains a character that cannot be stored (a NUL character or a lone "
                         "surrogate).")
    if allowed is not None:
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise InvalidInput([FieldProblem(name, f"Unknown field ‘{name}’") for name in unknown])
    return body


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def _strings(value: Any) -> Iterator[str]:
    """Every key and text in a parsed JSON body (iteratively: the nesting depth is the sender's choice)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def query_int(name: str, default: int, *, low: int = 1, high: int = 10_000) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    # isdigit alone admits "²" (which int() refuses) and digits beyond int()'s limit on length.
    if not (value.isascii() and value.isdigit() and len(value) <= 9) or not low <= int(value) <= high:
        raise InvalidInput([FieldProblem(name, f"{name} must be a whole number from {low} to {high}")])
    return int(value)


def query_text(name: str, max_length: int, default: str | None = None) -> str | None:
    value = request.args.get(name, default)
    if value is not None and len(value) > max_length:
        raise InvalidInput([FieldProblem(name, f"{name} must be at most {max_length} characters")])
    return value


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
