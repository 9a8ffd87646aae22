"""Letters: drafts come and go; a sent letter is evidence and never changes.

Every function here that could change a letter refuses a sent one with ``LetterAlreadySent``; so
does any ORM flush (see the pack's ``models.letters``), before the database triggers would.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session, defer

from service.packs.unacceptable_behaviour.models import Letter
from service.packs.unacceptable_behaviour.models.letters import LetterAlreadySent


def get_letter(session: Session, letter_id: int) -> Letter | None:
    return session.get(Letter, letter_id)


def list_letters_of_case(session: Session, case_id: int) -> Sequence[Letter]:
    return session.scalars(
        select(Letter).where(Letter.case_id == case_id).order_by(Letter.generated_at, Letter.id)
    ).all()


def list_drafts_of_task(session: Session, task_id: str) -> Sequence[Letter]:
    """The drafts made in a task, newest first, without their content (a page lists them)."""
    return session.scalars(
        select(Letter).where(Letter.task_id == task_id, Letter.status == "draft")
        .order_by(Letter.generated_at.desc(), Letter.id.desc()).options(defer(Letter.content))
    ).all()


def latest_sent_original(session: Session, case_id: int) -> Letter | None:
    """The English letter most recently sent on a case (what a translation is a translation of), without its content."""
    return session.scalars(
        select(Letter).where(Letter.case_id == case_id, Letter.status == "sent", Letter.translation_of_id.is_(None))
        .order_by(Letter.sent_at.desc(), Letter.id.desc()).limit(1).options(defer(Letter.content))
    ).first()


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


def delete_draft(session: Session, letter: Letter) -> None:
    """Remove a draft nobody needs any more; a sent letter is refused."""
    refuse_if_sent(letter)
    session.delete(letter)
    session.flush()


def refuse_if_sent(letter: Letter) -> None:
    state = inspect(letter)
    status = state.committed_state.get("status", letter.status)
    if status == "sent":
        raise LetterAlreadySent(letter.id)


def list_letters_without_content(session: Session, case_id: int) -> Sequence[Letter]:
    return session.scalars(
        select(Letter).options(defer(Letter.content))
        .where(Letter.case_id == case_id).order_by(Letter.generated_at, Letter.id)
    ).all()

