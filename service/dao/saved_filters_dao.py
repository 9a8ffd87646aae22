"""A person's saved inbox filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.models import SavedInboxFilter


def list_for(session: Session, user_id: int) -> Sequence[SavedInboxFilter]:
    return session.scalars(select(SavedInboxFilter).where(SavedInboxFilter.user_id == user_id)
                           .order_by(SavedInboxFilter.name)).all()


def save(session: Session, user_id: int, name: str, query: dict[str, Any], now: datetime) -> None:
    """Saving under a name already used replaces that filter."""
    existing = session.scalar(select(SavedInboxFilter).where(SavedInboxFilter.user_id == user_id,
                                                             SavedInboxFilter.name == name))
    if existing is not None:
        existing.query = query
        return
    session.add(SavedInboxFilter(user_id=user_id, name=name, query=query, created_at=now))


def remove(session: Session, user_id: int, filter_id: int) -> int:
    return session.execute(delete(SavedInboxFilter).where(SavedInboxFilter.id == filter_id,
                                                          SavedInboxFilter.user_id == user_id)).rowcount
