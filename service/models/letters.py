"""Customer letters, stored as evidence: bytes, hash, template version and the data behind them.

A sent letter never changes: the service refuses it, and database triggers (see the migration)
refuse UPDATE and DELETE of a sent row, except the one-way anonymisation that retention requires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, JsonText


class Letter(Base):
    __tablename__ = "letters"
    __table_args__ = (Index("ix_letters_case", "case_id", "generated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    media_type: Mapped[str] = mapped_column(String(80), default="application/pdf")
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[str] = mapped_column(String(40))
    rendered_from: Mapped[dict[str, Any]] = mapped_column(JsonText)
    letter_format: Mapped[dict[str, Any]] = mapped_column(default=dict)
    language: Mapped[str | None] = mapped_column(String(80))
    translation_of_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None]
    sent_method: Mapped[str | None] = mapped_column(String(80))
    anonymised_at: Mapped[datetime | None]
