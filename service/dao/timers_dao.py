"""The timer admin page's queries: what is scheduled to fire, and what failed. Rows only, never workflows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service.models import Case, ProcessInstance

PAGE_SIZE = 50


@dataclass(frozen=True)
class WaitingTimerRow:
    instance_id: int
    case_reference: str
    element_id: str
    name: str
    kind: str
    due: datetime


@dataclass(frozen=True)
class ScheduledTimer:
    instance_id: int
    case_reference: str
    waiting_for: str  # the names of what the case waits for, as the case page shows them
    waiting_elements: list[Any]
    due: datetime
    attempts: int
    error: str | None
    timers: list[WaitingTimerRow]  # soonest first


@dataclass(frozen=True)
class TimerPage:
    rows: list[ScheduledTimer]
    total: int
    page: int
    pages: int


def _scheduled() -> Select:
    return (
        select(
            ProcessInstance.id, func.coalesce(Case.reference, ProcessInstance.business_key),
            func.coalesce(Case.stage, ""), ProcessInstance.waiting_elements, ProcessInstance.next_timer_due,
            ProcessInstance.timer_attempts, ProcessInstance.timer_error, ProcessInstance.waiting_timers,
        )
        .outerjoin(Case, Case.instance_id == ProcessInstance.id)
        .where(ProcessInstance.status == "running", ProcessInstance.next_timer_due.is_not(None))
        .order_by(ProcessInstance.next_timer_due, ProcessInstance.id)
    )


def scheduled_timers(session: Session, page: int) -> TimerPage:
    """Every case waiting on a timer, soonest first, a page at a time."""
    total = session.scalar(select(func.count()).select_from(_scheduled().order_by(None).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    result = session.execute(_scheduled().limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return TimerPage([_scheduled_timer(row) for row in result], total, page, pages)


def failed_timers(session: Session, limit: int = 200) -> list[ScheduledTimer]:
    """Timers whose last attempt failed, next retry first."""
    result = session.execute(_scheduled().where(ProcessInstance.timer_error.is_not(None)).limit(limit)).all()
    return [_scheduled_timer(row) for row in result]


def _scheduled_timer(row) -> ScheduledTimer:
    *columns, timers = row
    return ScheduledTimer(*columns, timers=[_waiting(columns[0], columns[1], t) for t in timers or []])


def _waiting(instance_id: int, reference: str, timer: dict[str, Any]) -> WaitingTimerRow:
    return WaitingTimerRow(instance_id, reference, timer["element_id"], timer["name"], timer["kind"],
                           datetime.fromisoformat(timer["due"]))


def waiting_timer(session: Session, instance_id: int, element_id: str) -> WaitingTimerRow | None:
    """One timer a running case waits on, as its row recorded it after the last step."""
    row = session.execute(
        select(func.coalesce(Case.reference, ProcessInstance.business_key), ProcessInstance.waiting_timers)
        .outerjoin(Case, Case.instance_id == ProcessInstance.id)
        .where(ProcessInstance.id == instance_id, ProcessInstance.status == "running")
    ).first()
    if row is None:
        return None
    return next((_waiting(instance_id, row[0], t) for t in row[1] or [] if t.get("element_id") == element_id), None)
