from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.models import Letter


class LetterAlreadySent(RuntimeError):
    """A sent letter is evidence: it is never changed or replaced."""


def get_letter(session: Session, letter_id: int) -> Letter | None:
    return session.get(Letter, letter_id)


def list_letters_of_case(session: Session, case_id: int) -> Sequence[Letter]:
    return session.scalars(
        select(Letter).where(Letter.case_id == case_id).order_by(Letter.generated_at, Letter.id)
    ).all()


def add_letter(session: Session, letter: Letter) -> Letter:
    session.add(letter)
    session.flush()
    return letter


def mark_sent(session: Session, letter_id: int, *, sent_by_id: int, sent_at: datetime, method: str) -> None:
    result = session.execute(
        update(Letter)
        .where(Letter.id == letter_id, Letter.status == "draft")
        .values(status="sent", sent_by_id=sent_by_id, sent_at=sent_at, sent_method=method)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LetterAlreadySent(letter_id)
