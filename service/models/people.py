"""Staff accounts, their roles, and what an administrator or a sign-in did to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class User(Base):
    __tablename__ = "users"
    __table_args__ = (Index("ix_users_external_id", "external_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)
    is_service_account: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    # Every session cookie carries the epoch it was issued in; raising it (sign-out, password change,
    # deactivation) ends every copy of every session at once, on every server, because each request
    # compares the cookie with this column.
    session_epoch: Mapped[int] = mapped_column(default=0)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    # The stable identifier from the single sign-on provider (Entra ID's oid, otherwise sub).
    external_id: Mapped[str | None] = mapped_column(String(200))

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


class AccountEvent(Base):
    """The account audit trail: every change to an account, lockouts and password resets."""

    __tablename__ = "account_events"
    __table_args__ = (Index("ix_account_events_user", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    event_type: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PasswordReset(Base):
    """A one-time link to set a new password. Only a hash of its secret is kept."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
