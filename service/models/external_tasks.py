"""External tasks: work a case waits on while a worker outside the engine does it (Camunda 7's model).

A row is made when a case reaches an external element and keeps the spiff task's id, so the worker's
completion finds its way back to the exact waiting task. Locks are a worker id and an expiry; a lock
that has expired is simply free again. Completed and cancelled rows stay as the task's history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base

EXTERNAL_TASK_STATUSES = ("open", "completed", "cancelled")


class ExternalTask(Base):
    __tablename__ = "external_tasks"
    __table_args__ = (
        # fetchAndLock's candidates: open tasks of a topic, most urgent first (partial: open ones only).
        Index("ix_external_tasks_open_by_topic", "topic", "priority", "created_at",
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the waiting spiff task's id
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    element_id: Mapped[str] = mapped_column(String(200))
    element_name: Mapped[str] = mapped_column(String(300), default="")
    topic: Mapped[str] = mapped_column(String(200))
    priority: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="open")
    worker_id: Mapped[str | None] = mapped_column(String(255))
    lock_expires_at: Mapped[datetime | None]
    retries: Mapped[int | None]  # None until a worker first reports a failure, as in Camunda
    available_at: Mapped[datetime | None]  # after a failure with a retryTimeout: not fetched before this
    error_message: Mapped[str | None] = mapped_column(Text)
    error_details: Mapped[str | None] = mapped_column(Text)
    local_variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
