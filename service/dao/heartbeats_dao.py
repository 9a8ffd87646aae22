"""Worker heartbeats: one row per background process, rewritten after each round of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from service.models import WorkerHeartbeat


def record_beat(session: Session, *, worker_id: str, kind: str, hostname: str, pid: int, started_at: datetime,
                now: datetime, details: dict[str, Any]) -> None:
    changed = session.execute(
        update(WorkerHeartbeat).where(WorkerHeartbeat.worker_id == worker_id).values(beat_at=now, details=details)
    ).rowcount
    if not changed:
        session.execute(insert(WorkerHeartbeat).values(
            worker_id=worker_id, kind=kind, hostname=hostname, pid=pid, started_at=started_at, beat_at=now,
            details=details,
        ))


def latest_beat(session: Session, kind: str, hostname: str | None = None) -> datetime | None:
    """When any worker of ``kind`` (on ``hostname``, if given) last reported."""
    query = select(func.max(WorkerHeartbeat.beat_at)).where(WorkerHeartbeat.kind == kind)
    if hostname is not None:
        query = query.where(WorkerHeartbeat.hostname == hostname)
    return session.scalar(query)


def latest_beats_by_kind(session: Session) -> dict[str, datetime]:
    rows = session.execute(select(WorkerHeartbeat.kind, func.max(WorkerHeartbeat.beat_at))
                           .group_by(WorkerHeartbeat.kind)).all()
    return dict(rows)
