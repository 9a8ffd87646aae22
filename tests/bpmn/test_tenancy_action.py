"""Approved action on the tenancy opens a follow-up task to record what happened (notice served, court,
outcome) beside the decision letter; the case cannot close until it is recorded."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.bpmn import samples
from tests.bpmn.journeys import reach_proposal

TENANCY_PROPOSAL = samples.proposal(
    interventions=["tenancy_action", "single_point_of_contact"], behaviour_categories=["harassment"],
    violence_or_threats=None, contact_method=None,
    tenancy_action_details="Notice of seeking possession for breach of tenancy.",
)
RECORDED = {"notice_served": "yes", "notice_kind": "Notice seeking possession", "notice_served_on": "2026-02-10",
            "court_action": "no", "tenancy_action_outcome": "notice_no_further_action",
            "tenancy_action_details": "Notice served by hand on 10 February; the behaviour stopped."}


def test_approved_tenancy_action_is_followed_up_and_holds_the_case_open(new_case):
    case = new_case(at=datetime(2026, 1, 31, 11, tzinfo=UTC))
    reach_proposal(case, behaviour_categories=["harassment"], violence_or_threats=None)
    case.complete("Task_ProposeFormalAction", TENANCY_PROPOSAL)
    case.complete("Task_ApproveProposal", samples.approval("approve"))
    assert case.ready() == ["Task_RecordTenancyAction", "Task_SendDecisionLetter"]
    assert "Flow_TenancyActionApproved" in case.flows
    case.complete("Task_SendDecisionLetter", samples.decision_letter(case.today()))

    case.set_time(datetime(2026, 2, 20, 10, tzinfo=UTC))
    case.appeal()
    case.complete("Task_HearAppeal", samples.appeal_decision("overturn"))
    case.complete("Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", case.today()))
    assert case.ready() == ["Task_RecordTenancyAction"] and not case.finished
    step = case.complete("Task_RecordTenancyAction", RECORDED)
    assert step.finished and "Flow_TenancyActionRecorded" in case.flows


def test_recorded_early_the_follow_up_does_not_close_a_case_with_a_restriction_in_force(new_case):
    case = new_case(at=datetime(2026, 1, 31, 11, tzinfo=UTC))
    reach_proposal(case, behaviour_categories=["harassment"], violence_or_threats=None)
    case.complete("Task_ProposeFormalAction", TENANCY_PROPOSAL)
    case.complete("Task_ApproveProposal", samples.approval("approve"))
    case.complete("Task_RecordTenancyAction", {**RECORDED, "notice_served_on": case.today()})
    assert case.ready() == ["Task_SendDecisionLetter"] and not case.finished


def test_without_tenancy_action_there_is_no_follow_up(new_case):
    case = new_case()
    reach_proposal(case)
    case.complete("Task_ProposeFormalAction", samples.proposal())
    case.complete("Task_ApproveProposal", samples.approval("approve"))
    assert case.ready() == ["Task_SendDecisionLetter"]
