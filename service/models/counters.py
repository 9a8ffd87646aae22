"""Per-year counters for human-readable case references (UB-2026-0042)."""

from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class ReferenceCounter(Base):
    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
