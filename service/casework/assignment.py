"""Who a new task goes to straight away: ``camunda:assignee``, when it names someone who may do it.

The diagram may name a person (by username) for a task. The task is then created already claimed
by them, but only if that account exists, is active and holds one of the roles the task is offered
to (its candidate groups, or its lane's roles); otherwise the name is ignored and the task waits in
the group's inbox as usual. Expressions such as ``${initiator}`` are never a username.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.casework.lanes import LANE_ROLES
from service.dao import cases_dao, users_dao
from workflows.definitions import UserTaskDefinition


def preassigned_user_id(session: Session, task: UserTaskDefinition | None) -> int | None:
    username = (task.assignee or "").strip() if task is not None else ""
    if not username:
        return None
    found = users_dao.get_active_user_roles(session, username)
    if found is None:
        return None
    user_id, roles = found
    offered_to = set(task.candidate_groups) or set(LANE_ROLES.get(task.lane or "", ()))
    return user_id if offered_to & set(roles) else None


def actor_assignee_id(session: Session, case_id: int, task: UserTaskDefinition | None) -> int | None:
    """``assignToActor``: the task goes straight to whoever acted in that role on the case (the person
    who heard an appeal sends its outcome letter), if their account is active and may do the task.
    Anyone else able to do it can still be given it by reassignment."""
    role = task.properties.get("assignToActor", "").strip() if task is not None else ""
    user_id = cases_dao.latest_actor(session, case_id, role) if role else None
    if user_id is None:
        return None
    roles = users_dao.get_active_user_roles_by_id(session, user_id) or []
    offered_to = set(task.candidate_groups) or set(LANE_ROLES.get(task.lane or "", ()))
    return user_id if offered_to & set(roles) else None
