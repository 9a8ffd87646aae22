"""The inbox's queries. They read task rows (and the case and customer beside them), never workflows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import Session

from service.models import Case, Customer, HumanTask, HumanTaskGroup

PAGE_SIZE = 25
# Counting every open task of a large organisation costs more than showing a page of them; counts
# stop at this many (shown as "1000+"), which keeps every inbox query bounded.
COUNT_CAP = 1000


@dataclass(frozen=True)
class InboxFilters:
    task_name: str | None = None
    customer: str | None = None
    case_reference: str | None = None
    overdue_only: bool = False


@dataclass(frozen=True)
class InboxRow:
    task: HumanTask
    case_reference: str
    customer_name: str
    customer_reference: str


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    total: int
    page: int
    pages: int


def _base(now: datetime, filters: InboxFilters) -> Select:
    query = (
        select(HumanTask, Case.reference, Customer.name, Customer.reference)
        .join(Case, Case.id == HumanTask.case_id)
        .join(Customer, Customer.id == Case.customer_id)
        .where(HumanTask.status == "open")
    )
    if filters.task_name:
        query = query.where(HumanTask.name == filters.task_name)
    if filters.case_reference:
        query = query.where(Case.reference == filters.case_reference.strip().upper())
    if filters.customer:
        pattern = f"%{filters.customer.strip()}%"
        query = query.where((Customer.name.ilike(pattern)) | (Customer.reference.ilike(pattern)))
    if filters.overdue_only:
        query = query.where(HumanTask.due_at < now)
    return query


def _claimable_by(roles: Sequence[str]):
    return and_(
        HumanTask.assignee_id.is_(None),
        exists().where(HumanTaskGroup.task_id == HumanTask.id, HumanTaskGroup.group_name.in_(list(roles))),
    )


def my_tasks_query(user_id: int, now: datetime, filters: InboxFilters) -> Select:
    return _base(now, filters).where(HumanTask.assignee_id == user_id)


def group_tasks_query(roles: Sequence[str], now: datetime, filters: InboxFilters) -> Select:
    return _base(now, filters).where(_claimable_by(roles))


def page_of(session: Session, query: Select, page: int) -> InboxPage:
    total = count(session, query)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    # Soonest due first, undated last: the order of ix_human_tasks_open_by_due, so a page is read
    # straight from the index instead of sorting every open task.
    ordered = query.order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.created_at, HumanTask.id)
    result = session.execute(ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return InboxPage([InboxRow(*row) for row in result], total, page, pages)


def count(session: Session, query: Select) -> int:
    """How many rows ``query`` finds, up to COUNT_CAP + 1 (more than the cap means "COUNT_CAP+")."""
    limited = query.order_by(None).with_only_columns(HumanTask.id).limit(COUNT_CAP + 1).subquery()
    return session.scalar(select(func.count()).select_from(limited)) or 0


def overdue_tasks(session: Session, now: datetime, limit: int = 200) -> Sequence[InboxRow]:
    result = session.execute(
        _base(now, InboxFilters(overdue_only=True)).order_by(HumanTask.due_at.asc().nulls_last()).limit(limit)
    ).all()
    return [InboxRow(*row) for row in result]
