"""Reads for the auditor's case history: the path data of events, and how many events there are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import AuditEvent


def list_event_data(session: Session, instance_id: int) -> Sequence[dict[str, Any]]:
    """Each event's data, in sequence (the path each step took rides on its first event)."""
    return session.scalars(
        select(AuditEvent.data).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)
    ).all()


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0
