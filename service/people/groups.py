"""Creating groups and putting people in them; who is in a group; who a group's work goes to.

Decision (issue #16): the policy's three staff roles stay roles on the account (their pages check them)
and are also groups of the same name, seeded by migration 0060. A person is in a group when an
administrator added them, or when they hold the role of the same name: so every account made before
groups existed keeps its work, and new groups (an ASB team, say) are purely data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.cases.errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from service.casework import Casework
from service.dao import accounts_dao, groups_dao, users_dao
from service.models import User
from service.packs.registry import GroupSeed
from service.people.actors import Actor

if TYPE_CHECKING:
    from service.casework import Casework

NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
NAME_RULE = "a group name is 1 to 80 lower-case letters, digits, dots, dashes or underscores, such as asb-team"


@dataclass(frozen=True)
class Member:
    user_id: int
    username: str
    full_name: str
    by_role: bool  # a member because they hold the role of the same name, not because they were added


@dataclass(frozen=True)
class GroupSummary:
    name: str
    label: str
    description: str
    member_count: int


@dataclass(frozen=True)
class GroupChoice:
    """One group as a person's page offers it: whether they are in it, and whether through their role."""
    name: str
    label: str
    member: bool
    by_role: bool


@dataclass(frozen=True)
class GroupPage:
    name: str
    label: str
    description: str
    members: list[Member]


def actor_of(session: Session, user: User) -> Actor:
    """The acting person as every permission check sees them: roles from the account, groups from data."""
    return Actor(user.id, tuple(user.roles), user.full_name, tuple(groups_dao.group_names_of_user(session, user.id)),
                 user.username)


def active_actor(casework: Casework, username: str) -> Actor | None:
    """The person with this username as they act (roles and groups), or None unless their account is active."""
    with casework.db.reading() as session:
        user = users_dao.get_user_by_username(session, username[:80])
        return actor_of(session, user) if user is not None and user.active else None


def create_group(
    casework: Casework, actor: Actor | None, *, name: str, label: str, description: str, now: datetime
) -> GroupSummary:
    _refuse_unless_admin(actor)
    # Lengths are judged on what was sent, before trimming, as the API documents them.
    too_long = {"label": len(label) > 200, "description": len(description) > 2000}
    name, label, description = name.strip(), label.strip(), description.strip()
    problems = []
    if not NAME.match(name):
        problems.append(FieldProblem("name", f"Enter a group name: {NAME_RULE}"))
    if not label or too_long["label"]:
        problems.append(FieldProblem("label", "Enter what the group is called, such as Anti-social behaviour team "
                                              "(200 characters at most)"))
    if too_long["description"]:
        problems.append(FieldProblem("description", "The description must be 2,000 characters at most"))
    if problems:
        raise InvalidInput(problems)
    try:
        with casework.db.transaction() as session:
            if groups_dao.get_group_by_name(session, name) is not None:
                raise InvalidInput([FieldProblem("name", f"There is already a group called {name}")])
            groups_dao.add_group(session, name=name, label=label, description=description, now=now)
    except IntegrityError:
        # Two administrators creating the same group at once: the unique name decides.
        raise InvalidInput([FieldProblem("name", f"There is already a group called {name}")]) from None
    return GroupSummary(name, label, description, 0)


def add_member(casework: Casework, actor: Actor | None, group_name: str, username: str, now: datetime) -> None:
    _refuse_unless_admin(actor)
    with casework.db.transaction() as session:
        group = _group(session, group_name)
        user = users_dao.get_user_by_username(session, username.strip())
        if user is None or not user.active:
            raise InvalidInput([FieldProblem("username", "Enter the username of an active account")])
        if groups_dao.is_member(session, group.id, user.id):
            raise Conflict(f"{user.full_name} is already in {group.label}.")
        groups_dao.add_member(session, group.id, user.id, added_by_id=actor.user_id if actor else None, now=now)
        accounts_dao.record_event(session, user.id, "groups_changed", actor_id=_actor_id(actor), now=now,
                                  detail={"added": [group.name]})


def remove_member(casework: Casework, actor: Actor | None, group_name: str, username: str, now: datetime) -> None:
    _refuse_unless_admin(actor)
    with casework.db.transaction() as session:
        group = _group(session, group_name)
        user = users_dao.get_user_by_username(session, username)
        if user is None or not groups_dao.remove_member(session, group.id, user.id):
            if user is not None and group.name in user.roles:
                raise Conflict(f"{user.full_name} is in {group.label} because they hold that role; "
                               "change their role to take them out.")
            raise NotFound(f"That person is not in {group.label}.")
        accounts_dao.record_event(session, user.id, "groups_changed", actor_id=_actor_id(actor), now=now,
                                  detail={"removed": [group.name]})


