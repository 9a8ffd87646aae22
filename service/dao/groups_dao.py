"""Groups and their members. A role of the same name as a group counts as membership (see the model)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.models import Group, GroupMember, User


def get_group_by_name(session: Session, name: str) -> Group | None:
    return session.scalar(select(Group).where(Group.name == name))


def list_groups(session: Session) -> Sequence[Group]:
    return session.scalars(select(Group).order_by(Group.label, Group.name)).all()


def add_group(session: Session, *, name: str, label: str, description: str, now: datetime) -> Group:
    group = Group(name=name, label=label, description=description, created_at=now)
    session.add(group)
    session.flush()
    return group


def is_member(session: Session, group_id: int, user_id: int) -> bool:
    found = session.scalar(
        select(GroupMember.user_id).where(GroupMember.group_id == group_id, GroupMember.user_id == user_id)
    )
    return found is not None


def add_member(session: Session, group_id: int, user_id: int, *, added_by_id: int | None, now: datetime) -> None:
    session.add(GroupMember(group_id=group_id, user_id=user_id, added_by_id=added_by_id, added_at=now))
    session.flush()


def remove_member(session: Session, group_id: int, user_id: int) -> int:
    result = session.execute(
        delete(GroupMember).where(GroupMember.group_id == group_id, GroupMember.user_id == user_id)
    )
    return result.rowcount


def explicit_members(session: Session, group_id: int) -> Sequence[User]:
    return session.scalars(
        select(User).join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group_id).order_by(User.full_name)
    ).all()


def group_names_of_user(session: Session, user_id: int) -> list[str]:
    return list(session.scalars(
        select(Group.name).join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user_id).order_by(Group.name)
    ))


def member_ids_by_group(session: Session, names: Iterable[str] | None = None) -> dict[str, set[int]]:
    """Group name -> ids of the people added to it (every group when ``names`` is None)."""
    query = select(Group.name, GroupMember.user_id).join(GroupMember, GroupMember.group_id == Group.id)
    if names is not None:
        query = query.where(Group.name.in_(list(set(names))))
    found: dict[str, set[int]] = {}
    for name, user_id in session.execute(query):
        found.setdefault(name, set()).add(user_id)
    return found


def user_ids_in_groups(session: Session, names: Iterable[str]) -> set[int]:
    wanted = list(set(names))
    if not wanted:
        return set()
    return set(session.scalars(
        select(GroupMember.user_id).join(Group, Group.id == GroupMember.group_id).where(Group.name.in_(wanted))
    ))


def find_groups(session: Session, names_or_labels: Iterable[str]) -> Sequence[Group]:
    """Groups whose name or label is one of these, compared without case (how a lane names its group)."""
    wanted = [value.strip().lower() for value in names_or_labels if value and value.strip()]
    if not wanted:
        return []
    return session.scalars(
        select(Group).where(func.lower(Group.name).in_(wanted) | func.lower(Group.label).in_(wanted))
    ).all()
