"""Platform incidents: something in a running case that the engine could not do and a person must look at.

These are the process platform's own problems (a pack may keep records it also calls incidents), such as
a timer that cannot fire or an external task whose worker gave up. One open incident per case, kind and BPMN
element; repeats update it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base

INCIDENT_KINDS = ("timer", "external_task", "script", "step_budget", "state_migration", "message")
INCIDENT_STATUSES = ("open", "resolved")


class ProcessIncident(Base):
    __tablename__ = "process_incidents"
    __table_args__ = (
        # One open incident per instance, kind and element: the dedupe key, enforced by the database.
        Index("uq_process_incidents_open", "instance_id", "kind", "element_id", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
        Index("ix_process_incidents_status_opened", "status", "opened_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(40))
    element_id: Mapped[str] = mapped_column(String(200), default="")  # "" when no single element is at fault
    message: Mapped[str] = mapped_column(Text)  # safe to show administrators: no stack trace, no case data
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="open")
    occurrences: Mapped[int] = mapped_column(default=1)
    opened_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str] = mapped_column(String(40), default="")  # retried | resolved | fixed_itself
