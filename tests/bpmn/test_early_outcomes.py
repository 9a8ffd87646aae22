"""Cases that close before any formal action: isolated, resolved informally, resolved by adjustments,
and the severe fast track that skips informal resolution but never reasonable adjustments."""

from __future__ import annotations

from tests.bpmn import samples


def test_an_isolated_incident_is_recorded_and_closed(new_case):
    case = new_case()
    case.start()
    assert case.ready() == ["Task_AssessIncident"]
    step = case.complete("Task_AssessIncident", samples.assessment("isolated"))
    assert step.finished
    assert "Flow_IsolatedIncident" in case.flows
    assert "Task_TryInformalResolution" not in case.completed


def test_informal_resolution_that_works_closes_the_case(new_case):
    case = new_case()
    case.start()
    case.complete("Task_AssessIncident", samples.assessment("informal"))
    assert case.ready() == ["Task_TryInformalResolution"]
    step = case.complete("Task_TryInformalResolution", samples.informal_resolution("resolved", case.today()))
    assert step.finished
    assert "Flow_ResolvedInformally" in case.flows


def test_reasonable_adjustments_can_resolve_the_case(new_case):
    case = new_case()
    case.start()
    case.complete("Task_AssessIncident", samples.assessment("informal"))
    case.complete("Task_TryInformalResolution", samples.informal_resolution("not_resolved", case.today()))
    assert case.ready() == ["Task_OfferAdjustments"]
    step = case.complete("Task_OfferAdjustments", samples.adjustments("resolved"))
    assert step.finished
    assert "Flow_ResolvedByAdjustments" in case.flows


def test_a_severe_case_skips_informal_resolution_but_not_adjustments(new_case):
    case = new_case()
    case.start(behaviour_categories=["harassment"], violence_or_threats=None)
    case.complete("Task_AssessIncident", samples.assessment("severe"))
    assert case.ready() == ["Task_OfferAdjustments"]
    case.complete("Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    assert case.ready() == ["Task_ProposeFormalAction"]
    assert "Task_TryInformalResolution" not in case.completed
    assert case.completed.index("Task_OfferAdjustments") < len(case.completed)
    assert "Flow_SevereCase" in case.flows and "Flow_FormalActionNeeded" in case.flows
