"""The assessment page shows the answers given when the incident was recorded (see
tests/service/packs/unacceptable_behaviour/test_carried_answers.py for what happens when they change)."""

from __future__ import annotations

from service.cases.cases import start_case
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey


def test_the_assessment_page_shows_the_intake_answers_pre_filled(policy, people, client_request):
    casey = people["casey"]
    journey = Journey(policy, start_case(policy.casework, casey, samples.incident(crime_suspected="yes"),
                                                         process_id=PROCESS_ID).reference)
    task = journey.open_task()
    inbox_actions.claim(policy.casework, casey, task.id)
    page = client_request.login("casey").get(f"/tasks/{task.id}")
    assert page.select_one('input[name="crime_suspected"][value="yes"]').has_attr("checked")
    assert page.select_one('input[name="safeguarding_concern"][value="no"]').has_attr("checked")
