"""Each decision-maker is offered only what they may decide: someone the policy keeps off a step is
not offered a Claim button, and the appeal's outcome letter goes to the person who heard it."""

from __future__ import annotations

from service.cases.cases import deliver_message, start_case
from service.dao import tasks_dao
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.policy_cases import restriction_case
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey


def _appealed(policy, people):
    journey = restriction_case(policy, people, "SH-004211")
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received",
                                    samples.appeal_received("2026-03-02"))
    return journey


def test_the_approver_is_not_offered_the_appeal_hearing(policy, people, client_request):
    journey = _appealed(policy, people)
    hearing = journey.open_task()
    page = client_request.login("hana").get(f"/tasks/{hearing.id}")
    buttons = [b.get_text(" ", strip=True) for b in page.select("button")]
    assert "Claim this task" not in buttons
    assert "you took part in the decision on this case" in page.get_text(" ", strip=True).lower()
    other = client_request.login("henry").get(f"/tasks/{hearing.id}")
    assert "Claim this task" in [b.get_text(" ", strip=True) for b in other.select("button")]


def test_the_outcome_letter_goes_to_the_person_who_heard_the_appeal(policy, people):
    journey = _appealed(policy, people)
    journey.do(people["henry"], "Task_HearAppeal", samples.appeal_decision("uphold"))
    letter_task = journey.open_task()
    assert letter_task.element_id == "Task_SendAppealOutcomeLetter"
    with policy.db.reading() as session:
        assert tasks_dao.get_task(session, letter_task.id).assignee_id == people["henry"].user_id


def test_people_involved_says_what_each_person_actually_did(policy, people, client_request):
    casey, hana, henry = people["casey"], people["hana"], people["henry"]
    started = start_case(policy.casework, casey, samples.incident(), process_id=PROCESS_ID)
    journey = Journey(policy, started.reference)
    journey.do(casey, "Task_AssessIncident", samples.assessment("severe"))
    journey.do(casey, "Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    journey.do(casey, "Task_ProposeFormalAction", samples.proposal())
    journey.do(hana, "Task_ApproveProposal", samples.approval("return"))
    journey.do(casey, "Task_ProposeFormalAction", samples.proposal())
    journey.do(henry, "Task_ApproveProposal", samples.approval("approve"))
    page = client_request.login("casey").get(f"/cases/{journey.reference}")
    section = next(h for h in page.select("h2") if h.get_text(strip=True) == "People involved")
    rows = [(r.select_one("dt").get_text(strip=True), r.select_one("dd").get_text(strip=True))
            for r in section.find_next("dl").select(".govuk-summary-list__row")]
    assert ("Hana Head", "Returned the proposal for changes") in rows
    assert ("Hana Head", "Approved the formal action") not in rows
    assert ("Henry Head", "Approved the formal action") in rows


def test_a_returned_proposal_comes_back_pre_filled_with_the_heads_reasons(policy, people, client_request):
    casey, hana = people["casey"], people["hana"]
    journey = Journey(policy, start_case(policy.casework, casey, samples.incident(), process_id=PROCESS_ID).reference)
    journey.do(casey, "Task_AssessIncident", samples.assessment("severe"))
    journey.do(casey, "Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    journey.do(casey, "Task_ProposeFormalAction", samples.proposal(what_it_means="Email only, via A. Patel."))
    policy.clock.advance(minutes=30)  # the Head reads it later
    journey.do(hana, "Task_ApproveProposal", {"approval_decision": "return",
                                              "approval_reasons": "Say which days the customer may call."})
    again = journey.open_task()
    assert again.element_id == "Task_ProposeFormalAction"
    inbox_actions.claim(policy.casework, casey, again.id)
    page = client_request.login("casey").get(f"/tasks/{again.id}")
    banner = page.select_one(".govuk-notification-banner").get_text(" ", strip=True)
    assert "Hana Head returned this for changes." in banner and "Say which days the customer may call." in banner
    assert page.select_one("textarea[name=what_it_means]").get_text() == "Email only, via A. Patel."
    assert page.select_one('input[name="interventions"][value="single_point_of_contact"]').has_attr("checked")
    assert page.select_one("input[name=contact_person]")["value"] == "A. Patel, senior caseworker"


def test_a_step_given_by_continuity_can_be_taken_over_from_its_page(policy, people, client_request):
    journey = Journey(policy, start_case(policy.casework, people["casey"], samples.incident(),
                                                         process_id=PROCESS_ID).reference)
    assessment = journey.open_task()
    held = client_request.login("casey").get(f"/tasks/{assessment.id}")
    assert held.select_one("[name=assessment_outcome]"), "the caseworker who recorded it can assess it at once"
    other = client_request.login("cora").get(f"/tasks/{assessment.id}")
    assert "Casey Worker did the last step on this case, so this one was given to them." in other.get_text(" ")
    assert "Take over this task" in [b.get_text(" ", strip=True) for b in other.select("button")]
    client_request.post(f"/tasks/{assessment.id}/claim")
    with policy.db.reading() as session:
        assert tasks_dao.get_task(session, assessment.id).assignee_id == people["cora"].user_id
    taken = client_request.login("casey").get(f"/tasks/{assessment.id}")
    assert not [b for b in taken.select("button") if "Take over" in b.get_text() or "Claim" in b.get_text()]
