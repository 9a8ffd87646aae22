"""Customer letters, stored as evidence: bytes, hash, template version and the data behind them.

A sent letter never changes: the ORM refuses any flush that would update or delete a sent row
(``LetterAlreadySent``), and database triggers (see the migrations) refuse UPDATE and DELETE of a
sent row from anywhere else. The one change both allow is the one-way anonymisation that retention
requires, which keeps every column in ``KEPT_ON_ANONYMISATION``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, event, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, JsonText

# What anonymisation may never change on a sent letter (the database triggers keep the same list).
KEPT_ON_ANONYMISATION = (
    "id", "case_id", "kind", "status", "template_version", "generated_by_id", "generated_at", "sent_by_id",
    "sent_at", "sent_method", "translation_of_id", "task_id",
)


class LetterAlreadySent(RuntimeError):
    """A sent letter is evidence: it is never changed, replaced or deleted."""

    def __init__(self, letter_id: int | None) -> None:
        super().__init__(
            f"Letter {letter_id} has been sent, so it can never be changed or deleted. Make a new draft instead."
        )
        self.letter_id = letter_id


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
    # The task a draft was made in, or the "Attach the translated letter" task a translation came from.
    task_id: Mapped[str | None] = mapped_column(ForeignKey("human_tasks.id"), index=True)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None]
    sent_method: Mapped[str | None] = mapped_column(String(80))
    anonymised_at: Mapped[datetime | None]


@event.listens_for(Letter, "before_update")
def _refuse_changing_a_sent_letter(mapper, connection, letter: Letter) -> None:
    status, anonymised_at = _stored(connection, letter.id)
    if status != "sent":
        return
    changed = {attr.key for attr in inspect(letter).attrs if attr.history.has_changes()}
    anonymising = anonymised_at is None and letter.anonymised_at is not None
    if not anonymising or changed & set(KEPT_ON_ANONYMISATION):
        raise LetterAlreadySent(letter.id)


@event.listens_for(Letter, "before_delete")
def _refuse_deleting_a_sent_letter(mapper, connection, letter: Letter) -> None:
    if _stored(connection, letter.id)[0] == "sent":
        raise LetterAlreadySent(letter.id)


def _stored(connection, letter_id: int) -> tuple[str | None, datetime | None]:
    # Read the row itself, not the object: the object's loaded state may be stale or expired.
    table = Letter.__table__
    row = connection.execute(select(table.c.status, table.c.anonymised_at).where(table.c.id == letter_id)).first()
    return (row.status, row.anonymised_at) if row else (None, None)
