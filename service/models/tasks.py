"""One row per user task instance: what the inbox and every list view read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base

_OPEN = "status = 'open'"
_UNCLAIMED = "status = 'open' AND assignee_id IS NULL"


def _where(condition: str) -> dict:
    return {"postgresql_where": text(condition), "sqlite_where": text(condition)}


class HumanTask(Base):
    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_instance", "instance_id", "status"),
        Index("ix_human_tasks_status_due", "status", "due_at"),
        # The inbox's: open tasks only, in its order (migration 0006).
        Index("ix_human_tasks_open_by_due", "due_at", "created_at", "id", **_where(_OPEN)),
        Index("ix_human_tasks_open_by_assignee", "assignee_id", "due_at", "created_at", "id", **_where(_OPEN)),
        Index("ix_human_tasks_unclaimed_by_due", "due_at", "created_at", "id", **_where(_UNCLAIMED)),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(200))
    form_key: Mapped[str | None] = mapped_column(String(200))
    candidate_groups: Mapped[list[Any]] = mapped_column(default=list)
    # Usernames named by camunda:candidateUsers, as written (for display); the inbox reads the rows below.
    candidate_users: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="open")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime | None]
    # From camunda:priority and camunda:followUpDate; the holder can snooze a task to a later follow-up.
    priority: Mapped[int] = mapped_column(default=50)
    follow_up_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict[str, Any] | None]


class HumanTaskGroup(Base):
    """Which role groups may claim a task; a row per group so the inbox query can use an index."""

    __tablename__ = "human_task_groups"
    __table_args__ = (Index("ix_human_task_groups_group", "group_name", "task_id"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("human_tasks.id"), primary_key=True)
    group_name: Mapped[str] = mapped_column(String(80), primary_key=True)


class HumanTaskUser(Base):
    """People a task is offered to by name (``camunda:candidateUsers``), whatever their groups."""

    __tablename__ = "human_task_users"
    __table_args__ = (Index("ix_human_task_users_user", "user_id", "task_id"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("human_tasks.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class TaskReassignment(Base):
    __tablename__ = "task_reassignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("human_tasks.id"))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class SavedInboxFilter(Base):
    """A person's named inbox view: the tab, filters and sort as URL parameters."""

    __tablename__ = "saved_inbox_filters"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
