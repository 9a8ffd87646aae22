"""How many cases passed each element of a process version, counted by the database from the path
each step recorded on its audit event (``data.path.completed``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, func, select, true
from sqlalchemy.orm import Session

from service.models import AuditEvent, ProcessInstance, ProcessVersion


@dataclass(frozen=True)
class VersionUse:
    id: int
    process_id: str
    version: int
    name: str
    deployed_at: datetime
    comment: str
    cases: int


def cases_passing_each_element(session: Session, version_id: int) -> dict[str, int]:
    if session.get_bind().dialect.name == "postgresql":
        completed = func.jsonb_array_elements_text(AuditEvent.data["path"]["completed"]).table_valued("value")
        element = completed.c.value
    else:
        completed = func.json_each(AuditEvent.data, "$.path.completed").table_valued("value")
        element = cast(completed.c.value, String)
    rows = session.execute(
        select(element, func.count(AuditEvent.instance_id.distinct()))
        .select_from(AuditEvent)
        .join(ProcessInstance, ProcessInstance.id == AuditEvent.instance_id)
        .join(completed, true())
        .where(ProcessInstance.process_version_id == version_id)
        .group_by(element)
    )
    return dict(rows.all())


def list_versions_in_use(session: Session) -> Sequence[VersionUse]:
    """Every deployed version, newest first within each process, with how many cases run on it."""
    cases = (
        select(ProcessInstance.process_version_id, func.count().label("cases"))
        .group_by(ProcessInstance.process_version_id).subquery()
    )
    rows = session.execute(
        select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.version, ProcessVersion.name,
               ProcessVersion.deployed_at, ProcessVersion.comment, func.coalesce(cases.c.cases, 0))
        .outerjoin(cases, cases.c.process_version_id == ProcessVersion.id)
        .order_by(ProcessVersion.process_id, ProcessVersion.version.desc())
    )
    return [VersionUse(*row) for row in rows]
