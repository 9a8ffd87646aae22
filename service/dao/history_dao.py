"""Reads for the auditor's case history: letters without their bytes, and the path data of events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from service.models import AuditEvent, Letter


def list_letters_without_content(session: Session, case_id: int) -> Sequence[Letter]:
    return session.scalars(
        select(Letter).options(defer(Letter.content))
        .where(Letter.case_id == case_id).order_by(Letter.generated_at, Letter.id)
    ).all()


def list_event_data(session: Session, instance_id: int) -> Sequence[dict[str, Any]]:
    """Each event's data, in sequence (the path each step took rides on its first event)."""
    return session.scalars(
        select(AuditEvent.data).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)
    ).all()


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0
