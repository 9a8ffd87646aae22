"""Formal action needs a Head of Service's or Executive's approval: approve, reject or return."""

from __future__ import annotations

from tests.bpmn import samples
from tests.bpmn.journeys import reach_proposal


def test_a_returned_proposal_goes_back_to_the_caseworker_then_can_be_approved(new_case):
    case = new_case()
    reach_proposal(case)
    case.complete("Task_ProposeFormalAction", samples.proposal())
    assert case.ready() == ["Task_ApproveProposal"]
    case.complete("Task_ApproveProposal", samples.approval("return"))
    assert case.ready() == ["Task_ProposeFormalAction"]
    # The caseworker sees the first proposal and the approver's reasons when changing it.
    assert case.task_data("Task_ProposeFormalAction")["approval_decision"] == "return"

    case.complete("Task_ProposeFormalAction", samples.proposal(interventions=["single_point_of_contact"]))
    case.complete("Task_ApproveProposal", samples.approval("approve"))
    assert case.ready() == ["Task_SendDecisionLetter"]
    assert case.completed.count("Task_OfferAdjustments") == 1  # a return does not repeat the adjustments
    assert "Flow_ProposalReturned" in case.flows and "Flow_ProposalApproved" in case.flows


def test_a_rejected_proposal_closes_the_case_with_reasons(new_case):
    case = new_case()
    reach_proposal(case)
    case.complete("Task_ProposeFormalAction", samples.proposal())
    step = case.complete("Task_ApproveProposal", samples.approval("reject"))
    assert step.finished
    assert "Flow_ProposalRejected" in case.flows
    assert "Task_SendDecisionLetter" not in case.completed


def test_tenancy_action_can_be_proposed_for_harassment_of_an_employee(new_case):
    case = new_case()
    reach_proposal(case, behaviour_categories=["harassment"], violence_or_threats=None)
    case.complete(
        "Task_ProposeFormalAction",
        samples.proposal(
            interventions=["tenancy_action"],
            contact_person=None,
            contact_method=None,
            behaviour_categories=["harassment"],
            violence_or_threats=None,
            tenancy_action_details="Notice of seeking possession for breach of tenancy.",
        ),
    )
    assert case.ready() == ["Task_ApproveProposal"]
