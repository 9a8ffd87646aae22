"""Who looked at which case or customer record, and when. Rows are only ever inserted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from service.models import AccessLogEntry, User


def add_entry(session: Session, *, user_id: int, kind: str, reference: str, at: datetime) -> None:
    session.add(AccessLogEntry(user_id=user_id, subject_kind=kind, subject_reference=reference, at=at))


@dataclass(frozen=True)
class AccessFilters:
    user_id: int | None = None
    kind: str | None = None
    reference: str | None = None  # a case or customer reference; a case's letters are "<case>/<letter id>"
    since: datetime | None = None
    before: datetime | None = None


def page_of_entries(session: Session, filters: AccessFilters, *, page: int,
                    size: int) -> tuple[list[tuple[AccessLogEntry, str]], int]:
    """Matching entries, newest first, with the name of who looked; and how many match in all."""
    query = select(AccessLogEntry, User.full_name).join(User, User.id == AccessLogEntry.user_id)
    if filters.user_id:
        query = query.where(AccessLogEntry.user_id == filters.user_id)
    if filters.kind:
        query = query.where(AccessLogEntry.subject_kind == filters.kind)
    if filters.reference:
        reference = filters.reference.upper()
        query = query.where(or_(AccessLogEntry.subject_reference == reference,
                                AccessLogEntry.subject_reference.startswith(f"{reference}/", autoescape=True)))
    if filters.since:
        query = query.where(AccessLogEntry.at >= filters.since)
    if filters.before:
        query = query.where(AccessLogEntry.at < filters.before)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(
        query.order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()).limit(size).offset((page - 1) * size)
    )
    return [(entry, name) for entry, name in rows], total
