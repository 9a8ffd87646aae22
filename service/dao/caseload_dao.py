"""Caseload queries: open cases by owner, step, age and overdue tasks; open work per person and group.
They read case and task rows only, never workflows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from service.models import Case, HumanTask, HumanTaskGroup, User

CASE_SORTS = ("oldest", "newest", "owner", "overdue", "reference", "step")
LIMIT = 200


@dataclass(frozen=True)
class CaseloadFilters:
    owner_id: int | None = None
    step: str | None = None
    overdue_only: bool = False
    sort: str = "oldest"


@dataclass(frozen=True)
class CaseloadRow:
    reference: str
    stage: str
    opened_at: datetime
    owner_id: int | None
    owner_name: str
    open_tasks: int
    overdue_tasks: int


@dataclass(frozen=True)
class WorkloadRow:
    key: str  # a person's name or a group
    user_id: int | None
    open_tasks: int
    overdue_tasks: int


def _counts(now: datetime):
    open_tasks = (select(func.count()).where(HumanTask.case_id == Case.id, HumanTask.status == "open")
                  .correlate(Case).scalar_subquery())
    overdue = (select(func.count()).where(HumanTask.case_id == Case.id, HumanTask.status == "open",
                                          HumanTask.due_at < now).correlate(Case).scalar_subquery())
    return open_tasks, overdue


def open_cases(session: Session, now: datetime, filters: CaseloadFilters, *, holder_id: int | None = None
               ) -> list[CaseloadRow]:
    """Open cases; with ``holder_id``, only those the person owns or holds an open task on."""
    owner = aliased(User)
    open_tasks, overdue = _counts(now)
    query = (select(Case.reference, Case.stage, Case.opened_at, Case.owner_id, owner.full_name, open_tasks, overdue)
             .outerjoin(owner, owner.id == Case.owner_id).where(Case.status == "open"))
    if holder_id is not None:
        query = query.where(or_(Case.owner_id == holder_id, exists().where(
            HumanTask.case_id == Case.id, HumanTask.status == "open", HumanTask.assignee_id == holder_id)))
    if filters.owner_id is not None:
        query = query.where(Case.owner_id == filters.owner_id)
    if filters.step:
        query = query.where(func.lower(Case.stage).contains(filters.step.lower(), autoescape=True))
    if filters.overdue_only:
        query = query.where(overdue > 0)
    order = {"oldest": (Case.opened_at, Case.id), "newest": (Case.opened_at.desc(), Case.id.desc()),
             "owner": (owner.full_name, Case.opened_at), "overdue": (overdue.desc(), Case.opened_at),
             "reference": (Case.reference,), "step": (Case.stage, Case.opened_at)}[filters.sort]
    rows = session.execute(query.order_by(*order).limit(LIMIT)).all()
    return [CaseloadRow(r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6]) for r in rows]


def workload(session: Session, now: datetime) -> tuple[list[WorkloadRow], list[WorkloadRow]]:
    """Open tasks held by each person, and open tasks nobody holds yet by group; with overdue counts."""
    people = session.execute(
        select(User.id, User.full_name, func.count(HumanTask.id),
               func.count(HumanTask.id).filter(HumanTask.due_at < now))
        .join(HumanTask, and_(HumanTask.assignee_id == User.id, HumanTask.status == "open"))
        .group_by(User.id, User.full_name).order_by(func.count(HumanTask.id).desc(), User.full_name)).all()
    groups = session.execute(
        select(HumanTaskGroup.group_name, func.count(HumanTask.id),
               func.count(HumanTask.id).filter(HumanTask.due_at < now))
        .join(HumanTask, HumanTask.id == HumanTaskGroup.task_id)
        .where(HumanTask.status == "open", HumanTask.assignee_id.is_(None))
        .group_by(HumanTaskGroup.group_name).order_by(HumanTaskGroup.group_name)).all()
    return ([WorkloadRow(name, user_id, total, late) for user_id, name, total, late in people],
            [WorkloadRow(group, None, total, late) for group, total, late in groups])


def open_task_ids_held_by(session: Session, user_id: int) -> list[str]:
    return list(session.scalars(select(HumanTask.id).where(HumanTask.assignee_id == user_id,
                                                           HumanTask.status == "open").order_by(HumanTask.due_at)))

