"""Platform incidents: rows only. The service module (``cases.incidents``) chains the audit events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from service.models import Case, ProcessIncident, ProcessInstance

PAGE_SIZE = 50


@dataclass(frozen=True)
class IncidentRow:
    incident: ProcessIncident
    case_reference: str


@dataclass(frozen=True)
class IncidentPage:
    rows: list[IncidentRow]
    total: int
    page: int
    pages: int


def find_open(session: Session, instance_id: int, kind: str, element_id: str) -> ProcessIncident | None:
    return session.scalar(select(ProcessIncident).where(
        ProcessIncident.instance_id == instance_id, ProcessIncident.kind == kind,
        ProcessIncident.element_id == element_id, ProcessIncident.status == "open",
    ))


def add(session: Session, incident: ProcessIncident) -> ProcessIncident:
    session.add(incident)
    session.flush()
    return incident


def get(session: Session, incident_id: int, *, for_update: bool = False) -> ProcessIncident | None:
    query = select(ProcessIncident).where(ProcessIncident.id == incident_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalar(query)


def seen_again(session: Session, incident: ProcessIncident, message: str, details: dict[str, Any],
               now: datetime) -> None:
    incident.occurrences += 1
    incident.message = message
    incident.details = details
    incident.last_seen_at = now
    session.flush()


def close(session: Session, incident: ProcessIncident, *, resolution: str, by_id: int | None, now: datetime) -> bool:
    """Mark an open incident resolved; False if someone else closed it first (nothing changed)."""
    result = session.execute(
        update(ProcessIncident)
        .where(ProcessIncident.id == incident.id, ProcessIncident.status == "open")
        .values(status="resolved", resolution=resolution, resolved_by_id=by_id, resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    session.refresh(incident)
    return True


def open_of_instance(session: Session, instance_id: int, kind: str | None = None) -> Sequence[ProcessIncident]:
    query = select(ProcessIncident).where(ProcessIncident.instance_id == instance_id,
                                          ProcessIncident.status == "open")
    if kind is not None:
        query = query.where(ProcessIncident.kind == kind)
    return session.scalars(query.order_by(ProcessIncident.id)).all()


def of_instance(session: Session, instance_id: int) -> Sequence[ProcessIncident]:
    """Every incident of one case, open first, newest first."""
    return session.scalars(
        select(ProcessIncident).where(ProcessIncident.instance_id == instance_id)
        .order_by((ProcessIncident.status == "open").desc(), ProcessIncident.opened_at.desc(),
                  ProcessIncident.id.desc())
    ).all()


def _listing(status: str | None, kind: str | None) -> Select:
    query = (
        select(ProcessIncident, func.coalesce(Case.reference, ProcessInstance.business_key))
        .join(ProcessInstance, ProcessInstance.id == ProcessIncident.instance_id)
        .outerjoin(Case, Case.instance_id == ProcessInstance.id)
    )
    if status is not None:
        query = query.where(ProcessIncident.status == status)
    if kind is not None:
        query = query.where(ProcessIncident.kind == kind)
    return query


def page_of(session: Session, page: int, *, status: str | None = "open", kind: str | None = None,
            page_size: int = PAGE_SIZE) -> IncidentPage:
    """Incidents, oldest open first (the longest-waiting problem at the top), a page at a time."""
    base = _listing(status, kind)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = session.execute(
        base.order_by(ProcessIncident.opened_at, ProcessIncident.id).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return IncidentPage([IncidentRow(incident, reference) for incident, reference in rows], total, page, pages)


def count_open_by_kind(session: Session) -> dict[str, int]:
    rows = session.execute(select(ProcessIncident.kind, func.count()).where(ProcessIncident.status == "open")
                           .group_by(ProcessIncident.kind))
    return {kind: count for kind, count in rows}
