"""How long a closed case is kept: periods, the rules that set them, and when a case falls due.

A period is "N years", "N months" or "N days" (a bare number is years). A process sets its own
(``cases.retention``); a pack with a configurable retention policy (``Pack.retention``) sets its rules
from its setting and says which of them keeps each of its cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from workflows.calendar import add_months

_PERIOD = re.compile(r"^\s*(\d{1,3})\s*(year|month|day)s?\s*$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period that cannot be read."""


@dataclass(frozen=True, order=True)
class Period:
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, value: object) -> Period:
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1000:
            return cls(months=12 * value)
        match = _PERIOD.match(value) if isinstance(value, str) else None
        if not match or int(match.group(1)) == 0:
            raise PeriodError(f"{value!r} is not a period: write, for example, \"2 years\" or \"18 months\"")
        number, unit = int(match.group(1)), match.group(2).lower()
        return cls(days=number) if unit == "day" else cls(months=number * (12 if unit == "year" else 1))

    def after(self, day: date) -> date:
        return add_months(day, self.months) + timedelta(days=self.days)

    def __str__(self) -> str:
        if self.days:
            return _plural(self.days, "day")
        years, months = divmod(self.months, 12)
        return _plural(years, "year") if not months else _plural(self.months, "month")


def _plural(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str  # "process" for a process's own period (cases.retention); a pack's policy names its own kinds
    period: Period
    description: str  # what the pages call it


@dataclass(frozen=True)
class Retention:
    rule: Rule
    closed_on: date
    due_on: date
