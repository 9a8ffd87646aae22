"""Who a new task goes to straight away: ``camunda:assignee``, when it names someone who may do it.

The diagram may name a person (by username) for a task. The task is then created already claimed
by them, but only if that account exists, is active and the task is offered to them (one of its
groups, by membership or by the role of that name, or one of its candidate users); otherwise the name
is ignored and the task waits in the group's inbox as usual. Expressions such as ``${initiator}`` are
never a username.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.dao import cases_dao, groups_dao, tasks_dao, users_dao
from service.models import Case
from service.people.actors import parse_actor_list
from service.people.offers import TaskOffer
from workflows.definitions import UserTaskDefinition


def preassigned_user_id(session: Session, task: UserTaskDefinition | None, offer: TaskOffer) -> int | None:
    username = (task.assignee or "").strip() if task is not None else ""
    if not username:
        return None
    found = users_dao.get_active_user_roles(session, username)
    if found is None:
        return None
    user_id, roles = found
    return user_id if _offered(session, user_id, roles, offer) else None


def _offered(session: Session, user_id: int, roles, offer: TaskOffer) -> bool:
    if user_id in offer.user_ids or set(offer.groups) & set(roles):
        return True
    return user_id in groups_dao.user_ids_in_groups(session, offer.groups)


def actor_assignee_id(session: Session, case_id: int, task: UserTaskDefinition | None, offer: TaskOffer) -> int | None:
    """``assignToActor``: the task goes straight to whoever acted in that role on the case (the person
    who heard an appeal sends its outcome letter), if their account is active and may do the task.
    Anyone else able to do it can still be given it by reassignment."""
    role = task.properties.get("assignToActor", "").strip() if task is not None else ""
    user_id = cases_dao.latest_actor(session, case_id, role) if role else None
    if user_id is None:
        return None
    roles = users_dao.get_active_user_roles_by_id(session, user_id)
    if roles is None:
        return None
    return user_id if _offered(session, user_id, roles, offer) else None


def continuing_worker_id(session: Session, case: Case, task: UserTaskDefinition | None, offer: TaskOffer,
                         lanes: tuple[str, ...]) -> int | None:
    """Continuity: in the lanes a pack names, a new task goes to whoever completed the case's last task in
    that lane (or, before any, to whoever opened the case), if theirs is an active person's account (not
    a service account), the task is offered to them and the policy does not keep them off it. It is
    given, not claimed: anyone else the task is offered to can still take it over (``inbox_actions.claim``)."""
    if task is None or task.lane not in lanes:
        return None
    user_id = tasks_dao.last_completed_by_in_lane(session, case.id, task.lane) or case.opened_by_id
    if user_id is None or user_id in excluded_user_ids(session, case.id, task):
        return None
    person = users_dao.get_user(session, user_id)
    # An integration (a service account's API token) records incidents but never carries a case.
    if person is None or not person.active or person.is_service_account:
        return None
    return user_id if _offered(session, user_id, person.roles, offer) else None


def excluded_user_ids(session: Session, case_id: int, task: UserTaskDefinition | None) -> frozenset[int]:
    """The people the task's ``excludedActors`` keep off it on this case (the approver from the appeal)."""
    roles = set(parse_actor_list(task.properties.get("excludedActors"))) if task is not None else set()
    return frozenset(a.user_id for a in cases_dao.list_actors(session, case_id) if a.role in roles) if roles else (
        frozenset())
