"""Customers: the people whose behaviour a case is about."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[list[Any]] = mapped_column(default=list)
    contact_notes: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(320), default="", server_default="")
    # How the customer prefers to receive letters: "post", "email" or "" (not said).
    preferred_channel: Mapped[str] = mapped_column(String(20), default="", server_default="")
    created_at: Mapped[datetime]
    anonymised_at: Mapped[datetime | None]


class CaseCustomer(Base):
    """Which customer a policy case is about: one per case; a customer may have had several cases. The link
    is the pack's, so the platform's ``cases`` table knows nothing of customers."""

    __tablename__ = "case_customers"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
