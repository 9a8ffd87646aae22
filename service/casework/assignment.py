"""Who a new task goes to straight away: ``camunda:assignee``, when it names someone who may do it.

The diagram may name a person (by username) for a task. The task is then created already claimed
by them, but only if that account exists, is active and holds one of the roles the task is offered
to (its candidate groups, or its lane's roles); otherwise the name is ignored and the task waits in
the group's inbox as usual. Expressions such as ``${initiator}`` are never a username.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.casework.lanes import LANE_ROLES
from service.dao import users_dao
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
