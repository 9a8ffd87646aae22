"""Who a user task is offered to: its candidate groups and users, or else the groups of its lane.

A lane maps to groups by, in order: a ``candidateGroups`` property on the lane; a pack's own lane
table; a group whose name or label is the lane's name (``Anti-social behaviour team``). Work offered
to no one would wait forever, so the deploy warns about it (``offer_warnings``) before any case runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.dao import groups_dao, users_dao
from service.packs.registry import pack_for
from service.people.groups import groups_with_nobody
from workflows.definitions import ProcessDefinition, UserTaskDefinition


@dataclass(frozen=True)
class TaskOffer:
    groups: tuple[str, ...]
    usernames: tuple[str, ...]
    user_ids: tuple[int, ...]


def offer_for(session: Session, definition: ProcessDefinition, task: UserTaskDefinition | None) -> TaskOffer:
    if task is None:
        return TaskOffer((), (), ())
    # The lane speaks only for a task that names no one itself (as Camunda's candidate attributes do).
    names_someone = task.candidate_groups or task.candidate_users
    groups = task.candidate_groups if names_someone else lane_groups(session, definition, task.lane)
    found = users_dao.ids_by_username(session, task.candidate_users) if task.candidate_users else {}
    return TaskOffer(tuple(groups), task.candidate_users, tuple(found[name] for name in task.candidate_users
                                                                 if name in found))


def lane_groups(session: Session, definition: ProcessDefinition, lane: str | None) -> tuple[str, ...]:
    if not lane:
        return ()
    if lane in definition.lane_groups:
        return tuple(definition.lane_groups[lane])
    pack = pack_for(definition.process_id)
    if pack is not None and lane in pack.lane_groups:
        return tuple(pack.lane_groups[lane])
    return tuple(sorted(g.name for g in groups_dao.find_groups(session, [lane])))


def offer_warnings(session: Session, definition: ProcessDefinition) -> list[str]:
    """What a process owner should fix before cases reach these tasks; none of it stops the deploy."""
    warnings: list[str] = []
    groups_used: dict[str, list[str]] = {}
    for task in definition.user_tasks.values():
        offer = offer_for(session, definition, task)
        for group in offer.groups:
            groups_used.setdefault(group, []).append(task.name)
        missing = [name for name in task.candidate_users if name not in users_dao.ids_by_username(session, [name])]
        if missing:
            warnings.append(f"The task {task.name!r} names {', '.join(missing)} as candidate users, "
                            "but there is no active account with that username.")
        if not offer.groups and not offer.user_ids:
            where = f"is in the lane {task.lane!r}, which matches no group," if task.lane else "names no group"
            warnings.append(f"The task {task.name!r} {where} so no one will be offered it: "
                            "name candidate groups, or create a group called like the lane.")
    for group in definition.starter_groups:
        groups_used.setdefault(group, []).append("starting a case")
    for group in groups_with_nobody(session, groups_used):
        tasks = ", ".join(repr(name) if name != "starting a case" else name for name in groups_used[group])
        known = groups_dao.get_group_by_name(session, group) is not None
        what = "has no members" if known else "does not exist yet"
        warnings.append(f"The group {group!r} {what}: {tasks} will wait until an administrator "
                        f"{'adds someone to it' if known else 'creates it and adds people'}.")
    return warnings
