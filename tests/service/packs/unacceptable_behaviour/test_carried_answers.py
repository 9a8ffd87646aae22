"""Crime and safeguarding answers are carried forward: shown again pre-filled, a yes turned into a no
needs a recorded reason, and the referral opens whenever any stage said yes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.cases.cases import complete_task, start_case
from service.cases.errors import InvalidInput
from service.models import HumanTask
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey


def _open(policy, journey) -> list[str]:
    with policy.db.reading() as session:
        return sorted(session.scalars(select(HumanTask.element_id).where(
            HumanTask.case_id == journey.case().id, HumanTask.status == "open")))


def test_a_crime_flagged_at_intake_is_not_dropped_at_the_assessment(policy, people):
    casey = people["casey"]
    journey = Journey(policy, start_case(policy.casework, casey, samples.incident(crime_suspected="yes"),
                                                         process_id=PROCESS_ID).reference)
    task = journey.open_task()
    inbox_actions.claim(policy.casework, casey, task.id)
    with pytest.raises(InvalidInput) as refused:
        complete_task(policy.casework, casey, task.id, samples.assessment("isolated", crime_suspected="no"))
    assert {p.field: p.message for p in refused.value.problems} == {
        "crime_no_longer_suspected_reason":
            "The answer to ‘Is a crime suspected?’ was yes at an earlier stage: enter why it is now no"}
    complete_task(policy.casework, casey, task.id, samples.assessment(
        "isolated", crime_suspected="no", crime_no_longer_suspected_reason="The caller withdrew the threat."))
    assert _open(policy, journey) == ["Task_ReferToPolice"]
    assert journey.case().status == "open"


def test_a_safeguarding_concern_raised_only_at_the_assessment_opens_the_alert(policy, people):
    casey = people["casey"]
    journey = Journey(policy, start_case(policy.casework, casey, samples.incident(), process_id=PROCESS_ID).reference)
    journey.do(casey, "Task_AssessIncident", samples.assessment("isolated", safeguarding_concern="yes"))
    assert _open(policy, journey) == ["Task_AlertSafeguarding"]
