from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import User


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.full_name)).all()


def add_user(
    session: Session, *, username: str, full_name: str, password_hash: str, roles: list[str], job_title: str,
    now: datetime,
) -> User:
    user = User(
        username=username, full_name=full_name, password_hash=password_hash, roles=sorted(set(roles)),
        job_title=job_title, created_at=now,
    )
    session.add(user)
    session.flush()
    return user
