"""Forms for user tasks that name none: Camunda's generated task forms (``camunda:formData``), or "mark as done".

Camunda renders a form from ``camunda:formField`` elements when a task has no ``formKey``. The same
fields become a JSON Schema form here, stored with the deployed version like any other form, so the
task page, the API and validation treat it as one. A task with neither gets a form with no questions:
the person only marks it done.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "camunda": CAMUNDA}
PREFIX = "generated:"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
_TYPES = {"string": {"type": "string", "maxLength": 2000}, "long": {"type": "integer"},
          "boolean": {"type": "boolean"}, "date": {"type": "string", "format": "date"}}


class GeneratedFormError(ValueError):
    pass


def generated_key(element_id: str) -> str:
    return f"{PREFIX}{element_id}"


def generated_form(task: etree._Element) -> dict[str, Any]:
    """The JSON Schema form for a task without a formKey; raises GeneratedFormError for fields it cannot offer."""
    title = task.get("name") or task.get("id")
    fields = task.findall("bpmn:extensionElements/camunda:formData/camunda:formField", NS)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in fields:
        name = field.get("id") or ""
        if not _NAME.match(name):
            raise GeneratedFormError(f"The form field {name!r} needs an id made of letters, digits and underscores.")
        properties[name], is_required = _property(field)
        if is_required:
            required.append(name)
    description = ("Fill in the answers, then submit." if properties
                   else "There is nothing to fill in: submit to mark this task as done.")
    return {"title": title, "description": description, "type": "object", "additionalProperties": False,
            "required": required, "properties": properties}


def _property(field: etree._Element) -> tuple[dict[str, Any], bool]:
    kind = field.get("type") or "string"
    label = field.get("label") or field.get("id")
    if kind == "enum":
        values = field.findall("camunda:value", NS)
        if not values:
            raise GeneratedFormError(f"The enum form field {field.get('id')!r} has no values.")
        schema: dict[str, Any] = {"type": "string", "oneOf": [
            {"const": v.get("id"), "title": v.get("name") or v.get("id")} for v in values]}
    elif kind in _TYPES:
        schema = dict(_TYPES[kind])
    else:
        raise GeneratedFormError(f"The form field {field.get('id')!r} has type {kind!r}: use string, long, "
                                 "boolean, date or enum.")
    schema["title"] = label
    required = False
    for constraint in field.findall("camunda:validation/camunda:constraint", NS):
        name, config = constraint.get("name"), constraint.get("config")
        if name == "required":
            required = True
        elif name in ("min", "max") and kind == "long" and config and config.lstrip("-").isdigit():
            schema["minimum" if name == "min" else "maximum"] = int(config)
        elif name in ("minlength", "maxlength") and kind == "string" and config and config.isdigit():
            schema["minLength" if name == "minlength" else "maxLength"] = int(config)
        elif name != "readonly":
            raise GeneratedFormError(f"The form field {field.get('id')!r} uses the constraint {name!r}, "
                                     "which this platform does not check.")
    return schema, required
