"""The platform's own case dates: the day a case opened and what its tasks answered; a pack adds what it keeps
(the policy's, in packs/unacceptable_behaviour/test_case_dates.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from service.dao import processes_dao
from service.packs import registry
from service.packs.unacceptable_behaviour.pack import PACK, PROCESS_ID
from service.processes.case_dates import case_dates, prefilled_answers
from service.processes.forms import form_schema
from tests.service.audit_cases import open_case, restriction_case
from workflows.calendar import london_date


@pytest.fixture
def without_the_packs_dates():
    registry.register(replace(PACK, record_answers=None, case_dates=None))
    yield
    registry.register(PACK)


def test_a_case_whose_pack_adds_no_dates_has_its_opening_day_and_its_tasks_answers(policy, people,
                                                                                    without_the_packs_dates):
    journey = restriction_case(policy, people)
    case = journey.case()
    with policy.db.reading() as session:
        dates = case_dates(session, case, policy.clock.now())
    assert dates.opened_on == london_date(case.opened_at)
    assert dates.pack is None
    assert dates.earlier_answers["approval_decision"] == ["approve"]
    assert dates.earlier_answers["crime_suspected"] == [False]  # the assessment's: the incident form is the pack's
    assert "staff_affected" not in dates.earlier_answers


def test_nothing_is_prefilled_from_records_the_platform_does_not_know(policy, people, without_the_packs_dates):
    journey = open_case(policy, people["casey"], crime_suspected="yes")
    with policy.db.reading() as session:
        version = processes_dao.get_latest_version(session, PROCESS_ID)
    assert prefilled_answers(policy.casework, journey.case().id, form_schema(version, "assess_incident")) == {}
    assert prefilled_answers(policy.casework, journey.case().id, None) == {}
