"""Who looked at which case or customer record, and when. Rows are only ever inserted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import AccessLogEntry


def add_entry(session: Session, *, user_id: int, kind: str, reference: str, at: datetime) -> None:
    session.add(AccessLogEntry(user_id=user_id, subject_kind=kind, subject_reference=reference, at=at))


def list_entries(session: Session, kind: str, reference: str, limit: int = 200) -> Sequence[AccessLogEntry]:
    return session.scalars(
        select(AccessLogEntry)
        .where(AccessLogEntry.subject_kind == kind, AccessLogEntry.subject_reference == reference)
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
        .limit(limit)
    ).all()
