"""The forms staff fill in at each step: JSON Schema files in ``forms/``, checked on the server.

One entry point, ``FormSchema.validate``, turns what a browser or API client sent into clean task
data or a list of plain-English errors, one per field, in the order the form shows them.
Presentation hints ride along in the schema as ``x-`` keywords (see ``schema_problems``), so the
form renderer, the validator and the deploy checks all read the same file.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from workflows import patterns
from workflows.form_dialect import meta_schema, normalise

FORM_KEY = re.compile(r"^[a-z0-9_]+$")
DEFAULT_MAX_LENGTH = 10_000
WIDGETS = {
    "text": "string",
    "textarea": "string",
    "date": "string",
    "datetime": "string",
    "radios": "string",
    "select": "string",
    "checkboxes": "array",
    "yes-no": "boolean",
    "number": ("number", "integer"),
    # The answer is the reference the service gave the uploaded file (for example a stored letter's id).
    "file": "string",
}
LOCAL_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"
_YES_NO = {"yes": True, "true": True, "no": False, "false": False}
# When jsonschema reports several problems with one field, the person should hear about the most
# basic one first: a missing answer before a wrong type before a bad format.
_PRIORITY = ("required", "type", "oneOf", "const", "minItems", "maxLength", "maxItems", "format", "pattern",
             "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


class FormError(LookupError):
    """The form does not exist, has a bad name, or its schema breaks our conventions."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def load_form(forms_dir: Path, key: str) -> FormSchema:
    """The form called ``key``; re-read only when its file changes."""
    if not FORM_KEY.fullmatch(key or ""):
        raise FormError(f"{key!r} is not a form name: use lower-case letters, digits and underscores")
    path = (forms_dir / f"{key}.json").resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise FormError(f"There is no form called {key!r}") from None
    return _load(path, mtime)


@lru_cache(maxsize=128)
def _load(path: Path, mtime_ns: int) -> FormSchema:
    schema = json.loads(path.read_text(encoding="utf-8"))
    problems = schema_problems(schema)
    if problems:
        raise FormError(f"The form {path.stem!r} is not valid: " + "; ".join(problems))
    return FormSchema(path.stem, schema)


