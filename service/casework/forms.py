"""Validating a submitted form against the schema deployed with the case's process version."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.casework.errors import FieldProblem, InvalidInput, NotFound
from service.models import ProcessVersion
from workflows.forms import FormSchema

_schemas: dict[tuple[int, str], FormSchema] = {}


def form_schema(version: ProcessVersion, form_key: str) -> FormSchema:
    key = (version.id, form_key)
    schema = _schemas.get(key)
    if schema is None:
        document = version.forms.get(form_key)
        if document is None:
            raise NotFound(f"The form {form_key!r} is not part of this process version.")
        schema = _schemas[key] = FormSchema(form_key, document)
    return schema


def validated(version: ProcessVersion, form_key: str | None, data: dict[str, Any], today: date) -> dict[str, Any]:
    if form_key is None:
        if data:
            raise InvalidInput([FieldProblem("", "This step does not take any information.")])
        return {}
    cleaned, errors = form_schema(version, form_key).validate(data, today=today)
    if errors:
        raise InvalidInput([FieldProblem(e.field, e.message) for e in errors])
    return cleaned


def forget_all() -> None:
    _schemas.clear()
