"""Worker heartbeats: one row per worker process, written after each poll."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import WorkerHeartbeat


def beat(session: Session, name: str, now: datetime, handled: int) -> None:
    row = session.get(WorkerHeartbeat, name)
    if row is None:
        session.add(WorkerHeartbeat(name=name, progressed_at=now, timers_handled=handled))
    else:
        row.progressed_at, row.timers_handled = now, handled


def latest_progress(session: Session) -> datetime | None:
    """When any worker last made progress (None: no worker has ever run)."""
    return session.scalar(select(func.max(WorkerHeartbeat.progressed_at)))


def forget(session: Session, name: str) -> None:
    row = session.get(WorkerHeartbeat, name)
    if row is not None:
        session.delete(row)
