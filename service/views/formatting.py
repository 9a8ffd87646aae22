"""How dates, times and answers read on every page: Europe/London, in GOV.UK style.

"3 March 2026 at 9:30am", "3 March 2026", "midday". Instants are stored in UTC; people read
London time, whatever the season.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import Flask

from service.people.roles import message_senders_words
from workflows.calendar import LONDON
from workflows.forms import FormSchema


def london_time(value: datetime) -> str:
    local = value.astimezone(LONDON)
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def london_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def london_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{london_date(value)} at {london_time(value)}"


def answer_rows(schema: FormSchema | None, data: Mapping[str, Any] | None) -> list[tuple[str, list[str]]]:
    """What someone entered, as (question, answer lines) in the form's order and the form's words."""
    data = data or {}
    fields = schema.fields if schema else {}
    names = [n for n in fields if n in data] + [n for n in data if n not in fields]
    return [(_question_title(fields.get(name), name), _answer_lines(fields.get(name), data[name])) for name in names]


def _question_title(spec: Mapping[str, Any] | None, name: str) -> str:
    if spec is None:
        return name.replace("_", " ").capitalize()
    return spec["title"].removesuffix(" (optional)")


def _answer_lines(spec: Mapping[str, Any] | None, value: Any) -> list[str]:
    spec = spec or {}
    titles = {o["const"]: o["title"] for o in spec.get("oneOf") or spec.get("items", {}).get("oneOf") or []}
    values = value if isinstance(value, list) else [value]
    return [_answer_text(spec.get("x-widget"), titles, v) for v in values]


def _answer_text(widget: str | None, titles: Mapping[Any, str], value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str | int) and value in titles:
        return titles[value]
    try:
        if widget == "date":
            return london_date(value)
        if widget == "datetime":
            local = datetime.fromisoformat(value).replace(tzinfo=LONDON)
            return london_datetime(local)
    except (TypeError, ValueError):
        pass
    return str(value)


def init_app(app: Flask) -> None:
    if app.extensions.get("ubp_formatting"):
        return
    app.extensions["ubp_formatting"] = True
    app.jinja_env.filters.update(
        london_date=london_date, london_datetime=london_datetime, london_time=london_time,
        message_senders=message_senders_words,
    )
    app.jinja_env.globals.update(answer_rows=answer_rows)

