"""A suspected crime is referred to the police and a safeguarding concern to the local authority,
alongside the main path; the case cannot close until both are done."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.bpmn import samples

BOTH = {"crime_suspected": "yes", "safeguarding_concern": "yes"}


def test_an_isolated_incident_stays_open_until_the_referrals_are_done(new_case):
    case = new_case()
    case.start(**BOTH)
    case.complete("Task_AssessIncident", samples.assessment("isolated", **BOTH))
    assert case.ready() == ["Task_AlertSafeguarding", "Task_ReferToPolice"]
    assert "Flow_IsolatedIncident" in case.flows and not case.finished

    case.complete("Task_ReferToPolice", samples.police_referral(case.today()))
    assert case.ready() == ["Task_AlertSafeguarding"] and not case.finished
    step = case.complete("Task_AlertSafeguarding", samples.safeguarding_alert(case.today()))
    assert step.finished


def test_a_crime_suspected_at_intake_is_referred_even_if_the_assessment_says_no(new_case):
    case = new_case()
    case.start(crime_suspected="yes")
    step = case.complete("Task_AssessIncident", samples.assessment(
        "isolated", crime_suspected="no", crime_no_longer_suspected_reason="The caller withdrew the threat."))
    assert not step.finished and case.ready() == ["Task_ReferToPolice"]


def test_a_crime_first_suspected_at_the_assessment_is_referred(new_case):
    case = new_case()
    case.start()
    case.complete("Task_AssessIncident", samples.assessment("isolated", crime_suspected="yes"))
    assert case.ready() == ["Task_ReferToPolice"]


def test_with_no_crime_suspected_at_any_stage_there_is_no_referral(new_case):
    case = new_case()
    case.start()
    assert case.complete("Task_AssessIncident", samples.assessment("isolated")).finished


def test_a_referral_done_early_does_not_close_a_case_with_a_restriction_in_force(new_case):
    case = new_case(at=datetime(2026, 1, 31, 11, tzinfo=UTC))
    case.start(crime_suspected="yes")
    case.complete("Task_AssessIncident", samples.assessment("severe", crime_suspected="yes"))
    case.complete("Task_ReferToPolice", samples.police_referral(case.today()))
    case.complete("Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    case.complete("Task_ProposeFormalAction", samples.proposal())
    case.complete("Task_ApproveProposal", samples.approval("approve"))
    case.complete("Task_SendDecisionLetter", samples.decision_letter(case.today()))
    assert not case.finished and "Gateway_RestrictionInForce" in case.waiting()

    case.set_time(datetime(2026, 12, 31, 9, tzinfo=UTC))
    case.complete("Task_ReviewRestriction", samples.review("lapse"))
    case.set_time(datetime(2027, 1, 31, tzinfo=UTC))
    assert not case.finished
    step = case.complete("Task_SendRestrictionEndedLetter", samples.letter_sent("ended_letter", case.today()))
    assert step.finished


def test_an_overturned_restriction_waits_for_the_safeguarding_alert(new_case):
    case = new_case(at=datetime(2026, 1, 31, 11, tzinfo=UTC))
    case.start(safeguarding_concern="yes")
    case.complete("Task_AssessIncident", samples.assessment("informal", safeguarding_concern="yes"))
    case.complete("Task_TryInformalResolution", samples.informal_resolution("not_resolved", case.today()))
    case.complete("Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    case.complete("Task_ProposeFormalAction", samples.proposal())
    case.complete("Task_ApproveProposal", samples.approval("approve"))
    case.complete("Task_SendDecisionLetter", samples.decision_letter(case.today()))
    case.set_time(datetime(2026, 2, 20, 10, tzinfo=UTC))
    case.appeal()
    case.complete("Task_HearAppeal", samples.appeal_decision("overturn"))
    case.complete("Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", case.today()))
    assert case.ready() == ["Task_AlertSafeguarding"] and not case.finished
    step = case.complete("Task_AlertSafeguarding", samples.safeguarding_alert(case.today()))
    assert step.finished
