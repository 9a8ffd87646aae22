"""The notification outbox: written in the same transaction as the step that causes it, sent by the
worker after commit. A rolled-back step leaves no notice behind; a crash between commit and sending
loses none, because the rows wait for the worker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class Notification(Base):
    """Something happened that people may want to hear about. Recipients are worked out by the worker
    (``expanded_at``), so the step's transaction writes one small row whatever the group's size."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_unexpanded", "id", postgresql_where=text("expanded_at IS NULL"),
                            sqlite_where=text("expanded_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    groups: Mapped[list[Any]] = mapped_column(default=list)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Notices the worker finds itself (overdue, review due) are written once: the key is unique.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime]
    expanded_at: Mapped[datetime | None]


class Delivery(Base):
    """One notice to one person (or the organisation's webhook) by one channel."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (Index("ix_notification_deliveries_waiting", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20))
    # pending, digest (waits for the person's digest time), sending, sent, failed, undeliverable
    status: Mapped[str] = mapped_column(String(20), default="pending")
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class NotificationSettings(Base):
    """What one person chooses to receive. No row: the defaults (everything, group tasks one by one)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kinds: Mapped[list[Any]] = mapped_column(default=list)
    group_tasks: Mapped[str] = mapped_column(String(20), default="each")  # each, digest, off
    digest_time: Mapped[str] = mapped_column(String(5), default="08:00")  # HH:MM, London time
