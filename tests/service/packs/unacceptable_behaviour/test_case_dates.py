"""The policy's dates its date rules measure answers against (Pack.case_dates), and its incident forms' answers
read as the case's earlier answers (Pack.record_answers)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service.dao import processes_dao
from service.models import HumanTask
from service.packs.unacceptable_behaviour.date_rules import PolicyDates
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.processes.case_dates import case_dates, prefilled_answers
from service.processes.forms import form_schema
from tests.bpmn import samples
from tests.service.audit_cases import open_case, restriction_case
from workflows.calendar import london_date


def test_a_restriction_case_has_its_approval_letter_incident_and_restriction_dates(policy, people):
    journey = restriction_case(policy, people, letter_on="2026-03-02")
    case = journey.case()
    with policy.db.reading() as session:
        approved_at = session.scalar(select(HumanTask.completed_at).where(
            HumanTask.case_id == case.id, HumanTask.element_id == "Task_ApproveProposal"))
        dates = case_dates(session, case, policy.clock.now())
    in_force = [r.ends_on for r in journey.restrictions() if r.status == "active"]
    assert dates.opened_on == london_date(case.opened_at)
    assert isinstance(dates.pack, PolicyDates)
    assert dates.pack.approved_on == london_date(approved_at)
    assert (dates.pack.letter_on, dates.pack.appeal_by) == (date(2026, 3, 2), date(2026, 3, 30))
    assert dates.pack.incident_at is not None and london_date(dates.pack.incident_at) == date(2026, 3, 2)
    assert (dates.pack.ends_on, dates.pack.ended_on, dates.pack.appeal_decided_on) == (max(in_force), None, None)
    # The incident form's answers, then each task's.
    assert dates.earlier_answers["staff_affected"] == [samples.incident()["staff_affected"]]
    assert dates.earlier_answers["crime_suspected"] == [False, False]  # the incident form's, then the assessment's
    assert dates.earlier_answers["approval_decision"] == ["approve"]


def test_the_assessment_asks_again_what_the_incident_form_answered(policy, people):
    journey = open_case(policy, people["casey"], crime_suspected="yes")
    with policy.db.reading() as session:
        version = processes_dao.get_latest_version(session, PROCESS_ID)
    assessment = form_schema(version, "assess_incident")
    assert prefilled_answers(policy.casework, journey.case().id, assessment) == {
        "crime_suspected": "yes", "safeguarding_concern": "no"}
