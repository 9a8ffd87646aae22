"""One-time links to set a password: forced by an administrator, or a person changing their own.

The link's secret is shown once (to the administrator, or by email once notifications are set up);
only its SHA-256 is stored. Using it, or issuing a newer one, spends it; it expires after a day.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from service.accounts.password_rules import password_problem
from service.accounts.people import NO_PASSWORD, _person, _require_admin
from service.auth.passwords import hash_password, verify_password
from service.cases.errors import FieldProblem, InvalidInput, NotFound
from service.casework import Casework
from service.dao import accounts_dao, users_dao
from service.models import User
from service.people.actors import Actor

LINK_LIFETIME = timedelta(hours=24)
EXPIRED = "This link has expired or has already been used. Ask an administrator for a new one."


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def force_reset(casework: Casework, actor: Actor | None, user_id: int, now: datetime) -> str:
    """The person's password stops working and their sessions end; returns the link's secret."""
    _require_admin(actor)
    token = secrets.token_urlsafe(32)
    with casework.db.transaction() as session:
        user = _person(session, user_id)
        user.password_hash = NO_PASSWORD
        accounts_dao.end_sessions(session, user.id)
        accounts_dao.add_reset(session, user_id=user.id, token_hash=_digest(token),
                               created_by_id=actor.user_id if actor else None, now=now,
                               expires_at=now + LINK_LIFETIME)
        accounts_dao.record_event(session, user.id, "password_reset_forced",
                                  actor_id=actor.user_id if actor else None, now=now,
                                  detail={"expires_at": (now + LINK_LIFETIME).isoformat()})
    return token


def person_for_link(casework: Casework, token: str, now: datetime) -> User:
    with casework.db.reading() as session:
        reset = accounts_dao.get_reset(session, _digest(token))
        if reset is None or reset.used_at is not None or reset.expires_at <= now:
            raise NotFound(EXPIRED)
        user = users_dao.get_user(session, reset.user_id)
    if user is None or not user.active:
        raise NotFound(EXPIRED)
    return user


def complete_reset(casework: Casework, token: str, password: str, confirmation: str, now: datetime) -> User:
    with casework.db.transaction() as session:
        reset = accounts_dao.get_reset_for_update(session, _digest(token))
        if reset is None or reset.used_at is not None or reset.expires_at <= now:
            raise NotFound(EXPIRED)
        user = accounts_dao.get_user_for_update(session, reset.user_id)
        if user is None or not user.active:
            raise NotFound(EXPIRED)
        _check_new_password(user, password, confirmation)
        user.password_hash = hash_password(password)
        user.failed_sign_ins = 0
        user.locked_until = None
        reset.used_at = now
        accounts_dao.end_sessions(session, user.id)
        accounts_dao.record_event(session, user.id, "password_set_from_link", actor_id=user.id, now=now)
    return user


def change_own_password(casework: Casework, actor: Actor, current: str, password: str, confirmation: str,
                        now: datetime) -> None:
    """Ends every session of the person, this one included: they sign in again with the new password."""
    with casework.db.transaction() as session:
        user = accounts_dao.get_user_for_update(session, actor.user_id)
        if user is None or not verify_password(user.password_hash, current):
            raise InvalidInput([FieldProblem("current", "Enter your current password correctly")])
        _check_new_password(user, password, confirmation)
        user.password_hash = hash_password(password)
        accounts_dao.end_sessions(session, user.id)
        accounts_dao.record_event(session, user.id, "password_changed", actor_id=user.id, now=now)


def _check_new_password(user: User, password: str, confirmation: str) -> None:
    problem = password_problem(password, username=user.username, full_name=user.full_name)
    if problem:
        raise InvalidInput([FieldProblem("password", problem)])
    if password != confirmation:
        raise InvalidInput([FieldProblem("confirmation", "Enter the same password twice")])
