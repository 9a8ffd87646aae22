"""The inbox's queries. They read task rows (and the case and its subject beside them, ``Pack.subject``), never
workflows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, literal, literal_column, or_, select
from sqlalchemy.orm import Session

from service.models import Case, HumanTask, HumanTaskGroup, HumanTaskUser
from service.packs.registry import subject_columns

PAGE_SIZE = 25
# Counting every open task of a large organisation costs more than showing a page of them; counts
# stop at this many (shown as "1000+"), which keeps every inbox query bounded.
COUNT_CAP = 1000


@dataclass(frozen=True)
class InboxFilters:
    task_name: str | None = None
    customer: str | None = None  # part of the reference or name of who the case is about (its subject)
    case_reference: str | None = None
    overdue_only: bool = False
    # Tasks snoozed to a later follow-up date are left out of "my tasks" until then, unless asked for.
    include_snoozed: bool = False
    sort: str = "due"


SORTS = ("due", "follow_up", "priority", "created", "case")


@dataclass(frozen=True)
class InboxRow:
    task: HumanTask
    case_reference: str
    subject_name: str | None  # None: the case is about no one its process's pack names (Pack.subject)
    subject_reference: str | None


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    total: int
    page: int
    pages: int


# Written into the SQL rather than bound, so that the planner can use the partial indexes on open tasks
# (``... WHERE status = 'open'``) in every plan, including the generic plans of prepared statements.
OPEN = literal_column("'open'")


@dataclass(frozen=True)
class InboxQuery:
    """Which open tasks a list shows: conditions on the task row, and filters needing its case or its subject
    (each a function of the subject's columns, ``registry.SubjectColumns``)."""

    task_conditions: tuple
    case_conditions: tuple = ()

    def rows(self) -> Select:
        subject = subject_columns(select(HumanTask, Case.reference).join(Case, Case.id == HumanTask.case_id))
        return (subject.query.add_columns(subject.name, subject.reference)
                .where(HumanTask.status == OPEN, *self.task_conditions, *self._case_conditions(subject)))

    def ids(self) -> Select:
        """Just the task ids: no join unless a filter needs the case or its subject."""
        query = select(HumanTask.id).where(HumanTask.status == OPEN, *self.task_conditions)
        if self.case_conditions:
            subject = subject_columns(query.join(Case, Case.id == HumanTask.case_id))
            query = subject.query.where(*self._case_conditions(subject))
        return query

    def _case_conditions(self, subject) -> list:
        return [condition(subject) for condition in self.case_conditions]


def _query(now: datetime, filters: InboxFilters, *task_conditions) -> InboxQuery:
    conditions = list(task_conditions)
    case_conditions = []
    if filters.task_name:
        conditions.append(HumanTask.name == filters.task_name)
    if filters.overdue_only:
        conditions.append(HumanTask.due_at < now)
    if not filters.include_snoozed:
        conditions.append(or_(HumanTask.follow_up_at.is_(None), HumanTask.follow_up_at <= now))
    if filters.case_reference:
        reference = filters.case_reference.strip().upper()
        case_conditions.append(lambda subject: Case.reference == reference)
    if filters.customer:
        pattern = f"%{filters.customer.strip()}%"
        case_conditions.append(lambda subject: subject.name.ilike(pattern) | subject.reference.ilike(pattern))
    return InboxQuery(tuple(conditions), tuple(case_conditions))


def _claimable_by(groups: Sequence[str], user_id: int | None):
    """Unclaimed, and offered to one of ``groups`` or to ``user_id`` by name. Each test is a scalar
    subquery with LIMIT 1, which the planner runs per task as it walks the index in inbox order: a page
    or a capped count stops after a few probes, where a semi-join would first hash every group row of
    every task."""
    offered = (
        select(literal(1))
        .where(HumanTaskGroup.task_id == HumanTask.id, HumanTaskGroup.group_name.in_(list(groups)))
        .limit(1)
        .scalar_subquery()
    )
    if user_id is None:
        return and_(HumanTask.assignee_id.is_(None), offered.is_not(None))
    named = (
        select(literal(1))
        .where(HumanTaskUser.task_id == HumanTask.id, HumanTaskUser.user_id == user_id)
        .limit(1)
        .scalar_subquery()
    )
    return and_(HumanTask.assignee_id.is_(None), or_(offered.is_not(None), named.is_not(None)))


def my_tasks_query(user_id: int, now: datetime, filters: InboxFilters) -> InboxQuery:
    return _query(now, filters, HumanTask.assignee_id == user_id)


def group_tasks_query(groups: Sequence[str], now: datetime, filters: InboxFilters,
                      user_id: int | None = None) -> InboxQuery:
    """Unclaimed tasks offered to these groups, and (``user_id``) to that person by name."""
    return _query(now, filters, _claimable_by(groups, user_id))


def _order(sort: str) -> tuple:
    # "due" (soonest first, undated last) is the order of the partial indexes on open tasks, so the
    # default page is read straight from an index; the other orders sort the matching open tasks.
    by_due = (HumanTask.due_at.asc().nulls_last(), HumanTask.created_at, HumanTask.id)
    return {
        "due": by_due,
        "follow_up": (HumanTask.follow_up_at.asc().nulls_last(), *by_due),
        "priority": (HumanTask.priority.desc(), *by_due),
        "created": (HumanTask.created_at, HumanTask.id),
        "case": (Case.reference, *by_due),
    }.get(sort, by_due)


def page_of(session: Session, query: InboxQuery, page: int, sort: str = "due") -> InboxPage:
    total = count(session, query)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    ordered = query.rows().order_by(*_order(sort))
    result = session.execute(ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return InboxPage([InboxRow(*row) for row in result], total, page, pages)


def count(session: Session, query: InboxQuery) -> int:
    """How many tasks ``query`` finds, up to COUNT_CAP + 1 (more than the cap means "COUNT_CAP+")."""
    limited = query.ids().limit(COUNT_CAP + 1).subquery()
    return session.scalar(select(func.count()).select_from(limited)) or 0


def overdue_tasks(session: Session, now: datetime, limit: int = 200) -> Sequence[InboxRow]:
    result = session.execute(
        _query(now, InboxFilters(overdue_only=True)).rows().order_by(HumanTask.due_at.asc().nulls_last()).limit(limit)
    ).all()
    return [InboxRow(*row) for row in result]
