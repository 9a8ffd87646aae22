"""Reading a case's own dates for the date rules (``date_rules``), only when a form names one."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from service.casework import Casework
from service.models import Case
from service.packs.unacceptable_behaviour.dao import case_dates_dao
from service.processes.date_rules import CaseDates
from workflows.calendar import london_date
from workflows.carried_answers import carried_fields, earlier_answers, prefilled
from workflows.forms import FormSchema


def case_dates(session: Session, case: Case, now: datetime) -> CaseDates:
    answers = case_dates_dao.completed_task_answers(session, case.id)
    steps = sorted([*case_dates_dao.incident_answers(session, case.id), *answers], key=lambda row: row[0])
    letter = case_dates_dao.latest_decision_letter(session, case.id) or {}
    restrictions = case_dates_dao.restrictions_of_case(session, case.id)
    return CaseDates(
        now=now,
        opened_on=london_date(case.opened_at),
        approved_on=_latest(at for at, data in answers
                            if data.get("approval_decision") == "approve" or data.get("review_decision") == "extend"),
        appeal_decided_on=_latest(at for at, data in answers if data.get("appeal_outcome")),
        letter_on=_day(letter.get("letter_date")),
        appeal_by=_day(letter.get("appeal_deadline")),
        incident_at=case_dates_dao.first_incident_at(session, case.id),
        ends_on=max((r.ends_on for r in restrictions if r.status == "active"), default=None),
        ended_on=max((r.ends_on for r in restrictions if r.status == "expired"), default=None),
        earlier_answers=earlier_answers(data for _, data in steps),
    )


def _latest(instants) -> date | None:
    return max((london_date(at) for at in instants), default=None)


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def prefilled_answers(casework: Casework, case_id: int, form: FormSchema | None) -> dict[str, str]:
    """A task form's carried-forward questions, answered as the case's earlier steps answered them."""
    if form is None or not carried_fields(form.fields):
        return {}
    with casework.db.reading() as session:
        steps = sorted([*case_dates_dao.incident_answers(session, case_id),
                        *case_dates_dao.completed_task_answers(session, case_id)], key=lambda row: row[0])
    return prefilled(form.fields, earlier_answers(data for _, data in steps))
