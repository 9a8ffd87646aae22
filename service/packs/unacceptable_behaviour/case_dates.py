"""The policy's dates that its date rules measure a form's answers against (``Pack.case_dates``): the latest
approval of formal action, the appeal's decision, the decision letter's date and appeal deadline, the first
incident, and the ends of its restrictions."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from service.dao import tasks_dao
from service.models import Case
from service.packs.unacceptable_behaviour.dao import case_dates_dao
from service.packs.unacceptable_behaviour.date_rules import PolicyDates
from workflows.calendar import london_date


def policy_dates(session: Session, case: Case) -> PolicyDates:
    """The case's policy dates, which its date rules read beside the platform's (the opening day, now)."""
    answers = tasks_dao.completed_task_answers(session, case.id)
    letter = case_dates_dao.latest_decision_letter(session, case.id) or {}
    restrictions = case_dates_dao.restrictions_of_case(session, case.id)
    return PolicyDates(
        approved_on=_latest(at for at, data in answers
                            if data.get("approval_decision") == "approve" or data.get("review_decision") == "extend"),
        appeal_decided_on=_latest(at for at, data in answers if data.get("appeal_outcome")),
        letter_on=_day(letter.get("letter_date")),
        appeal_by=_day(letter.get("appeal_deadline")),
        incident_at=case_dates_dao.first_incident_at(session, case.id),
        ends_on=max((r.ends_on for r in restrictions if r.status == "active"), default=None),
        ended_on=max((r.ends_on for r in restrictions if r.status == "expired"), default=None),
    )


def _latest(instants) -> date | None:
    return max((london_date(at) for at in instants), default=None)


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None
