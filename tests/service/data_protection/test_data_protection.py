"""The officer's legal hold on a case, on both databases: audited with its reason, never placed twice."""

from __future__ import annotations

import pytest

from service.cases.errors import Conflict, InvalidInput
from service.dao import audit_dao, cases_dao
from service.data_protection import data_protection
from tests.service.packs.unacceptable_behaviour.policy_cases import isolated_case

NAME = "Ottoline Erasmus"


def _events(runtime, case_reference: str):
    with runtime.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, case_reference)
        return audit_dao.list_events(session, case.instance_id)


def test_a_legal_hold_is_audited_with_its_reason_and_cannot_be_placed_twice(policy, people):
    journey = isolated_case(policy, people["casey"], NAME)
    data_protection.change_legal_hold(policy.casework, people["dora"], journey.reference, hold=True,
                                      form_data={"reason": "Litigation hold LH-9"})
    with pytest.raises(Conflict, match="already on legal hold"):
        data_protection.change_legal_hold(policy.casework, people["adam"], journey.reference, hold=True,
                                          form_data={"reason": "Again"})
    with pytest.raises(InvalidInput):
        data_protection.change_legal_hold(policy.casework, people["adam"], journey.reference, hold=False,
                                          form_data={})
    assert journey.case().legal_hold and journey.case().legal_hold_reason == "Litigation hold LH-9"
    event = _events(policy, journey.reference)[-1]
    assert (event.event_type, event.data, event.actor_roles) == (
        "legal_hold_placed", {"reason": "Litigation hold LH-9"}, ["data_protection_officer"])
