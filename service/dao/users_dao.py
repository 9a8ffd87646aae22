from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from service.models import User


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


_BY_USERNAME = select(User).where(User.username == bindparam("username"))  # built once: on the write path


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(_BY_USERNAME, {"username": username})


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


def names_by_id(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def list_active_users_holding(session: Session, roles: Iterable[str]) -> list[User]:
    """Active people holding any of ``roles`` (roles are a JSON list, so they are matched here)."""
    wanted = set(roles)
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)).all()
    return [u for u in users if wanted & set(u.roles) and not getattr(u, "is_service_account", False)]
