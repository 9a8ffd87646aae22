"""Validating a submitted form against the schema deployed with the case's process version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from service.cases.errors import FieldProblem, InvalidInput, NotFound
from service.models import ProcessVersion
from service.processes.date_rules import CaseDates, date_problems, named_rules, rules_for
from workflows.calendar import london_date
from workflows.carried_answers import carried_fields, carry_forward
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


def validated(version: ProcessVersion, form_key: str | None, data: dict[str, Any], now: datetime,
              dates: Callable[[], CaseDates] | None = None) -> dict[str, Any]:
    """Clean answers, or InvalidInput with every problem. ``dates`` reads the case's own dates; it is
    called only when the form names a date rule (most steps do not, and the read costs queries)."""
    if form_key is None:
        if data:
            raise InvalidInput([FieldProblem("", "This step does not take any information.")])
        return {}
    return validated_by(form_schema(version, form_key), data, now, dates, process_id=version.process_id)


def validated_by(form: FormSchema, data: Any, now: datetime, dates: Callable[[], CaseDates] | None = None, *,
                 process_id: str | None = None) -> dict[str, Any]:
    """The one validation every path uses: the schema's checks, then the date rules of the pack of
    ``process_id`` (the process whose form it is; None: a form of no process, which names no date rule)."""
    cleaned, errors = form.validate(data, today=london_date(now))
    found = {e.field: e.message for e in errors}
    if named_rules(form.fields) or carried_fields(form.fields):
        facts = dates() if dates else CaseDates(now)
        cleaned, carried_problems = carry_forward(form.fields, cleaned, facts.earlier_answers)
        rules = rules_for(process_id)
        for field, message in [*date_problems(form.fields, cleaned, facts, rules), *carried_problems]:
            found.setdefault(field, message)
    if found:
        order = [*form.fields, *(e.field for e in errors)]
        raise InvalidInput([FieldProblem(f, found[f]) for f in dict.fromkeys(order) if f in found])
    return cleaned


def forget_all() -> None:
    _schemas.clear()
