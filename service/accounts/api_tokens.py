"""API tokens for service accounts: shown once, kept only as a hash, revocable.

A token looks like ``ubp_<prefix>_<secret>``. The prefix finds the row quickly and shows in
lists; the SHA-256 of the whole token is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from service.cases.errors import FieldProblem, InvalidInput, NotAllowed, NotFound
from service.casework import Casework
from service.dao import tokens_dao
from service.models import ApiToken, User
from service.people.actors import Actor, account_roles


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(casework: Casework, actor: Actor, name: str, roles: list[str], now: datetime) -> IssuedToken:
    if "admin" not in actor.roles:
        raise NotAllowed("Only administrators can issue API tokens.")
    problems = []
    if not name.strip() or len(name) > 120:
        problems.append(FieldProblem(
            "name", "Enter the name of the system that will use the token (120 characters at most)"
        ))
    # A token carries any role an account can have (``account_roles``). An admin token manages people and groups
    # (an HR or identity system's leaver feed), but never issues tokens: that needs an administrator signed in to
    # the pages (the check above is of the session's actor). No role at all is allowed: such a token works only in
    # the groups an administrator puts its account in.
    known = account_roles()
    if any(role not in known for role in roles):
        problems.append(FieldProblem("roles", "Select only the roles listed"))
    if problems:
        raise InvalidInput(problems)
    prefix = secrets.token_hex(4)
    token = f"ubp_{prefix}_{secrets.token_urlsafe(32)}"
    with casework.db.transaction() as session:
        account = User(username=f"api-{prefix}", full_name=f"{name.strip()} (API)", job_title="Service account",
                       password_hash="!",  # noqa: S106 - not a hash: service accounts can never sign in
                       roles=sorted(set(roles)), active=True, is_service_account=True,
                       created_at=now)
        session.add(account)
        session.flush()
        record = ApiToken(name=name.strip(), token_prefix=prefix, token_hash=_digest(token),
                          service_user_id=account.id, roles=sorted(set(roles)), created_by_id=actor.user_id,
                          created_at=now)
        session.add(record)
        session.flush()
    return IssuedToken(token, record)


def actor_for_token(casework: Casework, token: str, now: datetime) -> Actor | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "ubp" or len(parts[1]) != 8:
        return None
    # Looked up in the database on every request (one indexed read, no cache), so a revoked token or a
    # deactivated account stops working at once on every server.
    return _look_up(casework, parts[1], _digest(token), now)


def _look_up(casework: Casework, prefix: str, digest: str, now: datetime) -> Actor | None:
    with casework.db.reading() as session:
        holder = tokens_dao.token_holder(session, prefix)
    if holder is None or holder.revoked or not holder.active or not hmac.compare_digest(holder.token_hash, digest):
        return None
    if holder.last_used_at is None or (now - holder.last_used_at).total_seconds() > 300:
        # Noted at most every five minutes, so that the request path stays read-only.
        with casework.db.transaction() as session:
            tokens_dao.note_token_used(session, holder.token_id, now)
    # A token acts with its own roles (not the account's) and in the groups its account was put in.
    return Actor(holder.user_id, holder.roles, holder.full_name, holder.groups, holder.username)


def revoke_token(casework: Casework, actor: Actor, token_id: int, now: datetime) -> None:
    if "admin" not in actor.roles:
        raise NotAllowed("Only administrators can revoke API tokens.")
    with casework.db.transaction() as session:
        record = session.get(ApiToken, token_id)
        if record is None:
            raise NotFound("There is no such token.")
        record.revoked_at = record.revoked_at or now


def list_tokens(casework: Casework) -> list[ApiToken]:
    with casework.db.reading() as session:
        return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))
