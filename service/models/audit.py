"""The append-only audit log, hash-chained per case.

A single global chain would make every transaction wait for the one before it; each case's events
chain to the previous event of the same case instead, which the writing transaction already holds
through the instance's optimistic lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class AccessLogEntry(Base):
    """Who looked at which case or customer, and when."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_subject", "subject_kind", "subject_reference", "at"),
        Index("ix_access_log_at", "at"),
        Index("ix_access_log_user", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_reference: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("instance_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    seq: Mapped[int]
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_roles: Mapped[list[Any]] = mapped_column(default=list)
    event_type: Mapped[str] = mapped_column(String(60))
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The chain covers a digest of the data, not the data itself, so that retention can erase the
    # personal data in an old event (setting redacted_at) while the chain stays verifiable.
    data_digest: Mapped[str] = mapped_column(String(64))
    redacted_at: Mapped[datetime | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditAnchor(Base):
    """A periodic digest over every case chain's head, itself chained: removing a whole case chain,
    or rewriting one and its head together, no longer goes unnoticed."""

    __tablename__ = "audit_anchors"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime]
    case_count: Mapped[int]
    heads_digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditAnchorHead(Base):
    """A case chain's head as an anchor saw it: kept for every head that changed since the anchor
    before, so verification can prove each one is still in its case chain. No foreign key to the
    instance: the row must outlive a deleted case to show that it was deleted."""

    __tablename__ = "audit_anchor_heads"
    __table_args__ = (UniqueConstraint("instance_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    anchor_id: Mapped[int] = mapped_column(ForeignKey("audit_anchors.id"), index=True)
    instance_id: Mapped[int]
    business_key: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