def groups_of_person(casework: Casework, user_id: int) -> list[GroupChoice]:
    """Every group, each marked with whether this person is in it (for their account page)."""
    with casework.db.reading() as session:
        user = users_dao.get_user(session, user_id)
        if user is None or user.is_service_account:
            raise NotFound("There is no such person.")
        added = set(groups_dao.group_names_of_user(session, user_id))
        return [GroupChoice(g.name, g.label, g.name in added or g.name in user.roles, g.name in user.roles)
                for g in groups_dao.list_groups(session)]


def set_groups_of_person(casework: Casework, actor: Actor | None, user_id: int, names: Iterable[str],
                         now: datetime) -> list[str]:
    """Put a person in exactly these groups (audited on their account); returns the groups they were added to.

    A group named after a role the person holds is theirs through that role and is left as it is:
    change the role to change it (so a form with that box disabled cannot take it away)."""
    _refuse_unless_admin(actor)
    wanted = {name.strip() for name in names if name.strip()}
    with casework.db.transaction() as session:
        user = accounts_dao.get_user_for_update(session, user_id)
        if user is None or user.is_service_account:
            raise NotFound("There is no such person.")
        known = {g.name: g for g in groups_dao.list_groups(session)}
        unknown = sorted(wanted - known.keys())
        if unknown:
            raise InvalidInput([FieldProblem("groups", f"There is no group called {unknown[0][:80]!r}")])
        before = set(groups_dao.group_names_of_user(session, user.id))
        by_role = set(user.roles)
        after = (wanted - by_role) | (before & by_role)
        if after == before:
            return sorted(before)
        for name in sorted(after - before):
            groups_dao.add_member(session, known[name].id, user.id, added_by_id=_actor_id(actor), now=now)
        for name in sorted(before - after):
            groups_dao.remove_member(session, known[name].id, user.id)
        accounts_dao.record_event(session, user.id, "groups_changed", actor_id=_actor_id(actor), now=now,
                                  detail={"from": sorted(before), "to": sorted(after)})
    return sorted(after)


def ensure_groups(session: Session, seeds: Iterable[GroupSeed], now: datetime) -> list[str]:
    """Make the groups a pack's diagrams name, if missing (empty: an administrator fills them)."""
    made = []
    for seed in seeds:
        if groups_dao.get_group_by_name(session, seed.name) is None:
            groups_dao.add_group(session, name=seed.name, label=seed.label, description=seed.description, now=now)
            made.append(seed.name)
    return made


def list_groups(casework: Casework) -> list[GroupSummary]:
    with casework.db.reading() as session:
        people = [u for u in users_dao.list_users(session) if u.active]
        added = groups_dao.member_ids_by_group(session)
        return [GroupSummary(g.name, g.label, g.description, len(_member_ids(g.name, people, added)))
                for g in groups_dao.list_groups(session)]


def load_group(casework: Casework, name: str) -> GroupPage:
    with casework.db.reading() as session:
        group = _group(session, name)
        return GroupPage(group.name, group.label, group.description, _members(session, group.name, group.id))


def members_of_any(session: Session, names: Iterable[str]) -> list[User]:
    """Active people (not service accounts) in any of these groups, by membership or by role, by name."""
    wanted = set(names)
    added = groups_dao.user_ids_in_groups(session, wanted)
    return [u for u in users_dao.list_users(session)
            if u.active and not u.is_service_account and (u.id in added or wanted & set(u.roles))]


def groups_with_nobody(session: Session, names: Iterable[str]) -> list[str]:
    """Of these group names, those no active person is in: work offered to them would wait forever."""
    wanted = sorted(set(names))
    if not wanted:
        return []
    people = [u for u in users_dao.list_users(session) if u.active]
    added = groups_dao.member_ids_by_group(session, wanted)
    return [name for name in wanted if not _member_ids(name, people, added)]


def _member_ids(name: str, people: list[User], added: dict[str, set[int]]) -> set[int]:
    active = {u.id for u in people}
    return (added.get(name, set()) & active) | {u.id for u in people if name in u.roles}


def _members(session: Session, name: str, group_id: int) -> list[Member]:
    added = {u.id: u for u in groups_dao.explicit_members(session, group_id)}
    by_role = [u for u in users_dao.list_users(session) if name in u.roles and u.id not in added]
    members = [Member(u.id, u.username, u.full_name, False) for u in added.values()]
    members += [Member(u.id, u.username, u.full_name, True) for u in by_role]
    return sorted(members, key=lambda m: (m.full_name, m.username))


def _group(session: Session, name: str):
    group = groups_dao.get_group_by_name(session, name)
    if group is None:
        raise NotFound("There is no such group.")
    return group


def _actor_id(actor: Actor | None) -> int | None:
    return actor.user_id if actor else None


def _refuse_unless_admin(actor: Actor | None) -> None:
    """``None`` is the command line: whoever runs it already holds the server and its database."""
    if actor is not None and "admin" not in actor.roles:
        raise NotAllowed("Only administrators can change groups.")
