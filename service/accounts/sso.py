"""People signing in with single sign-on: matched by a stable claim, created on first sign-in if the
configuration allows, and their roles refreshed from the provider at every sign-in."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select

from service.accounts.people import NO_PASSWORD
from service.casework import Casework
from service.config import SingleSignOn
from service.dao import accounts_dao, users_dao
from service.models import User
from service.people.actors import account_roles


class NotAllowedIn(Exception):
    """A verified person this service does not let in; the message is safe to show."""


def stable_id(claims: dict[str, Any]) -> str:
    """Entra ID's object id (the same for the person in every application of the tenant), else sub."""
    return f"{claims.get('iss')}|{claims.get('oid') or claims['sub']}"


def roles_from(sso: SingleSignOn, claims: dict[str, Any]) -> list[str]:
    values = claims.get(sso.roles_claim) or []
    if isinstance(values, str):
        values = [values]
    mapped = {sso.role_map.get(value, value) for value in values if isinstance(value, str)}
    known = account_roles()
    return sorted(role for role in mapped if role in known)


def person_signing_in(casework: Casework, sso: SingleSignOn, claims: dict[str, Any], now: datetime) -> User:
    external_id = stable_id(claims)
    roles = roles_from(sso, claims)
    with casework.db.transaction() as session:
        user = session.scalar(select(User).where(User.external_id == external_id).with_for_update())
        if user is None:
            if not sso.create_users:
                raise NotAllowedIn("You do not have an account here yet. Ask an administrator to add you.")
            if not roles:
                raise NotAllowedIn("Your account has no role in this service. Ask an administrator.")
            user = users_dao.add_user(session, username=_free_username(session, claims), full_name=_name(claims),
                                      password_hash=NO_PASSWORD, roles=roles, job_title="", now=now)
            user.external_id = external_id
            user.email = str(claims.get("email") or "")[:320]
            accounts_dao.record_event(session, user.id, "signed_in_sso", actor_id=None, now=now,
                                      detail={"roles": roles})
        if not user.active:
            raise NotAllowedIn("Your account here has been deactivated.")
        if roles != sorted(user.roles):
            if not roles:
                raise NotAllowedIn("Your account has no role in this service any more. Ask an administrator.")
            accounts_dao.record_event(session, user.id, "sso_roles_refreshed", actor_id=None, now=now,
                                      detail={"from": sorted(user.roles), "to": roles})
            user.roles = roles
        user.last_sign_in_at = now
        return user


def _name(claims: dict[str, Any]) -> str:
    return str(claims.get("name") or claims.get("preferred_username") or claims.get("email") or "Unnamed")[:200]


def _free_username(session, claims: dict[str, Any]) -> str:
    wanted = str(claims.get("preferred_username") or claims.get("email") or claims["sub"]).lower()
    base = re.sub(r"[^a-z0-9._-]", "-", wanted.split("@")[0])[:70].strip("-.") or "person"
    candidate, number = base, 1
    while users_dao.get_user_by_username(session, candidate) is not None:
        number += 1
        candidate = f"{base}-{number}"
    return candidate
