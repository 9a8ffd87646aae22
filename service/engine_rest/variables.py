"""Camunda's typed variables, ``{"name": {"value": …, "type": "String", "valueInfo": {}}}``, both ways.

Task data is plain JSON here, so every value the engine keeps maps onto a Camunda primitive or Json.
Java-serialized objects, bytes and files have no place in it and are refused with a clear message.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import orjson

from service.cases.errors import CaseworkError

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
SHORT_MIN, SHORT_MAX = -(2**15), 2**15 - 1
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,79}$")
MAX_VARIABLES = 200


class InvalidVariables(CaseworkError):
    status = 400
    camunda_type = "InvalidRequestException"


def typed(value: Any) -> dict[str, Any]:
    """One value as Camunda shows it."""
    if value is None:
        return {"value": None, "type": "Null", "valueInfo": {}}
    if isinstance(value, bool):
        return {"value": value, "type": "Boolean", "valueInfo": {}}
    if isinstance(value, int):
        return {"value": value, "type": "Integer" if INT_MIN <= value <= INT_MAX else "Long", "valueInfo": {}}
    if isinstance(value, float):
        return {"value": value, "type": "Double", "valueInfo": {}}
    if isinstance(value, str):
        return {"value": value, "type": "String", "valueInfo": {}}
    if isinstance(value, datetime | date):
        return {"value": value.isoformat(), "type": "Date" if isinstance(value, datetime) else "String",
                "valueInfo": {}}
    return {"value": orjson.dumps(value, default=str).decode(), "type": "Json", "valueInfo": {}}


def typed_all(data: dict[str, Any], names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    keys = data.keys() if names is None else [n for n in names if n in data]
    return {name: typed(data[name]) for name in keys}


def plain(variables: Any, field: str = "variables") -> dict[str, Any]:
    """Camunda's typed variables as plain values, checked; raises InvalidVariables."""
    if variables is None:
        return {}
    if not isinstance(variables, dict):
        raise InvalidVariables(f"{field} must be an object of variable names to {{value, type}} objects")
    if len(variables) > MAX_VARIABLES:
        raise InvalidVariables(f"{field}: at most {MAX_VARIABLES} variables at once")
    return {name: _one(name, entry, field) for name, entry in variables.items()}


def _one(name: str, entry: Any, field: str) -> Any:
    if not NAME.match(name):
        raise InvalidVariables(f"{field}: the variable name {name!r} must start with a letter or underscore and hold "
                               "only letters, digits and underscores (80 at most), so that expressions can use it")
    if not isinstance(entry, dict) or "value" not in entry:
        raise InvalidVariables(f"{field}.{name} must be an object with a value (and optionally a type)")
    value, kind = entry.get("value"), entry.get("type")
    if kind is None:
        return _json_only(name, value, field)
    if not isinstance(kind, str):
        raise InvalidVariables(f"{field}.{name}: type must be a string")
    converter = _CONVERTERS.get(kind.lower())
    if converter is None:
        raise InvalidVariables(f"{field}.{name}: variables of type {kind} are not supported here (supported: "
                               "String, Integer, Long, Short, Double, Boolean, Null, Date, Json, and Object with "
                               "serializationDataFormat application/json)")
    return converter(name, value, entry.get("valueInfo") or {}, field)


def _json_only(name: str, value: Any, field: str) -> Any:
    try:
        return orjson.loads(orjson.dumps(value))
    except (TypeError, orjson.JSONDecodeError):
        raise InvalidVariables(f"{field}.{name}: the value is not plain JSON") from None


def _number(low: int, high: int, kind: str):
    def convert(name: str, value: Any, _info: dict, field: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"-?\d{1,20}", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidVariables(f"{field}.{name}: Cannot convert value '{value}' of type '{kind}'")
        return value
    return convert


def _double(name: str, value: Any, _info: dict, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidVariables(f"{field}.{name}: Cannot convert value '{value}' of type 'Double'")
    return float(value)


def _boolean(name: str, value: Any, _info: dict, field: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InvalidVariables(f"{field}.{name}: Cannot convert value '{value}' of type 'Boolean'")


def _string(name: str, value: Any, _info: dict, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise InvalidVariables(f"{field}.{name}: Cannot convert value '{value}' of type 'String'")


def _date(name: str, value: Any, _info: dict, field: str) -> str | None:
    if value is None:
        return None
    try:
        # Camunda's own format is yyyy-MM-dd'T'HH:mm:ss.SSSZ (+0000); Python reads both that and ISO 8601.
        return datetime.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InvalidVariables(f"{field}.{name}: Cannot convert value '{value}' of type 'Date'") from None


def _json(name: str, value: Any, _info: dict, field: str) -> Any:
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            raise InvalidVariables(f"{field}.{name}: the Json value is not valid JSON") from None
    return _json_only(name, value, field)


def _object(name: str, value: Any, info: dict, field: str) -> Any:
    if info.get("serializationDataFormat") != "application/json":
        raise InvalidVariables(f"{field}.{name}: Object variables are accepted only with serializationDataFormat "
                               "application/json (there is no Java here to deserialize anything else)")
    return _json(name, value, info, field)


def _null(name: str, value: Any, _info: dict, field: str) -> None:
    if value is not None:
        raise InvalidVariables(f"{field}.{name}: a Null variable must have the value null")
    return None


_CONVERTERS = {
    "string": _string, "integer": _number(INT_MIN, INT_MAX, "Integer"), "long": _number(LONG_MIN, LONG_MAX, "Long"),
    "short": _number(SHORT_MIN, SHORT_MAX, "Short"), "double": _double, "boolean": _boolean, "null": _null,
    "date": _date, "json": _json, "object": _object,
}
