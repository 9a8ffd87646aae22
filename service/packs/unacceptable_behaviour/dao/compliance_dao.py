"""The rows the compliance report reads, a batch of cases at a time. Letters come without their bytes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from service.models import Case, CaseActor, HumanTask, ProcessInstance, ProcessVersion, User
from service.packs.unacceptable_behaviour.models import Adjustment, Incident, Letter, Restriction


def _of_processes(process_ids: Sequence[str]):
    """Cases whose instance runs a version of one of these processes."""
    return Case.instance_id.in_(
        select(ProcessInstance.id).join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(ProcessVersion.process_id.in_(list(process_ids)))
    )


def case_batches(session: Session, process_ids: Sequence[str], batch: int = 500) -> Iterator[Sequence[Case]]:
    """The cases of these processes only (the report's rules are one pack's), a batch at a time."""
    last_id = 0
    while True:
        cases = session.scalars(
            select(Case).where(Case.id > last_id, _of_processes(process_ids)).order_by(Case.id).limit(batch)
        ).all()
        if not cases:
            return
        yield cases
        last_id = cases[-1].id


def actors_of(session: Session, case_ids: Sequence[int]) -> Sequence[CaseActor]:
    return session.scalars(select(CaseActor).where(CaseActor.case_id.in_(case_ids)).order_by(CaseActor.at)).all()


def restrictions_of(session: Session, case_ids: Sequence[int]) -> Sequence[Restriction]:
    return session.scalars(
        select(Restriction).where(Restriction.case_id.in_(case_ids)).order_by(Restriction.created_at, Restriction.id)
    ).all()


def sent_letters_of(session: Session, case_ids: Sequence[int]) -> Sequence[Letter]:
    return session.scalars(
        select(Letter).options(defer(Letter.content))
        .where(Letter.case_id.in_(case_ids), Letter.status == "sent").order_by(Letter.sent_at, Letter.id)
    ).all()


def adjustment_times(session: Session, case_ids: Sequence[int]) -> Sequence[tuple[int, datetime]]:
    return session.execute(
        select(Adjustment.case_id, Adjustment.recorded_at).where(Adjustment.case_id.in_(case_ids))
        .order_by(Adjustment.recorded_at)
    ).all()


def tasks_with_forms(session: Session, case_ids: Sequence[int], form_keys: Iterable[str]) -> Sequence[HumanTask]:
    return session.scalars(
        select(HumanTask).where(HumanTask.case_id.in_(case_ids), HumanTask.form_key.in_(list(form_keys)))
        .order_by(HumanTask.created_at)
    ).all()


def incident_details(session: Session, case_ids: Sequence[int]) -> Sequence[tuple[int, dict]]:
    return session.execute(
        select(Incident.case_id, Incident.details).where(Incident.case_id.in_(case_ids)).order_by(Incident.id)
    ).all()


def users_by_id(session: Session) -> dict[int, User]:
    return {user.id: user for user in session.scalars(select(User))}


# -- figures -----------------------------------------------------------------------------------

def open_cases_by_stage(session: Session, process_ids: Sequence[str]) -> list[tuple[str, int]]:
    return list(session.execute(
        select(Case.stage, func.count()).where(Case.status == "open", _of_processes(process_ids))
        .group_by(Case.stage)
        .order_by(func.count().desc(), Case.stage)
    ))


def first_incident_and_decision(session: Session) -> list[tuple[datetime, dict]]:
    """(first incident, decision letter's data) for each case with a sent decision letter."""
    first_incident = (
        select(Incident.case_id, func.min(Incident.occurred_at).label("first")).group_by(Incident.case_id).subquery()
    )
    rows = session.execute(
        select(Letter.case_id, first_incident.c.first, Letter.rendered_from)
        .join(first_incident, first_incident.c.case_id == Letter.case_id)
        .where(Letter.kind == "decision", Letter.status == "sent")
        .order_by(Letter.case_id, Letter.sent_at)
    )
    firsts: dict[int, tuple[datetime, dict]] = {}
    for case_id, incident_at, rendered_from in rows:
        firsts.setdefault(case_id, (incident_at, rendered_from))
    return list(firsts.values())


def task_answers(session: Session, form_key: str) -> Sequence[tuple[str, dict | None]]:
    """(status, answers) of every task using ``form_key``."""
    return session.execute(
        select(HumanTask.status, HumanTask.data).where(HumanTask.form_key == form_key)
    ).all()


def count_active_restrictions(session: Session) -> tuple[int, int]:
    """(restrictions in force, customers they apply to)."""
    row = session.execute(
        select(func.count(), func.count(Restriction.customer_id.distinct())).where(Restriction.status == "active")
    ).one()
    return row[0], row[1]


def count_overdue_tasks(session: Session, now: datetime) -> int:
    return session.scalar(
        select(func.count()).select_from(HumanTask).where(HumanTask.status == "open", HumanTask.due_at < now)
    ) or 0

