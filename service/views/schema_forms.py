"""The browser side of a task form: what ``components/schema_form.html`` draws, and what came back.

``form_fields`` turns a form's JSON Schema into the questions to show, with questions that depend
on an answer nested under that answer (GOV.UK conditional reveals). ``form_data`` reads a posted
form back into the answers the schema validates, joining the day, month, year (and time) boxes of
a date into ``YYYY-MM-DD`` (``YYYY-MM-DDTHH:MM``). Validation itself stays in ``FormSchema``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from workflows.forms import FormSchema

_ISO_EXAMPLE = re.compile(r"\s*(UK time, )?for example \d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?\.?", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_EXAMPLES = {"date": "For example, 27 3 2026.", "datetime": "For example, 27 3 2026 and 14:30 (UK time)."}


@dataclass
class Choice:
    value: str
    title: str
    hint: str = ""
    selected: bool = False
    revealed: list[Question] = field(default_factory=list)


@dataclass
class Question:
    name: str
    widget: str
    title: str
    hint: str
    error: str | None = None
    value: str = ""
    parts: dict[str, str] = field(default_factory=dict)
    choices: list[Choice] = field(default_factory=list)
    attached: str = ""  # a file question: the file already attached, which stays unless another is chosen

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the first box or option of the question."""
        return f"{self.name}-day" if self.widget in ("date", "datetime") else self.name


def form_fields(schema: FormSchema, raw: MultiDict | None = None, errors: Mapping[str, str] | None = None,
                attached: Mapping[str, str] | None = None) -> list[Question]:
    """The questions to show, top level first; revealed questions sit inside their choice.

    ``attached`` names the file already attached to each file question (the service keeps uploads,
    so a page shown again after an error does not ask for the file again).
    """
    raw = raw if raw is not None else MultiDict()
    errors = errors or {}
    questions = {name: _question(name, spec, raw, errors.get(name)) for name, spec in schema.fields.items()}
    for name, description in (attached or {}).items():
        questions[name].attached = description
    top = []
    for name, spec in schema.fields.items():
        parent = _reveal_parent(spec, questions)
        if parent is None:
            top.append(questions[name])
        else:
            parent.revealed.append(questions[name])
    return top


def form_data(schema: FormSchema, form: MultiDict) -> dict[str, Any]:
    """The answers in a posted form, shaped for ``FormSchema.validate`` (which trims and checks them)."""
    data: dict[str, Any] = {}
    for name, spec in schema.fields.items():
        widget = spec["x-widget"]
        if widget == "checkboxes":
            value: Any = form.getlist(name) or None
        elif widget in ("date", "datetime"):
            value = _joined_date(form, name, widget)
        elif widget == "file":
            continue  # the file itself comes in request.files: the view stores it and answers with its reference
        else:
            value = form.get(name)
        if value is not None:
            data[name] = value
    return data


def answers_as_posted(schema: FormSchema, answers: Mapping[str, Any]) -> MultiDict:
    """Stored answers shaped as the browser posts them, to show a form filled in (the other way
    round from ``form_data``): dates split into their boxes, lists as repeated values, yes/no."""
    posted = MultiDict()
    for name, spec in schema.fields.items():
        value = answers.get(name)
        if value is None or spec["x-widget"] == "file":
            continue
        if spec["x-widget"] in ("date", "datetime") and isinstance(value, str) and len(value) >= 10:
            year, month, day = value[:10].split("-")
            posted.update({f"{name}-day": str(int(day)), f"{name}-month": str(int(month)), f"{name}-year": year})
            if spec["x-widget"] == "datetime" and "T" in value:
                posted[f"{name}-time"] = value.split("T", 1)[1][:5]
        elif isinstance(value, list):
            for item in value:
                posted.add(name, choice_value(item))
        else:
            posted[name] = choice_value(value)
    return posted


def error_summary(problems: Sequence[Any], questions: Sequence[Question]) -> list[dict[str, str]]:
    """GOV.UK error summary items, each linking to the question it is about."""
    anchors = {q.name: q.anchor for q in _all(questions)}
    return [
        {"text": p.message, "href": f"#{anchors.get(p.field, 'form-start')}"}
        for p in problems
    ]


def _all(questions: Sequence[Question]):
    for question in questions:
        yield question
        for choice in question.choices:
            yield from _all(choice.revealed)


def _question(name: str, spec: Mapping[str, Any], raw: MultiDict, error: str | None) -> Question:
    widget = spec["x-widget"]
    question = Question(name, widget, spec["title"], _hint(spec), error)
    if widget in ("date", "datetime"):
        question.parts = {p: raw.get(f"{name}-{p}", "") for p in ("day", "month", "year", "time")}
    elif widget in ("text", "textarea", "file", "number"):
        question.value = raw.get(name, "")
    else:
        chosen = set(raw.getlist(name))
        question.choices = [
            Choice(value, title, hint, value in chosen) for value, title, hint in _choices(spec)
        ]
    return question


# Said on the form itself, so whoever types knows who will read it.
IN_LETTER = "This goes into the letter to the customer."
INTERNAL = "Kept on the case record only: it never goes into a letter to the customer."


def _hint(spec: Mapping[str, Any]) -> str:
    hint = spec.get("description", "")
    if spec.get("x-in-letter") is True:
        hint = f"{hint} {IN_LETTER}".strip()
    elif spec.get("x-internal") is True:
        hint = f"{hint} {INTERNAL}".strip()
    example = _EXAMPLES.get(spec["x-widget"])
    if example:
        hint = f"{_ISO_EXAMPLE.sub('', hint).strip()} {example}".strip()
    return hint


def _choices(spec: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    if spec["x-widget"] == "yes-no":
        return [("yes", "Yes", ""), ("no", "No", "")]
    options = spec.get("items", {}).get("oneOf") if spec.get("type") == "array" else spec.get("oneOf")
    return [(str(o["const"]), o["title"], o.get("description", "")) for o in options or []]


def choice_value(value: Any) -> str:
    """How an answer is written in the form: booleans as yes and no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _reveal_parent(spec: Mapping[str, Any], questions: Mapping[str, Question]) -> Choice | None:
    condition = spec.get("x-reveal-when")
    if not condition:
        return None
    source = questions.get(condition["field"])
    if source is None or source.widget == "select":  # a select cannot reveal: show the question after it
        return None
    wanted = choice_value(condition.get("equals", condition.get("contains")))
    return next((c for c in source.choices if c.value == wanted), None)


def _joined_date(form: MultiDict, name: str, widget: str) -> str | None:
    day, month, year = (form.get(f"{name}-{p}", "").strip() for p in ("day", "month", "year"))
    time = form.get(f"{name}-time", "").strip() if widget == "datetime" else ""
    if not any((day, month, year, time)):
        return None
    text = f"{year}-{month}-{day}" + (f"T{time}" if widget == "datetime" else "")
    try:
        joined = date(int(year), int(month), int(day)).isoformat() if len(year) == 4 else None
    except ValueError:
        joined = None
    if joined is None:
        return text  # not a real date: the schema says so, in the form's own words
    if widget == "date":
        return joined
    clock = _clock(time)
    return f"{joined}T{clock}" if clock else text


def _clock(text: str) -> str | None:
    """'14:30', '2:30pm', '2.30pm' or '9am' as 'HH:MM'; None if it is not a time of day."""
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None or hour > 23:
        return None
    return f"{hour:02d}:{minute:02d}" if minute < 60 else None
