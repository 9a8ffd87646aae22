from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workflows.calendar import add_months, add_working_days, is_working_day, start_of_day


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 12, date(2027, 1, 31)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2027, 1, 31), -1, date(2026, 12, 31)),
    (date(2026, 8, 15), 12, date(2027, 8, 15)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
])
def test_calendar_months_clamp_to_the_end_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


def test_working_days_skip_weekends_and_england_bank_holidays():
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day substitute
    assert not is_working_day(date(2026, 5, 4))  # early May bank holiday
    # Thursday 24 December 2026 + 2 working days: Christmas, the weekend and the substitute day are skipped.
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)
    assert add_working_days(date(2026, 3, 6), 5) == date(2026, 3, 13)


def test_start_of_day_is_midnight_in_london():
    assert start_of_day(date(2026, 7, 1)) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert start_of_day(date(2026, 1, 31)) == datetime(2026, 1, 31, 0, 0, tzinfo=UTC)
