"""Standard JSON Schema (draft 2020-12) forms as written elsewhere, brought to the renderer's terms.

A process owner's form need not use this platform's ``x-`` keywords. ``normalise`` fills in what is
missing and leaves what is written alone (``x-widget`` stays an override):

- the widget from ``type``, ``format``, ``enum``/``oneOf`` and ``maxLength``: boolean -> yes-no;
  number/integer -> number; ``format: date`` -> date; ``format: date-time`` -> datetime (entered as
  local London time); a choice of up to 5 -> radios, more -> select; an array of choices ->
  checkboxes; text allowed more than 200 characters (``maxLength``) -> textarea, else text;
- ``enum`` becomes ``oneOf`` choices titled by their value;
- titles from field names (``skipParallel`` -> "Skip parallel") and an empty description.

Unknown fields are refused at submission whether or not ``additionalProperties: false`` is written.
The dialect is published as ``workflows/form_dialect.schema.json``; deploy checks every form against it.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

LOCAL_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"
META_SCHEMA_PATH = Path(__file__).with_name("form_dialect.schema.json")
RADIOS_UP_TO = 5
TEXTAREA_OVER = 200


def meta_schema() -> dict[str, Any]:
    return json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8"))


def normalise(schema: Any, key: str = "form") -> Any:
    """A copy of ``schema`` with every inferred keyword filled in; anything not a form is returned as is."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return schema
    form = copy.deepcopy(schema)
    form.setdefault("title", _humanised(key))
    form.setdefault("description", "")
    for name, field in form["properties"].items():
        if isinstance(field, dict):
            _normalise_field(name, field)
    return form


def _normalise_field(name: str, field: dict[str, Any]) -> None:
    field.setdefault("title", _humanised(name))
    field.setdefault("description", "")
    if field.get("type") == "array" and isinstance(field.get("items"), dict):
        _enum_to_choices(field["items"])
        field.setdefault("uniqueItems", True)
    else:
        _enum_to_choices(field)
    if "x-widget" not in field:
        widget = _widget(field)
        if widget:
            field["x-widget"] = widget
    if field.get("x-widget") == "datetime" and field.get("format") == "date-time":
        # What a person types is a London date and time without an offset, not an RFC 3339 instant.
        del field["format"]
        field.setdefault("pattern", LOCAL_DATETIME)


def _enum_to_choices(field: dict[str, Any]) -> None:
    if isinstance(field.get("enum"), list) and "oneOf" not in field:
        field["oneOf"] = [{"const": value} for value in field.pop("enum")]
    for choice in field.get("oneOf") or []:
        if isinstance(choice, dict) and "const" in choice:
            choice.setdefault("title", str(choice["const"]))


def _widget(field: dict[str, Any]) -> str | None:
    kind = field.get("type")
    if kind == "boolean":
        return "yes-no"
    if kind in ("number", "integer"):
        return "number"
    if kind == "array":
        return "checkboxes" if isinstance(field.get("items"), dict) and "oneOf" in field["items"] else None
    if kind != "string":
        return None
    if "oneOf" in field:
        return "radios" if len(field["oneOf"]) <= RADIOS_UP_TO else "select"
    if field.get("format") == "date":
        return "date"
    if field.get("format") == "date-time":
        return "datetime"
    limit = field.get("maxLength")
    return "textarea" if isinstance(limit, int) and limit > TEXTAREA_OVER else "text"


def _humanised(name: str) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").replace("-", " ").split()
    text = " ".join(words).lower()
    return text[:1].upper() + text[1:] if text else name
