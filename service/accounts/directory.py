"""What the people pages show: each person with roles, last sign-in and status, and an account's trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from service.cases.errors import NotFound
from service.casework import Casework
from service.dao import accounts_dao, users_dao
from service.models import AccountEvent, User

if TYPE_CHECKING:
    from service.casework import Casework

EVENT_WORDS = {
    "created": "Account created",
    "deactivated": "Deactivated",
    "reactivated": "Reactivated",
    "roles_changed": "Roles changed",
    "groups_changed": "Groups changed",
    "email_changed": "Email changed",
    "unlocked": "Unlocked",
    "locked": "Locked after repeated wrong passwords",
    "password_reset_forced": "Password reset forced; one-time link issued",
    "password_set_from_link": "Password set with a one-time link",
    "password_changed": "Password changed",
    "signed_in_sso": "First signed in with single sign-on",
    "sso_roles_refreshed": "Roles refreshed from single sign-on",
}


@dataclass(frozen=True)
class TrailEntry:
    at: datetime
    what: str
    by: str
    detail: dict


def status_of(user: User, now: datetime) -> str:
    if not user.active:
        return "Deactivated"
    if user.locked_until is not None and user.locked_until > now:
        return "Locked"
    return "Active"


def list_people(casework: Casework) -> list[User]:
    with casework.db.reading() as session:
        return list(accounts_dao.list_people(session))


def locked_people(casework: Casework, now: datetime) -> list[User]:
    with casework.db.reading() as session:
        return list(accounts_dao.list_locked(session, now))


def person_with_trail(casework: Casework, user_id: int) -> tuple[User, list[TrailEntry]]:
    with casework.db.reading() as session:
        user = users_dao.get_user(session, user_id)
        if user is None or user.is_service_account:
            raise NotFound("There is no such person.")
        events = accounts_dao.list_events(session, user_id)
        names = users_dao.names_by_id(session, (event.actor_id for event in events))
    return user, [_entry(event, names) for event in events]


def person_id(casework: Casework, username: str) -> int:
    """The id of the person (never a service account) with this username; NotFound if there is none."""
    with casework.db.reading() as session:
        user = users_dao.get_user_by_username(session, username[:80])
    if user is None or user.is_service_account:
        raise NotFound("There is no such person.")
    return user.id


def username_of(casework: Casework, user_id: int) -> str | None:
    with casework.db.reading() as session:
        user = users_dao.get_user(session, user_id)
    return user.username if user is not None else None


def people_to_choose(casework: Casework) -> list[User]:
    """Everyone a manager may pick (to hand work from or to), by name: people, not service accounts."""
    with casework.db.reading() as session:
        return [user for user in users_dao.list_users(session) if not user.is_service_account]


def _entry(event: AccountEvent, names: dict[int, str]) -> TrailEntry:
    by = names.get(event.actor_id, "") if event.actor_id else "The system"
    return TrailEntry(event.at, EVENT_WORDS.get(event.event_type, event.event_type), by, dict(event.detail))
