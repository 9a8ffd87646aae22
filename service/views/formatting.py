"""How dates, times and answers read on every page: Europe/London, in GOV.UK style.

"3 March 2026 at 9:30am", "3 March 2026", "midday". Instants are stored in UTC; people read
London time, whatever the season.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from service.views.schema_forms import answer_rows
from workflows.calendar import LONDON


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


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        london_date=london_date, london_datetime=london_datetime, london_time=london_time,
    )
    app.jinja_env.globals.update(answer_rows=answer_rows)
    # The GOV.UK macros import each other as "govuk_frontend_jinja/...", so the package's templates
    # must be reachable under that prefix.
    app.jinja_loader = ChoiceLoader([
        app.jinja_loader,
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
    ])
