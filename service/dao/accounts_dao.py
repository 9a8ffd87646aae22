"""Account changes, the account audit trail and password reset links."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.models import AccountEvent, PasswordReset, User


def record_event(session: Session, user_id: int, event_type: str, *, actor_id: int | None, now: datetime,
                 detail: dict[str, Any] | None = None) -> None:
    session.add(AccountEvent(user_id=user_id, at=now, actor_id=actor_id, event_type=event_type,
                             detail=detail or {}))


def list_events(session: Session, user_id: int, limit: int = 200) -> Sequence[AccountEvent]:
    return session.scalars(
        select(AccountEvent).where(AccountEvent.user_id == user_id)
        .order_by(AccountEvent.at.desc(), AccountEvent.id.desc()).limit(limit)
    ).all()


def get_user_for_update(session: Session, user_id: int) -> User | None:
    return session.scalar(select(User).where(User.id == user_id).with_for_update())


def end_sessions(session: Session, user_id: int) -> None:
    """Every session cookie issued so far stops working at its next request."""
    session.execute(update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1))


def list_people(session: Session, *, include_service_accounts: bool = False) -> Sequence[User]:
    query = select(User).order_by(User.active.desc(), User.full_name)
    if not include_service_accounts:
        query = query.where(User.is_service_account.is_(False))
    return session.scalars(query).all()


def list_locked(session: Session, now: datetime) -> Sequence[User]:
    return session.scalars(select(User).where(User.locked_until > now).order_by(User.full_name)).all()


def add_reset(session: Session, *, user_id: int, token_hash: str, created_by_id: int | None, now: datetime,
              expires_at: datetime) -> PasswordReset:
    # A new link replaces any earlier one still waiting.
    session.execute(update(PasswordReset).where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
                    .values(used_at=now))
    reset = PasswordReset(user_id=user_id, token_hash=token_hash, created_by_id=created_by_id, created_at=now,
                          expires_at=expires_at)
    session.add(reset)
    session.flush()
    return reset


def get_reset_for_update(session: Session, token_hash: str) -> PasswordReset | None:
    return session.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash).with_for_update())


def get_reset(session: Session, token_hash: str) -> PasswordReset | None:
    return session.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash))
