"""The figures operators watch, read from the rows the write path keeps (never from workflow state).

Each query is a count or a minimum over an indexed column, so a scrape every few seconds stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.dao import heartbeats_dao, incidents_dao
from service.models import AuditAnchor, HumanTask, ProcessInstance


@dataclass(frozen=True)
class OperationalFigures:
    open_tasks: int
    overdue_tasks: int
    running_instances: int
    due_timers: int
    failed_timers: int
    oldest_due_timer: datetime | None
    latest_anchor_at: datetime | None
    latest_beats: dict[str, datetime]
    open_incidents: dict[str, int]


def operational_figures(session: Session, now: datetime) -> OperationalFigures:
    is_open = HumanTask.status == "open"
    running = ProcessInstance.status == "running"
    due = running & (ProcessInstance.next_timer_due <= now)
    return OperationalFigures(
        open_tasks=session.scalar(select(func.count()).where(is_open)) or 0,
        overdue_tasks=session.scalar(select(func.count()).where(is_open, HumanTask.due_at < now)) or 0,
        running_instances=session.scalar(select(func.count()).where(running)) or 0,
        due_timers=session.scalar(select(func.count()).where(due)) or 0,
        failed_timers=session.scalar(select(func.count()).where(running, ProcessInstance.timer_error.is_not(None)))
        or 0,
        oldest_due_timer=session.scalar(select(func.min(ProcessInstance.next_timer_due)).where(due)),
        latest_anchor_at=session.scalar(select(func.max(AuditAnchor.at))),
        latest_beats=heartbeats_dao.latest_beats_by_kind(session),
        open_incidents=incidents_dao.count_open_by_kind(session),
    )
