"""Standard JSON Schema 2020-12 forms work as written: widgets inferred, numbers, any identifier as a name."""

from __future__ import annotations

import json
from datetime import date

from jsonschema import Draft202012Validator

from tests.workflows.test_forms import FORMS_DIR
from workflows.form_dialect import META_SCHEMA_PATH, normalise
from workflows.forms import FormSchema, schema_problems

PLAIN = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["skipParallel", "amount"],
    "properties": {
        "skipParallel": {"type": "boolean"},
        "amount": {"type": "integer", "minimum": 1, "maximum": 10},
        "rate": {"type": "number", "exclusiveMinimum": 0},
        "colour": {"type": "string", "enum": ["red", "green", "blue"]},
        "country": {"type": "string", "enum": ["GB", "FR", "DE", "ES", "IT", "NL"]},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
        "dueDate": {"type": "string", "format": "date"},
        "meetAt": {"type": "string", "format": "date-time"},
        "summary": {"type": "string", "maxLength": 80},
        "notes": {"type": "string", "maxLength": 2000},
        "comment": {"type": "string", "x-widget": "textarea"},
    },
}


def test_a_plain_json_schema_form_is_accepted_with_widgets_inferred():
    assert schema_problems(PLAIN, "plain") == []
    widgets = {name: field["x-widget"] for name, field in normalise(PLAIN, "plain")["properties"].items()}
    assert widgets == {"skipParallel": "yes-no", "amount": "number", "rate": "number", "colour": "radios",
                       "country": "select", "tags": "checkboxes", "dueDate": "date", "meetAt": "datetime",
                       "summary": "text", "notes": "textarea", "comment": "textarea"}
    assert normalise(PLAIN, "plain")["properties"]["skipParallel"]["title"] == "Skip parallel"


def test_numbers_are_read_and_bounded_and_unknown_fields_still_refused():
    form = FormSchema("plain", PLAIN)
    today = date(2026, 3, 2)
    cleaned, errors = form.validate({"skipParallel": "no", "amount": "7", "rate": "0.5", "colour": "red"}, today=today)
    assert errors == [] and cleaned == {"skipParallel": False, "amount": 7, "rate": 0.5, "colour": "red"}
    _, errors = form.validate({"skipParallel": True, "amount": "11", "rate": "0", "surprise": "x"}, today=today)
    messages = {e.field: e.message for e in errors}
    assert messages == {"amount": "Amount must be at most 10", "rate": "Rate must be more than 0",
                        "surprise": "This form does not have a field called ‘surprise’"}
    _, errors = form.validate({"skipParallel": True, "amount": "seven"}, today=today)
    assert {e.field: e.message for e in errors} == {"amount": "Amount must be a whole number"}


def test_the_published_meta_schema_is_a_valid_2020_12_schema_and_every_repository_form_meets_it():
    dialect = json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(dialect)
    validator = Draft202012Validator(dialect)
    for path in FORMS_DIR.glob("*.json"):
        assert list(validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))) == [], path.name
    assert list(validator.iter_errors(PLAIN)) == []
