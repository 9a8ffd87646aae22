"""When a user task is due, from the ``camunda:dueDate`` written on it in the diagram.

Accepted forms: "5 working days" (UK working days, England and Wales bank holidays, due at the
end of that day in London), an ISO-8601 duration in whole days or hours such as "P3D" or "PT4H",
or an absolute ISO-8601 instant with its offset. Anything else is refused at deploy time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from workflows.calendar import add_working_days, end_of_day, london_date

_WORKING_DAYS = re.compile(r"^\s*(\d{1,3})\s+working\s+days?\s*$", re.IGNORECASE)
_DURATION = re.compile(r"^P(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?)?$")


class DueDateError(ValueError):
    pass


def due_instant(expression: str | None, created: datetime) -> datetime | None:
    if expression is None or not expression.strip():
        return None
    text = expression.strip()
    if match := _WORKING_DAYS.match(text):
        return end_of_day(add_working_days(london_date(created), int(match.group(1))))
    if (match := _DURATION.match(text)) and any(match.groups()):
        days, hours = (int(g) if g else 0 for g in match.groups())
        return created + timedelta(days=days, hours=hours)
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise DueDateError(
            f"The due date {text!r} is not understood: write e.g. '5 working days', 'P3D' or an ISO date-time."
        ) from None
    if instant.tzinfo is None:
        raise DueDateError(f"The due date {text!r} needs a time zone offset, e.g. +00:00.")
    return instant
