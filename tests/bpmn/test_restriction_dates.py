"""A restriction runs 12 calendar months from the date of the letter and is reviewed a month before.

Times are UTC; the restriction ends at the start of the day in London, so in summer it ends at
23:00 UTC the day before. Each timer must fire at its instant, not a second before.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.bpmn import samples
from tests.bpmn.journeys import impose_restriction

LETTERS = [
    # letter date, review due (UTC), restriction ends (UTC)
    ("2026-01-31", datetime(2026, 12, 31, tzinfo=UTC), datetime(2027, 1, 31, tzinfo=UTC)),
    ("2028-02-29", datetime(2029, 1, 28, tzinfo=UTC), datetime(2029, 2, 28, tzinfo=UTC)),
    ("2026-06-15", datetime(2027, 5, 14, 23, tzinfo=UTC), datetime(2027, 6, 14, 23, tzinfo=UTC)),
]


def fires_exactly_at(case, instant: datetime) -> None:
    assert case.next_timer() == instant
    assert case.set_time(instant - timedelta(minutes=1)).completed == []
    assert case.set_time(instant - timedelta(seconds=1)).completed == []
    assert case.set_time(instant).completed != []


@pytest.mark.parametrize(("letter_on", "review_due", "ends"), LETTERS, ids=[row[0] for row in LETTERS])
def test_review_then_lapse_then_expiry_at_twelve_calendar_months(new_case, letter_on, review_due, ends):
    case = new_case(at=datetime.fromisoformat(letter_on).replace(hour=11, tzinfo=UTC))
    impose_restriction(case, letter_on)

    fires_exactly_at(case, review_due)
    assert case.ready() == ["Task_ReviewRestriction"]
    case.complete("Task_ReviewRestriction", samples.review("lapse"))
    assert case.waiting() == ["Gateway_RestrictionReviewed"]

    fires_exactly_at(case, ends)
    assert "Event_EndDateReached" in case.completed
    assert case.ready() == ["Task_SendRestrictionEndedLetter"]
    step = case.complete("Task_SendRestrictionEndedLetter", samples.letter_sent("ended_letter", case.today()))
    assert step.finished


def test_a_lapsed_review_is_not_asked_for_again(new_case):
    case = new_case(at=datetime(2026, 1, 31, 11, tzinfo=UTC))
    impose_restriction(case, "2026-01-31")
    case.set_time(datetime(2026, 12, 31, 9, tzinfo=UTC))
    case.complete("Task_ReviewRestriction", samples.review("lapse"))
    case.set_time(datetime(2027, 1, 15, tzinfo=UTC))
    assert case.ready() == []
    assert case.completed.count("Task_ReviewRestriction") == 1


def test_an_extension_sends_a_new_letter_with_new_dates_and_a_new_right_of_appeal(new_case):
    case = new_case(at=datetime(2026, 1, 31, 11, tzinfo=UTC))
    impose_restriction(case, "2026-01-31")
    case.set_time(datetime(2026, 12, 31, 9, tzinfo=UTC))
    case.complete("Task_ReviewRestriction", samples.review("extend"))
    assert case.ready() == ["Task_SendDecisionLetter"]
    case.set_time(datetime(2027, 1, 4, 10, tzinfo=UTC))
    case.complete("Task_SendDecisionLetter", samples.decision_letter("2027-01-04"))

    assert case.waiting() == ["Gateway_RestrictionInForce"]
    assert case.next_timer() == datetime(2027, 12, 4, tzinfo=UTC)
    # The old end date passes without ending the extended restriction.
    assert case.set_time(datetime(2027, 2, 1, tzinfo=UTC)).completed == []
    case.appeal()
    assert case.ready() == ["Task_HearAppeal"]
