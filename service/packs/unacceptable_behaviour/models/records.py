"""The policy's records on a case: incidents, reasonable adjustments and restrictions.

These are kept in tables, not only inside workflow state, so the restriction register, the
customer banner and the reports can be read without loading a workflow.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base

RESTRICTION_STATUSES = ("active", "lifted_on_appeal", "varied", "expired", "extended")


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    occurred_at: Mapped[datetime]
    channels: Mapped[list[Any]] = mapped_column(default=list)
    categories: Mapped[list[Any]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]


class Adjustment(Base):
    """Reasonable adjustments considered, offered and agreed on a case."""

    __tablename__ = "adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    letter_format: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]


class Restriction(Base):
    """One management intervention imposed on a customer, from the decision letter's date."""

    __tablename__ = "restrictions"
    __table_args__ = (Index("ix_restrictions_customer_status", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(30), default="active")
    reasons: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
