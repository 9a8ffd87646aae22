"""One appeal per decision: a second appeal is refused, with the Housing Ombudsman signposted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service.cases.cases import deliver_message
from service.cases.errors import Conflict, NotAllowed
from service.models import HumanTask
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.policy_cases import restriction_case


def _hearings(policy, journey) -> int:
    with policy.db.reading() as session:
        return session.scalar(select(func.count()).select_from(HumanTask).where(
            HumanTask.case_id == journey.case().id, HumanTask.element_id == "Task_HearAppeal"))


def test_a_second_appeal_on_the_same_decision_is_refused_with_the_ombudsman_signposted(policy, people):
    journey = restriction_case(policy, people, "SH-004211")
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received",
                                    samples.appeal_received("2026-03-02"))
    journey.do(people["henry"], "Task_HearAppeal", samples.appeal_decision("uphold"))
    journey.do(people["henry"], "Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", "2026-03-02"))
    with pytest.raises(Conflict) as refused:
        deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received",
                                        samples.appeal_received("2026-03-02", appeal_grounds="Again."))
    assert "final stage of our internal appeal process" in refused.value.message
    assert "Housing Ombudsman" in refused.value.message
    assert _hearings(policy, journey) == 1


def test_only_caseworkers_may_record_an_appeal(policy, people):
    journey = restriction_case(policy, people, "SH-004211")
    with pytest.raises(NotAllowed) as refused:
        deliver_message(policy.casework, people["hana"], journey.reference, "appeal_received",
                        samples.appeal_received("2026-03-02"))
    assert refused.value.message == "Only caseworker may send ‘Appeal received’."
    assert _hearings(policy, journey) == 0
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received",
                    samples.appeal_received("2026-03-02"))
    assert _hearings(policy, journey) == 1


def test_the_api_refuses_a_second_appeal_in_the_same_words(policy, people, api_as):
    journey = restriction_case(policy, people, "SH-004211")
    api = api_as("caseworker")
    assert api.post(f"/cases/{journey.reference}/appeals", json=samples.appeal_received("2026-03-02")).status_code < 300
    journey.do(people["erin"], "Task_HearAppeal", samples.appeal_decision("uphold"))
    journey.do(people["erin"], "Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", "2026-03-02"))
    again = api.post(f"/cases/{journey.reference}/appeals", json=samples.appeal_received("2026-03-02"))
    assert again.status_code == 409 and "Housing Ombudsman" in again.json["error"]["message"]
