"""The policy's date rules (its ``Pack.date_rules``), on the paths staff and integrators use, on both databases.

Every case starts on Monday 2 March 2026 at 09:30 (the test clock) with an incident at 09:05.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.cases.cases import complete_task, deliver_message, start_case
from service.cases.errors import InvalidInput
from service.dao import tasks_dao
from service.packs.unacceptable_behaviour import further_incidents
from service.packs.unacceptable_behaviour.customer_subject import CUSTOMER_QUESTIONS
from service.packs.unacceptable_behaviour.date_rules import DATE_RULES
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.processes.date_rules import rule_problems
from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.conftest import deploy_policy, deploy_process_file
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey

pytestmark = pytest.mark.usefixtures("policy")


def problems(call) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        call()
    return {p.field: p.message for p in refused.value.problems}


def _approved(policy, people, **incident) -> Journey:
    casey, hana = people["casey"], people["hana"]
    journey = Journey(policy, start_case(policy.casework, casey, samples.incident(**incident),
                                                         process_id=PROCESS_ID).reference)
    journey.do(casey, "Task_AssessIncident", samples.assessment("severe"))
    journey.do(casey, "Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    journey.do(casey, "Task_ProposeFormalAction", samples.proposal())
    journey.do(hana, "Task_ApproveProposal", samples.approval("approve"))
    return journey


def _letter_refusal(policy, people, journey: Journey, data: dict) -> dict[str, str]:
    task = journey.open_task()
    inbox_actions.claim(policy.casework, people["casey"], task.id)
    return problems(lambda: complete_task(policy.casework, people["casey"], task.id, data))


# -- the decision letter ------------------------------------------------------------------------


def test_a_decision_letter_cannot_be_dated_before_the_approval(policy, people):
    journey = _approved(policy, people)
    found = _letter_refusal(policy, people, journey, samples.decision_letter("2025-01-01"))
    assert found == {"letter_sent_on": "The date of the letter must be on or after 2 March 2026, "
                                       "the day the action was approved"}
    assert journey.restrictions() == [] and journey.letters() == []


def test_a_decision_letter_cannot_be_dated_in_the_future(policy, people):
    journey = _approved(policy, people)
    found = _letter_refusal(policy, people, journey, samples.decision_letter("2026-03-03"))
    assert found == {"letter_sent_on": "The date of the letter must be today (2 March 2026) or earlier"}


def test_a_letter_dated_more_than_three_working_days_ago_needs_a_recorded_reason(policy, people):
    journey = _approved(policy, people)
    policy.clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))  # Tuesday: 5 March is three working days back
    found = _letter_refusal(policy, people, journey, samples.decision_letter("2026-03-04"))
    assert found == {"letter_late_reason": "The letter is dated 4 March 2026, more than 3 working days ago: "
                                           "enter why it was sent late"}
    task = journey.open_task()
    complete_task(policy.casework, people["casey"], task.id, {
        **samples.decision_letter("2026-03-04"), "letter_late_reason": "Posted on the 4th; recorded late."})
    with policy.db.reading() as session:
        assert tasks_dao.get_task(session, task.id).data["letter_late_reason"] == "Posted on the 4th; recorded late."
    [letter] = journey.letters()
    assert letter.rendered_from["letter_date"] == "2026-03-04"
    assert {r.ends_on.isoformat() for r in journey.restrictions()} == {"2027-03-04"}


def test_a_letter_dated_within_three_working_days_needs_no_reason(policy, people):
    journey = _approved(policy, people)
    policy.clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    journey.do(people["casey"], "Task_SendDecisionLetter", samples.decision_letter("2026-03-02"))
    assert [letter.kind for letter in journey.letters()] == ["decision"]


def test_the_api_enforces_the_same_letter_date_rule(policy, people, api_as):
    journey = _approved(policy, people)
    api = api_as("caseworker")
    task = journey.open_task()
    assert api.post(f"/tasks/{task.id}/claim").status_code == 200
    refused = api.post(f"/tasks/{task.id}/complete", json=samples.decision_letter("2025-01-01"))
    assert refused.status_code == 422
    assert {(p["field"], p["message"]) for p in refused.json["error"]["problems"]} == {
        ("letter_sent_on", "The date of the letter must be on or after 2 March 2026, the day the action was approved")}


def test_the_task_page_enforces_the_letter_date_rule(policy, people, client_request):
    journey = _approved(policy, people)
    task = journey.open_task()
    inbox_actions.claim(policy.casework, people["casey"], task.id)
    client_request.login("casey")
    answers = {"letter_contents": samples.decision_letter("2025-01-01")["letter_contents"], "letter_sent_by": "post",
               "letter_sent_on-day": "1", "letter_sent_on-month": "1", "letter_sent_on-year": "2025",
               "task_id": task.id}
    page = client_request.post_page(f"/tasks/{task.id}", answers)
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "on or after 2 March 2026, the day the action was approved" in summary
    assert journey.letters() == []


# -- appeals -------------------------------------------------------------------------------------


def _restricted(policy, people) -> Journey:
    journey = _approved(policy, people)
    journey.do(people["casey"], "Task_SendDecisionLetter", samples.decision_letter("2026-03-02"))
    return journey


def test_an_appeal_cannot_be_received_before_the_decision_letter(policy, people):
    journey = _restricted(policy, people)
    found = problems(lambda: deliver_message(policy.casework,
        people["casey"], journey.reference, "appeal_received", samples.appeal_received("2026-03-01")))
    assert found == {"appeal_received_on": "The date the appeal was received must be on or after 2 March 2026, "
                                           "the date of the decision letter it appeals against"}


def test_an_appeal_after_the_deadline_needs_the_reason_it_is_accepted_late(policy, people):
    journey = _restricted(policy, people)
    policy.clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    found = problems(lambda: deliver_message(policy.casework,
        people["casey"], journey.reference, "appeal_received", samples.appeal_received("2026-04-01")))
    assert found == {"appeal_late_reason": "The appeal was received after 30 March 2026, the last day the decision "
                                           "letter gave for appealing: enter why it is accepted late"}
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received", samples.appeal_received(
        "2026-04-01", appeal_late_reason="The letter went to an old address."))
    assert journey.open_task().element_id == "Task_HearAppeal"


def test_a_variation_can_shorten_a_restriction_but_never_make_it_end_later(policy, people):
    journey = _restricted(policy, people)
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received",
                                    samples.appeal_received("2026-03-02"))
    task = journey.open_task()
    inbox_actions.claim(policy.casework, people["erin"], task.id)
    later = samples.appeal_decision("vary", varied_interventions=["single_communication_method"],
                                    varied_restrictions="Email only.", appeal_end_date_changed="yes",
                                    appeal_new_end_date="2029-01-01")
    found = problems(lambda: complete_task(policy.casework, people["erin"], task.id, later))
    assert found == {"appeal_new_end_date": "The new end date must be on or before 2 March 2027, the restriction's "
                                            "current end date: an appeal can shorten a restriction but never make "
                                            "it end later"}
    complete_task(policy.casework, people["erin"], task.id, {**later, "appeal_new_end_date": "2027-03-02"})


# -- incidents and referrals ---------------------------------------------------------------------


def test_an_incident_cannot_be_later_than_now(policy, people):
    found = problems(lambda: start_case(policy.casework, people["casey"],
                                                        samples.incident(occurred_at="2026-03-02T10:00"),
                                                        process_id=PROCESS_ID))
    assert found == {"occurred_at": "The date and time of the incident must not be later than now "
                                    "(09:30 on 2 March 2026)"}


def test_an_incident_more_than_a_year_back_needs_its_date_confirmed(policy, people):
    long_ago = samples.incident(occurred_at="2016-03-02T10:00")
    found = problems(lambda: start_case(policy.casework, people["casey"], long_ago, process_id=PROCESS_ID))
    assert found == {"occurred_long_ago_confirmed": "The incident is dated 2 March 2016, more than 12 months ago: "
                                                    "confirm the date is right"}
    assert "occurred_long_ago_confirmed" in problems(lambda: start_case(policy.casework,
        people["casey"], {**long_ago, "occurred_long_ago_confirmed": "no"}, process_id=PROCESS_ID))
    start_case(policy.casework, people["casey"], {**long_ago, "occurred_long_ago_confirmed": "yes"},
                               process_id=PROCESS_ID)


def test_a_further_incident_follows_the_same_rules(policy, people):
    journey = Journey(policy, start_case(policy.casework, people["casey"], samples.incident(),
                                                         process_id=PROCESS_ID).reference)
    further = {k: v for k, v in samples.incident(occurred_at="2026-03-02T11:00").items()
               if k not in CUSTOMER_QUESTIONS}
    found = problems(lambda: further_incidents.add_incident(policy.casework, people["casey"], journey.reference,
                                                            further))
    assert set(found) == {"occurred_at"}


def test_a_police_referral_cannot_be_dated_before_the_incident(policy, people):
    casey = people["casey"]
    journey = Journey(policy, start_case(policy.casework, casey, samples.incident(
        occurred_at="2026-02-27T18:00", crime_suspected="yes"), process_id=PROCESS_ID).reference)
    journey.do(casey, "Task_AssessIncident", samples.assessment("isolated", crime_suspected="yes"))
    task = journey.open_task()
    assert task.element_id == "Task_ReferToPolice"
    inbox_actions.claim(policy.casework, casey, task.id)
    found = problems(lambda: complete_task(policy.casework, casey, task.id, samples.police_referral("2026-02-26")))
    assert found == {"police_referred_on": "The date must be on or after 27 February 2026, the day of the incident"}
    complete_task(policy.casework, casey, task.id, samples.police_referral("2026-02-27"))


# -- the rules named by the forms ----------------------------------------------------------------


def test_the_policys_forms_name_its_own_rules_and_a_process_keeping_none_of_them_deploys_beside_them(runtime):
    deploy_policy(runtime)  # the forms in forms/ pass the checks with the policy's rules
    # A process with no pack, deployed with every form of forms/: it keeps none that names a date rule.
    deploy_process_file(runtime, "asb_report.bpmn")
    date = {"type": "string", "title": "Date", "description": "d", "format": "date", "x-widget": "date"}
    form = {"properties": {"sent_on": {**date, "x-date-rule": {"rule": "whenever"}}}}
    assert rule_problems(form, DATE_RULES) == [
        "Field ‘sent_on’: x-date-rule must be an object naming one of the date rules (appeal_outcome_letter_date, "
        "appeal_received_date, decision_letter_date, incident_time, referral_date, restriction_ended_letter_date, "
        "varied_end_date)"]
