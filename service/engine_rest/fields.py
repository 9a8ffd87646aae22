"""Reading Camunda request fields and query parameters: each problem is a 400 with Camunda's error body."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import request

from service.api.bodies import json_object
from service.cases.errors import CaseworkError


class InvalidRequest(CaseworkError):
    status = 400
    camunda_type = "InvalidRequestException"


def body() -> dict[str, Any]:
    """The JSON object sent (an empty body counts as ``{}``, as Camunda's clients sometimes send none)."""
    if not request.get_data(cache=True).strip():
        return {}
    return json_object()


def text(data: dict[str, Any], name: str, *, required: bool = False, max_length: int = 255) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"{name} is required")
        return None
    if not isinstance(value, str) or len(value) > max_length or (required and not value.strip()):
        raise InvalidRequest(f"{name} must be a non-empty string of at most {max_length} characters")
    return value


def integer(data: dict[str, Any], name: str, *, default: int | None = None, low: int = 0,
            high: int = 2**63 - 1, required: bool = False) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"{name} is required")
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidRequest(f"{name} must be a whole number from {low} to {high}")
    return value


def boolean(data: dict[str, Any], name: str, default: bool = False) -> bool:
    value = data.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InvalidRequest(f"{name} must be true or false")
    return value


def query_text(name: str, max_length: int = 255) -> str | None:
    value = request.args.get(name)
    if value is not None and len(value) > max_length:
        raise InvalidRequest(f"{name} must be at most {max_length} characters")
    return value


def query_int(name: str, default: int, *, low: int = 0, high: int = 10_000) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 9) or not low <= int(value) <= high:
        raise InvalidRequest(f"{name} must be a whole number from {low} to {high}")
    return int(value)


def query_flag(name: str) -> bool | None:
    value = request.args.get(name)
    if value is None:
        return None
    if value.lower() not in ("true", "false"):
        raise InvalidRequest(f"{name} must be true or false")
    return value.lower() == "true"


def camunda_time(instant: datetime | None) -> str | None:
    """Camunda's date format, ``yyyy-MM-dd'T'HH:mm:ss.SSSZ``, in UTC."""
    if instant is None:
        return None
    utc = instant.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"
