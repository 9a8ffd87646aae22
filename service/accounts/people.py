"""People administration: create, deactivate, reactivate, change roles or email, unlock. Every change is
written to the account audit trail in the same transaction as the change itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from service.accounts.password_rules import password_problem
from service.auth.passwords import hash_password
from service.cases.errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from service.casework import Casework
from service.dao import accounts_dao, users_dao
from service.models import ApiToken, User
from service.people.actors import Actor, account_roles

# A password hash no password matches: the account signs in only after a reset link or single sign-on.
NO_PASSWORD = "!"  # noqa: S105 - not a password: a hash that nothing matches
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class NewPerson:
    username: str
    full_name: str
    email: str = ""
    job_title: str = ""
    roles: tuple[str, ...] = ()
    password: str | None = None


def _require_admin(actor: Actor | None) -> None:
    """``actor`` None is the server's command line, run by whoever administers the server."""
    if actor is not None and "admin" not in actor.roles:
        raise NotAllowed("Only administrators can manage staff accounts.")


def validate_roles(roles: list[str] | tuple[str, ...], field: str = "roles") -> list[FieldProblem]:
    if not roles:
        return [FieldProblem(field, "Select at least one role")]
    known = account_roles()
    unknown = [role for role in roles if role not in known]
    return [FieldProblem(field, f"There is no role called {unknown[0][:40]!r}")] if unknown else []


def email_problems(email: str) -> list[FieldProblem]:
    """An email address is optional; one given must look like one (notices are sent to it)."""
    if email and (len(email) > 320 or not _EMAIL.match(email.strip())):
        return [FieldProblem("email", "Enter an email address like name@example.org")]
    return []


def create_person(casework: Casework, actor: Actor | None, person: NewPerson, now: datetime) -> User:
    _require_admin(actor)
    username = person.username.strip().lower()
    problems = []
    if not _USERNAME.match(username):
        problems.append(FieldProblem("username", "Enter a username of 2 to 80 lower-case letters, digits, dots, "
                                                 "hyphens or underscores"))
    if not person.full_name.strip() or len(person.full_name) > 200:
        problems.append(FieldProblem("full_name", "Enter the person's full name (200 characters at most)"))
    problems += email_problems(person.email)
    problems += validate_roles(list(person.roles))
    if person.password is not None:
        problem = password_problem(person.password, username=username, full_name=person.full_name)
        if problem:
            problems.append(FieldProblem("password", problem))
    if problems:
        raise InvalidInput(problems)
    with casework.db.transaction() as session:
        if users_dao.get_user_by_username(session, username) is not None:
            raise InvalidInput([FieldProblem("username", "Someone already has that username")])
        password_hash = hash_password(person.password) if person.password else NO_PASSWORD
        user = users_dao.add_user(session, username=username, full_name=person.full_name.strip(),
                                  password_hash=password_hash, roles=list(person.roles),
                                  job_title=person.job_title.strip()[:200], now=now)
        user.email = person.email.strip()
        accounts_dao.record_event(session, user.id, "created", actor_id=_id(actor), now=now,
                                  detail={"roles": sorted(set(person.roles))})
    return user


def deactivate(casework: Casework, actor: Actor | None, user_id: int, reason: str, now: datetime) -> User:
    """A leaver: their sessions and API tokens stop at their next request, on every server, because
    each request reads the account's state from the database. Their name stays on past decisions."""
    _require_admin(actor)
    if not reason.strip():
        raise InvalidInput([FieldProblem("reason", "Enter why the account is being deactivated")])
    if actor is not None and user_id == actor.user_id:
        raise NotAllowed("You cannot deactivate your own account: ask another administrator.")
    with casework.db.transaction() as session:
        user = _person(session, user_id)
        if not user.active:
            raise Conflict(f"{user.full_name}'s account is already deactivated.")
        _refuse_losing_last_admin(session, user, remaining_roles=[])
        user.active = False
        user.deactivated_at = now
        accounts_dao.end_sessions(session, user.id)
        revoked = session.execute(update(ApiToken).where(ApiToken.service_user_id == user.id,
                                                         ApiToken.revoked_at.is_(None)).values(revoked_at=now))
        accounts_dao.record_event(session, user.id, "deactivated", actor_id=_id(actor), now=now,
                                  detail={"reason": reason.strip()[:500], "tokens_revoked": revoked.rowcount})
    return user


def reactivate(casework: Casework, actor: Actor | None, user_id: int, now: datetime) -> User:
    _require_admin(actor)
    with casework.db.transaction() as session:
        user = _person(session, user_id)
        if user.active:
            raise Conflict(f"{user.full_name}'s account is already active.")
        user.active = True
        user.deactivated_at = None
        user.failed_sign_ins = 0
        user.locked_until = None
        accounts_dao.record_event(session, user.id, "reactivated", actor_id=_id(actor), now=now)
    return user


def change_roles(casework: Casework, actor: Actor | None, user_id: int, roles: list[str], now: datetime) -> User:
    _require_admin(actor)
    problems = validate_roles(roles)
    if problems:
        raise InvalidInput(problems)
    with casework.db.transaction() as session:
        user = _person(session, user_id)
        before = sorted(user.roles)
        after = sorted(set(roles))
        if before == after:
            return user
        _refuse_losing_last_admin(session, user, remaining_roles=after)
        user.roles = after
        accounts_dao.record_event(session, user.id, "roles_changed", actor_id=_id(actor), now=now,
                                  detail={"from": before, "to": after})
    return user


def change_email(casework: Casework, actor: Actor | None, user_id: int, email: str, now: datetime) -> User:
    """Correct or replace a person's email address (empty: none, so no email notices reach them)."""
    _require_admin(actor)
    problems = email_problems(email)
    if problems:
        raise InvalidInput(problems)
    with casework.db.transaction() as session:
        user = _person(session, user_id)
        before, after = user.email, email.strip()
        if before == after:
            return user
        user.email = after
        accounts_dao.record_event(session, user.id, "email_changed", actor_id=_id(actor), now=now,
                                  detail={"from": before or "none", "to": after or "none"})
    return user


def unlock(casework: Casework, actor: Actor | None, user_id: int, now: datetime) -> User:
    _require_admin(actor)
    with casework.db.transaction() as session:
        user = _person(session, user_id)
        user.failed_sign_ins = 0
        user.locked_until = None
        accounts_dao.record_event(session, user.id, "unlocked", actor_id=_id(actor), now=now)
    return user


def _person(session, user_id: int) -> User:
    user = accounts_dao.get_user_for_update(session, user_id)
    if user is None or user.is_service_account:
        raise NotFound("There is no such person.")
    return user


def _refuse_losing_last_admin(session, user: User, remaining_roles: list[str]) -> None:
    if "admin" not in user.roles or "admin" in remaining_roles:
        return
    others = session.scalars(select(User.roles).where(User.active.is_(True), User.id != user.id,
                                                      User.is_service_account.is_(False))).all()
    if not any("admin" in roles for roles in others):
        raise NotAllowed("This is the last active administrator: make someone else an administrator first.")


def _id(actor: Actor | None) -> int | None:
    return actor.user_id if actor else None
