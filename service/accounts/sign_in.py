"""Checking a password at sign-in, with the account locked for a while after repeated failures.

Only failures count: a person who signs in successfully many times a day is never slowed down.
A lockout is written to the account audit trail and shown to administrators on the people page
(and sent to them as a notification where notifications are set up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from service.auth.passwords import verify_password
from service.casework import Casework
from service.dao import accounts_dao, users_dao
from service.models import User
from service.notifications import outbox
from service.people.actors import Actor
from service.people.groups import actor_of


@dataclass(frozen=True)
class Lockout:
    after_failures: int = 5
    lasts: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked: bool = False
    just_locked: bool = False


def check_password(casework: Casework, username: str, password: str, now: datetime, lockout: Lockout) -> SignInResult:
    with casework.db.reading() as session:
        user = users_dao.get_user_by_username(session, username) if username else None
    # Verify even for unknown usernames (against a dummy hash) so timing reveals nothing.
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not user.active or user.is_service_account:
        return SignInResult(None)
    with casework.db.transaction() as session:
        user = accounts_dao.get_user_for_update(session, user.id)
        if user.locked_until is not None and user.locked_until > now:
            return SignInResult(None, locked=True)
        if valid:
            user.failed_sign_ins = 0
            user.locked_until = None
            user.last_sign_in_at = now
            return SignInResult(user)
        user.failed_sign_ins += 1
        if user.failed_sign_ins < lockout.after_failures:
            return SignInResult(None)
        user.failed_sign_ins = 0
        user.locked_until = now + lockout.lasts
        accounts_dao.record_event(session, user.id, "locked", actor_id=None, now=now,
                                  detail={"until": user.locked_until.isoformat(),
                                          "failures": lockout.after_failures})
        outbox.account_locked(session, user.id, now)
        return SignInResult(None, locked=True, just_locked=True)


def signed_in_account(casework: Casework, user_id: int) -> tuple[User | None, Actor | None]:
    """The account a session cookie names, and who it acts as (None if deactivated), read on every request."""
    with casework.db.reading() as session:
        user = users_dao.get_user(session, user_id)
        return user, actor_of(session, user) if user is not None and user.active else None


def end_sessions(casework: Casework, user_id: int) -> None:
    """Sign-out: raise the account's session epoch, so every copy of its cookie stops working on every server."""
    with casework.db.transaction() as session:
        accounts_dao.end_sessions(session, user_id)
