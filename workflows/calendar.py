"""Dates in the policy's terms: calendar months, UK working days, Europe/London.

Restrictions run "12 months from the date of the letter": a calendar month, clamped to the end
of a shorter month (31 January -> 31 January next year; 29 February -> 28 February), never an
ISO duration (which adds days). Due dates count working days in England and Wales, with bank
holidays from the ``holidays`` package (no network at run time).
"""

from __future__ import annotations

import calendar as _calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


def add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def start_of_day(day: date) -> datetime:
    """00:00 in London on ``day``, as a UTC instant."""
    return datetime.combine(day, time(0, 0), LONDON).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in London (23:59:59), as a UTC instant."""
    return datetime.combine(day, time(23, 59, 59), LONDON).astimezone(UTC)


def london_date(instant: datetime) -> date:
    return instant.astimezone(LONDON).date()


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The date ``count`` working days after ``day`` (``day`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = day
    remaining = count
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def iso_utc(instant: datetime) -> str:
    """ISO-8601 with the offset written out, which SpiffWorkflow's timers need."""
    if instant.tzinfo is None:
        raise ValueError("instants must carry a timezone")
    return instant.astimezone(UTC).isoformat()
