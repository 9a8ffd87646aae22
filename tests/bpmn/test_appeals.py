"""Appeals are heard by an independent reviewer while the restriction stays in force.

An appeal never restarts the 12 months: the end date is fixed by the letter (or by a reviewer
who varies it), so after an upheld appeal the same review and end dates stand.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.bpmn import samples
from tests.bpmn.journeys import impose_restriction

REVIEW_DUE = datetime(2026, 12, 31, tzinfo=UTC)
ENDS = datetime(2027, 1, 31, tzinfo=UTC)


def restricted_case(new_case):
    case = new_case(at=datetime(2026, 1, 31, 11, tzinfo=UTC))
    impose_restriction(case, "2026-01-31")
    return case


def hear(case, outcome: str, **changes) -> None:
    assert case.ready() == ["Task_HearAppeal"]
    case.complete("Task_HearAppeal", samples.appeal_decision(outcome, **changes))
    case.complete("Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", case.today()))


def test_an_upheld_appeal_keeps_the_original_dates(new_case):
    case = restricted_case(new_case)
    case.set_time(datetime(2026, 6, 1, 10, tzinfo=UTC))
    case.appeal()
    assert case.task_data("Task_HearAppeal")["appeal_received"]["appeal_grounds"].startswith("The customer")
    case.set_time(datetime(2026, 6, 10, 10, tzinfo=UTC))
    hear(case, "uphold")

    assert case.waiting() == ["Gateway_RestrictionInForce"]
    assert case.next_timer() == REVIEW_DUE
    case.set_time(REVIEW_DUE)
    case.complete("Task_ReviewRestriction", samples.review("lapse"))
    assert case.next_timer() == ENDS
    assert "Flow_ReviewStillToCome" in case.flows


def test_an_overturned_appeal_lifts_the_restriction_at_once_and_closes_the_case(new_case):
    case = restricted_case(new_case)
    case.set_time(datetime(2026, 3, 1, 10, tzinfo=UTC))
    case.appeal()
    case.complete("Task_HearAppeal", samples.appeal_decision("overturn"))
    assert case.next_timer() is None  # lifted: no review or end date is waiting any more
    step = case.complete("Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", case.today()))
    assert step.finished
    assert "Flow_AppealOverturned" in case.flows


def test_a_varied_restriction_keeps_its_end_date_unless_the_reviewer_sets_one(new_case):
    case = restricted_case(new_case)
    case.set_time(datetime(2026, 3, 1, 10, tzinfo=UTC))
    case.appeal()
    hear(case, "vary", varied_interventions=["single_communication_method"],
         varied_restrictions="Email only; no single point of contact.", appeal_end_date_changed="no")
    assert case.next_timer() == REVIEW_DUE
    assert "Script_VariedRestrictionDates" in case.completed


def test_a_reviewer_can_set_a_new_end_date_which_gets_its_own_review(new_case):
    case = restricted_case(new_case)
    case.set_time(datetime(2026, 3, 1, 10, tzinfo=UTC))
    case.appeal()
    hear(
        case, "vary", varied_interventions=["single_communication_method"], varied_restrictions="Email only.",
        appeal_end_date_changed="yes", appeal_new_end_date="2026-09-30"
    )
    assert case.next_timer() == datetime(2026, 8, 29, 23, tzinfo=UTC)  # 30 August, London summer time
    case.set_time(datetime(2026, 8, 29, 23, tzinfo=UTC))
    case.complete("Task_ReviewRestriction", samples.review("lapse"))
    assert case.next_timer() == datetime(2026, 9, 29, 23, tzinfo=UTC)


def test_an_appeal_during_the_review_interrupts_it_and_the_review_comes_back(new_case):
    case = restricted_case(new_case)
    case.set_time(REVIEW_DUE)
    assert case.ready() == ["Task_ReviewRestriction"]
    case.appeal()
    assert "Flow_AppealDuringReview" in case.flows
    hear(case, "uphold")
    # The review was never decided, so it is due again straight away.
    assert case.ready() == ["Task_ReviewRestriction"]
    case.complete("Task_ReviewRestriction", samples.review("lapse"))
    assert case.next_timer() == ENDS


def test_an_appeal_after_the_review_goes_back_to_waiting_for_the_end_date_only(new_case):
    case = restricted_case(new_case)
    case.set_time(REVIEW_DUE)
    case.complete("Task_ReviewRestriction", samples.review("lapse"))
    case.set_time(datetime(2027, 1, 5, 10, tzinfo=UTC))
    case.appeal()
    hear(case, "uphold")
    assert case.waiting() == ["Gateway_RestrictionReviewed"]
    assert case.next_timer() == ENDS
    assert case.completed.count("Task_ReviewRestriction") == 1
    case.set_time(ENDS)
    assert case.ready() == ["Task_SendRestrictionEndedLetter"]
    assert "Flow_AlreadyReviewed" in case.flows