class FormSchema:
    def __init__(self, key: str, schema: Mapping[str, Any]) -> None:
        self.key = key
        schema = normalise(schema, key)
        self.schema = _with_length_limits(schema)
        self.title: str = schema["title"]
        self.description: str = schema.get("description", "")
        self.fields: dict[str, dict[str, Any]] = self.schema["properties"]
        self._validator = _FormValidator(self.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def validate(self, data: Mapping[str, Any], *, today: date) -> tuple[dict[str, Any], list[FieldError]]:
        """Clean task data from ``data``, and the errors to show (empty when the answers are good)."""
        if not isinstance(data, Mapping):
            raise TypeError("form data must be a mapping of field names to answers")
        unknown = [
            FieldError(_short(name), f"This form does not have a field called ‘{_short(name)}’")
            for name in data
            if name not in self.fields
        ]
        cleaned = self._hide_unrevealed(
            {name: value for name in self.fields if (value := _clean(self.fields[name], data.get(name))) is not None}
        )
        errors: dict[str, tuple[str, int]] = {}
        for error in self._validator.iter_errors(self._capped(cleaned)):
            for name, message in self._explain(error):
                if name not in errors or _rank(error) < errors[name][1]:
                    errors[name] = (message, _rank(error))
        for name, message in self._date_limits(cleaned, today):
            errors.setdefault(name, (message, 0))
        ordered = [FieldError(n, errors[n][0]) for n in self.fields if n in errors]
        return cleaned, ordered + unknown

    # -- cleaning ----------------------------------------------------------------------------------

    def _capped(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """Lists cut to one past their maxItems before validation: still too long, so the error is
        the same, but a list of 100,000 answers costs no more to refuse than a list of nine."""
        capped = dict(cleaned)
        for name, value in cleaned.items():
            limit = self.fields[name].get("maxItems")
            if isinstance(value, list) and isinstance(limit, int) and len(value) > limit:
                capped[name] = value[: limit + 1]
        return capped

    def _hide_unrevealed(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """Drop answers to questions that were not shown (the browser still sends hidden inputs)."""
        for name, field in self.fields.items():
            condition = field.get("x-reveal-when")
            if condition and name in cleaned and not reveal_holds(condition, cleaned):
                del cleaned[name]
        return cleaned

    # -- errors ------------------------------------------------------------------------------------

    def _explain(self, error: ValidationError) -> Iterable[tuple[str, str]]:
        rule = self._rule_for(error)
        if rule is not None and "x-message" in rule:
            yield rule["x-field"], rule["x-message"]
        elif error.validator == "required":
            for name in error.validator_value:
                if name not in error.instance:
                    yield name, self._message(name, "required")
        elif error.absolute_path:
            name = str(error.absolute_path[0])
            if name in self.fields:
                yield name, self._message(name, str(error.validator), error.validator_value)

    def _rule_for(self, error: ValidationError) -> dict[str, Any] | None:
        path = list(error.schema_path)
        if len(path) >= 2 and path[0] == "allOf":
            return self.schema["allOf"][path[1]]
        return None

    def _message(self, name: str, keyword: str, limit: Any = None) -> str:
        field = self.fields[name]
        if keyword == "minLength" or (keyword == "minItems" and limit == 1):
            keyword = "required"  # an empty answer is a missing answer, whatever the schema calls it
        return field.get("x-messages", {}).get(keyword) or _default_message(field, keyword, limit)

    def _date_limits(self, cleaned: Mapping[str, Any], today: date) -> Iterable[tuple[str, str]]:
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if not isinstance(value, str) or field.get("x-widget") not in ("date", "datetime"):
                continue
            day = _as_date(value, field["x-widget"])
            if day is None:
                if field["x-widget"] == "datetime" and re.fullmatch(LOCAL_DATETIME, value):
                    yield name, self._message(name, "format")
            elif field.get("x-not-future") and day > today:
                yield name, self._message(name, "x-not-future")
            elif field.get("x-not-past") and day < today:
                yield name, self._message(name, "x-not-past")


def reveal_holds(condition: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    value = answers.get(condition["field"])
    if "contains" in condition:
        return isinstance(value, list) and condition["contains"] in value
    return value == condition["equals"] and value is not None


def _clean(field: Mapping[str, Any], value: Any) -> Any:
    """What the person meant: trimmed text, real booleans and numbers, lists for checkboxes.

    Anything that cannot be read is passed on unchanged, so the schema reports it.
    """
    kind = field.get("type")
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    if kind == "boolean" and isinstance(value, str):
        return _YES_NO.get(value.lower(), value)
    if kind == "array":
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            value = [v.strip() if isinstance(v, str) else v for v in value]
            value = [v for v in value if v != ""]
            return value or None
    if kind in ("integer", "number") and isinstance(value, str):
        try:
            return int(value) if kind == "integer" else float(value)
        except ValueError:
            return value
    return value


def _as_date(value: str, widget: str) -> date | None:
    try:
        if widget == "date":
            return date.fromisoformat(value)
        if re.fullmatch(LOCAL_DATETIME, value):
            return datetime.fromisoformat(value).date()
    except ValueError:
        return None
    return None


def _default_message(field: Mapping[str, Any], keyword: str, limit: Any) -> str:
    title = field.get("title", "This field").removesuffix(" (optional)")
    widget = field.get("x-widget")
    if keyword == "required":
        if widget == "checkboxes":
            return f"Select at least one option for ‘{title}’"
        if widget in ("radios", "select", "yes-no"):
            return f"Select an answer for ‘{title}’"
        return f"Enter {_lower_first(title)}"
    if keyword == "type":
        return _type_message(field, title, widget)
    if keyword in ("format", "pattern") and widget in ("date", "datetime"):
        return f"{title} must be a real {'date and time' if widget == 'datetime' else 'date'}"
    if keyword == "maxLength":
        return f"{title} must be {limit:,} characters or fewer"
    if keyword in ("minItems", "maxItems"):
        bound = "at least" if keyword == "minItems" else "no more than"
        return f"Select {bound} {limit} options for ‘{title}’"
    if keyword in ("minimum", "exclusiveMinimum"):
        return f"{title} must be {'more than' if keyword.startswith('exclusive') else 'at least'} {limit}"
    if keyword in ("maximum", "exclusiveMaximum"):
        return f"{title} must be {'less than' if keyword.startswith('exclusive') else 'at most'} {limit}"
    if keyword == "multipleOf":
        return f"{title} must be a multiple of {limit}"
    fixed = {
        "oneOf": f"Select one of the listed options for ‘{title}’",
        "const": f"Select one of the listed options for ‘{title}’",
        "uniqueItems": f"Select each option for ‘{title}’ only once",
        "x-not-future": f"{title} must be today or in the past",
        "x-not-past": f"{title} must be today or in the future",
    }
    return fixed.get(keyword, f"Check your answer to ‘{title}’")


def _type_message(field: Mapping[str, Any], title: str, widget: str | None) -> str:
    if widget == "yes-no":
        return f"Select yes or no for ‘{title}’"
    if widget == "checkboxes":
        return f"Select only the listed options for ‘{title}’"
    if field.get("type") == "integer":
        return f"{title} must be a whole number"
    if field.get("type") == "number":
        return f"{title} must be a number"
    return f"{title} must be text"


def _lower_first(text: str) -> str:
    # "What happened" -> "what happened", but keep acronyms such as "ID" or "UK" as written.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _short(name: Any) -> str:
    text = str(name)
    return text if len(text) <= 60 else text[:57] + "…"


def _rank(error: ValidationError) -> int:
    keyword = str(error.validator)
    return _PRIORITY.index(keyword) if keyword in _PRIORITY else len(_PRIORITY)


def _with_length_limits(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` in which no answer can be huge: text is at most DEFAULT_MAX_LENGTH
    characters unless the form says otherwise, and a checkbox list no longer than its choices."""
    copy = json.loads(json.dumps(schema))
    for field in copy.get("properties", {}).values():
        if field.get("type") == "string":
            field.setdefault("maxLength", DEFAULT_MAX_LENGTH)
        if field.get("type") == "array" and _choices(field):
            field.setdefault("maxItems", len(_choices(field)))
    return copy


# -- conventions ----------------------------------------------------------------------------------

_META = Draft202012Validator(Draft202012Validator.META_SCHEMA)


def _linear_pattern(validator: Any, pattern: str, instance: Any, _schema: Mapping[str, Any]
                    ) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not patterns.matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# Draft 2020-12 with ``pattern`` matched by RE2 (see workflows.patterns): an answer can never freeze a worker.
_FormValidator = validators.extend(Draft202012Validator, {"pattern": _linear_pattern})


_DIALECT = Draft202012Validator(meta_schema())


def schema_problems(schema: Any, key: str = "form") -> list[str]:
    """Why ``schema`` is not a usable form: JSON Schema errors, then the published dialect
    (``form_dialect.schema.json``), then what the renderer needs of the inferred widgets."""
    if not isinstance(schema, dict):
        return ["A form must be a JSON object"]
    problems = [
        f"JSON Schema: {e.message} at {'/'.join(map(str, e.absolute_path)) or 'the top'}"
        for e in _META.iter_errors(schema)
    ]
    if problems:
        return problems
    problems = [
        f"Not in the supported form dialect: {e.message[:200]} at {'/'.join(map(str, e.absolute_path)) or 'the top'}"
        for e in _DIALECT.iter_errors(schema)
    ]
    if problems:
        return problems
    schema = normalise(schema, key)
    fields = schema["properties"]
    missing = [n for n in schema.get("required", []) if n not in fields]
    problems += [f"‘{n}’ is required but is not a field" for n in missing]
    for name, field in fields.items():
        problems += [f"Field ‘{name}’: {p}" for p in _field_problems(name, field, fields, schema)]
    problems += _rule_problems(schema, fields)
    for pattern in patterns.patterns_in(schema):
        try:
            patterns.compiled(pattern)
        except patterns.PatternRefused as refused:
            problems.append(str(refused)[0].upper() + str(refused)[1:])
    return problems


def _field_problems(name: str, field: Any, fields: dict, schema: dict) -> list[str]:
    problems = []
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        problems.append("a Python keyword cannot be a field name (it could not be used in a condition)")
    widget = field.get("x-widget")
    if widget not in WIDGETS:
        return [*problems, f"no widget fits type {field.get('type')!r} here: add an x-widget "
                           f"({', '.join(sorted(WIDGETS))}) or choices"]
    expected = WIDGETS[widget] if isinstance(WIDGETS[widget], tuple) else (WIDGETS[widget],)
    if field.get("type") not in expected:
        problems.append(f"a {widget} field must have type {' or '.join(expected)}")
    if widget == "date" and field.get("format") != "date":
        problems.append("a date field needs 'format: date'")
    if widget == "datetime" and field.get("pattern") != LOCAL_DATETIME:
        problems.append(f"a datetime field needs 'pattern: {LOCAL_DATETIME}' or 'format: date-time'")
    if widget in ("radios", "select") and not _choices(field):
        problems.append("needs 'enum' or 'oneOf' choices, each with a const")
    if widget == "checkboxes" and (not _choices(field) or field.get("uniqueItems") is not True):
        problems.append("needs 'items.enum' or 'items.oneOf' choices, and 'uniqueItems: true'")
    for limit in ("x-not-future", "x-not-past"):
        if limit in field and (widget not in ("date", "datetime") or field[limit] is not True):
            problems.append(f"{limit} must be true, and only on a date or datetime field")
    if "x-reveal-when" in field:
        problems += _reveal_problems(name, field["x-reveal-when"], fields, schema)
    return problems


def _choices(field: Mapping[str, Any]) -> list[Any]:
    options = field.get("oneOf") if field.get("type") != "array" else field.get("items", {}).get("oneOf")
    if not isinstance(options, list) or not options:
        return []
    if not all(isinstance(o, dict) and "const" in o and isinstance(o.get("title"), str) for o in options):
        return []
    return [o["const"] for o in options]


def _reveal_problems(name: str, condition: Any, fields: dict, schema: dict) -> list[str]:
    if not isinstance(condition, dict) or len(set(condition) & {"equals", "contains"}) != 1:
        return ["x-reveal-when needs a field and exactly one of 'equals' or 'contains'"]
    source = condition.get("field")
    names = list(fields)
    if not isinstance(source, str) or source not in fields or names.index(source) >= names.index(name):
        return ["x-reveal-when must name a field shown earlier in the form"]
    problems = []
    expected = fields[source]
    if "contains" in condition and condition["contains"] not in _choices(expected):
        problems.append(f"‘{source}’ has no choice {condition['contains']!r}")
    if "equals" in condition:
        allowed = [True, False] if expected.get("type") == "boolean" else _choices(expected)
        if condition["equals"] not in allowed:
            problems.append(f"‘{source}’ can never equal {condition['equals']!r}")
    if name in schema.get("required", []):
        problems.append("a revealed field is required only when shown: take it out of 'required'")
    shown = reveal_rule_condition(condition)
    if not any(
        rule.get("if") == shown and name in rule.get("then", {}).get("required", []) for rule in schema.get("allOf", [])
    ):
        problems.append("needs an allOf rule that makes it required when it is revealed")
    return problems


def reveal_rule_condition(condition: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema ``if`` that matches when a field with this ``x-reveal-when`` is shown."""
    source = condition["field"]
    test = {"contains": {"const": condition["contains"]}} if "contains" in condition else {"const": condition["equals"]}
    return {"properties": {source: test}, "required": [source]}


def _rule_problems(schema: dict, fields: dict) -> list[str]:
    problems = []
    reveals = [
        reveal_rule_condition(f["x-reveal-when"])
        for f in fields.values()
        if isinstance(f, dict)
        and isinstance(f.get("x-reveal-when"), dict)
        and "field" in f["x-reveal-when"]
        and len(set(f["x-reveal-when"]) & {"equals", "contains"}) == 1
    ]
    for index, rule in enumerate(schema.get("allOf", [])):
        where = f"Rule {index + 1}"
        if not isinstance(rule, dict) or "if" not in rule or "then" not in rule:
            problems.append(f"{where} needs 'if' and 'then'")
        elif rule["if"] in reveals and set(rule["then"]) == {"required"}:
            continue
        elif not isinstance(rule.get("x-message"), str) or rule.get("x-field") not in fields:
            problems.append(f"{where} needs an x-message and an x-field naming one of the form's fields")
    return problems
