from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workflows.due_dates import DueDateError, due_instant

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_working_days_are_due_at_the_end_of_the_day_in_london():
    assert due_instant("5 working days", MONDAY) == datetime(2026, 3, 9, 23, 59, 59, tzinfo=UTC)
    # British Summer Time: 23:59:59 in London is 22:59:59 UTC.
    assert due_instant("1 working day", datetime(2026, 7, 1, 9, 0, tzinfo=UTC)) == datetime(
        2026, 7, 2, 22, 59, 59, tzinfo=UTC)


def test_durations_and_instants():
    assert due_instant("P3D", MONDAY) == datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    assert due_instant("PT4H", MONDAY) == datetime(2026, 3, 2, 13, 30, tzinfo=UTC)
    assert due_instant("2026-04-01T12:00:00+00:00", MONDAY) == datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    assert due_instant(None, MONDAY) is None


@pytest.mark.parametrize("text", ["soon", "P1M", "2026-04-01T12:00:00", "${now()}"])
def test_unknown_due_dates_are_refused(text):
    with pytest.raises(DueDateError):
        due_instant(text, MONDAY)
