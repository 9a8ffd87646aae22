"""A customer who asked for letters in translation gets each letter translated, and staff attach it.

After every letter (decision or extension, appeal outcome, restriction ended) the case waits for the
translated letter before it moves on; a customer without a translation goes straight past.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.bpmn import samples
from tests.bpmn.journeys import reach_proposal

TRANSLATION_TASKS = {
    "Task_AttachDecisionTranslation",
    "Task_AttachAppealOutcomeTranslation",
    "Task_AttachEndedTranslation",
}


def test_every_letter_waits_for_its_translation(new_case):
    case = new_case(at=datetime(2026, 1, 31, 11, tzinfo=UTC))
    case.start()
    case.complete("Task_AssessIncident", samples.assessment("severe"))
    case.complete("Task_OfferAdjustments", samples.adjustments_in_translation("formal_action_needed"))
    case.complete("Task_ProposeFormalAction", samples.proposal())
    case.complete("Task_ApproveProposal", samples.approval("approve"))
    case.complete("Task_SendDecisionLetter", samples.decision_letter("2026-01-31"))
    assert case.ready() == ["Task_AttachDecisionTranslation"]
    assert case.next_timer() is None  # the restriction's dates are set once the letters are out
    case.complete("Task_AttachDecisionTranslation", samples.translated_letter("2026-01-31"))
    assert case.waiting() == ["Gateway_RestrictionInForce"]

    case.set_time(datetime(2026, 3, 2, 10, tzinfo=UTC))
    case.appeal()
    case.complete("Task_HearAppeal", samples.appeal_decision("uphold"))
    case.complete("Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", case.today()))
    assert case.ready() == ["Task_AttachAppealOutcomeTranslation"]
    case.complete("Task_AttachAppealOutcomeTranslation", samples.translated_letter(case.today()))
    assert case.waiting() == ["Gateway_RestrictionInForce"]

    case.set_time(datetime(2026, 12, 31, tzinfo=UTC))
    case.complete("Task_ReviewRestriction", samples.review("lapse"))
    case.set_time(datetime(2027, 1, 31, tzinfo=UTC))
    case.complete("Task_SendRestrictionEndedLetter", samples.letter_sent("ended_letter", case.today()))
    assert case.ready() == ["Task_AttachEndedTranslation"]
    assert not case.finished
    step = case.complete("Task_AttachEndedTranslation", samples.translated_letter(case.today()))
    assert step.finished
    assert set(case.completed) >= TRANSLATION_TASKS


def test_letters_in_english_need_no_translation_step(new_case):
    case = new_case()
    reach_proposal(case)
    case.complete("Task_ProposeFormalAction", samples.proposal())
    case.complete("Task_ApproveProposal", samples.approval("approve"))
    case.complete("Task_SendDecisionLetter", samples.decision_letter(case.today()))
    assert case.ready() == []
    assert "Flow_DecisionNotTranslated" in case.flows
    assert not TRANSLATION_TASKS & set(case.completed)
