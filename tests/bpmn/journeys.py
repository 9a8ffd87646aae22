"""Common stretches of a case, so each scenario spells out only the part it is about."""

from __future__ import annotations

from tests.bpmn import samples


def reach_proposal(case, **incident) -> None:
    """Incident to a formal proposal, the usual way: informal resolution first, then adjustments."""
    case.start(**incident)
    case.complete("Task_AssessIncident", samples.assessment("informal"))
    case.complete("Task_TryInformalResolution", samples.informal_resolution("not_resolved", case.today()))
    case.complete("Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    assert case.ready() == ["Task_ProposeFormalAction"]


def impose_restriction(case, letter_on: str) -> None:
    """A proposal approved first time and its decision letter sent on ``letter_on``."""
    reach_proposal(case)
    case.complete("Task_ProposeFormalAction", samples.proposal())
    case.complete("Task_ApproveProposal", samples.approval("approve"))
    case.complete("Task_SendDecisionLetter", samples.decision_letter(letter_on))
    assert case.ready() == []
    assert case.waiting() == ["Gateway_RestrictionInForce"]
