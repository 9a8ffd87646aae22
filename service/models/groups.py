"""Groups of people, kept as data: who works which task is decided by group, not by code.

A user task names its candidate groups (``camunda:candidateGroups``) or sits in a lane that maps to
a group; the inbox offers it to the members. The groups a pack seeds (``Pack.groups``) can also be given
as roles (``account_roles``): holding the role makes a person a member of the group of the same name, so
accounts made before groups existed keep their work (see ``service/people/groups.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What a diagram writes in camunda:candidateGroups: stable, lower case, no spaces.
    name: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class GroupMember(Base):
    __tablename__ = "group_members"
    __table_args__ = (Index("ix_group_members_user", "user_id", "group_id"),)

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    added_at: Mapped[datetime]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
