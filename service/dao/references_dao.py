from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from service.models import ReferenceCounter


def next_reference_number(session: Session, prefix: str) -> int:
    """The next number for ``prefix``; the row lock serialises concurrent case starts."""
    bumped = session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix)
        .values(last=ReferenceCounter.last + 1)
        .returning(ReferenceCounter.last)
    ).scalar_one_or_none()
    if bumped is not None:
        return bumped
    session.execute(insert(ReferenceCounter).values(prefix=prefix, last=1))
    return session.scalar(select(ReferenceCounter.last).where(ReferenceCounter.prefix == prefix))
