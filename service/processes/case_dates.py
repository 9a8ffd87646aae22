"""Reading a case's own dates for the date rules (``date_rules``), only when a form names one, and the answers
its earlier steps gave (``carried_answers``).

The platform knows when a case was opened and what its tasks answered; what a pack keeps besides (the policy's
incident forms, its letters' dates, its restrictions) the pack reads itself, through ``Pack.record_answers``
and ``Pack.case_dates`` (whose dates its rules read as ``CaseDates.pack``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.casework import Casework
from service.dao import tasks_dao
from service.models import Case
from service.packs.registry import Pack
from service.processes.date_rules import CaseDates
from service.processes.definitions import pack_of_case
from workflows.calendar import london_date
from workflows.carried_answers import carried_fields, earlier_answers, prefilled
from workflows.forms import FormSchema


def case_dates(session: Session, case: Case, now: datetime) -> CaseDates:
    pack = pack_of_case(session, case.id)
    return CaseDates(now=now, opened_on=london_date(case.opened_at),
                     earlier_answers=earlier_answers(data for _, data in _steps(session, case.id, pack)),
                     pack=pack.case_dates(session, case) if pack and pack.case_dates else None)


def prefilled_answers(casework: Casework, case_id: int, form: FormSchema | None) -> dict[str, str]:
    """A task form's carried-forward questions, answered as the case's earlier steps answered them."""
    if form is None or not carried_fields(form.fields):
        return {}
    with casework.db.reading() as session:
        steps = _steps(session, case_id, pack_of_case(session, case_id))
    return prefilled(form.fields, earlier_answers(data for _, data in steps))


def _steps(session: Session, case_id: int, pack: Pack | None) -> Sequence[tuple[datetime, dict[str, Any]]]:
    """(when, answers) of what the pack keeps besides its tasks, then of the case's completed tasks, oldest first."""
    kept = pack.record_answers(session, case_id) if pack and pack.record_answers else ()
    return sorted([*kept, *tasks_dao.completed_task_answers(session, case_id)], key=lambda row: row[0])
