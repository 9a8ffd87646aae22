from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from service.models import User


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


_ASSIGNABLE = select(User.id, User.roles).where(User.username == bindparam("username"), User.active.is_(True))


def get_active_user_roles(session: Session, username: str) -> tuple[int, list[str]] | None:
    """(id, roles) of an active account, or None: the write path's lookup for a task's named assignee,
    as plain columns from a statement built once."""
    row = session.execute(_ASSIGNABLE, {"username": username}).first()
    return (row.id, list(row.roles)) if row else None


def get_active_user_roles_by_id(session: Session, user_id: int) -> list[str] | None:
    row = session.execute(select(User.roles).where(User.id == user_id, User.active.is_(True))).first()
    return list(row.roles) if row else None


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


def ids_by_username(session: Session, usernames: Iterable[str]) -> dict[str, int]:
    """Active accounts among ``usernames``: how a task named for people finds them."""
    wanted = {name for name in usernames if name}
    if not wanted:
        return {}
    rows = session.execute(select(User.username, User.id).where(User.username.in_(wanted), User.active.is_(True)))
    return {username: user_id for username, user_id in rows}
