"""What the task inbox shows: one tab of tasks, the count on each tab, and the overdue list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service.cases.errors import FieldProblem, InvalidInput, NotAllowed, NotFound
from service.casework import Casework
from service.dao import inbox_dao, processes_dao, users_dao
from service.dao.inbox_dao import SORTS as SORTS  # the orders the inbox offers
from service.dao.inbox_dao import InboxFilters, InboxPage, InboxRow
from service.people.actors import Actor
from service.people.roles import MANAGERS
from service.processes.definitions import deployed_version

TABS = ("mine", "groups")
OTHERS_TASKS = "Only people who manage work may list someone else's tasks: ask for assignee=me."


@dataclass(frozen=True)
class Inbox:
    tab: str
    page: InboxPage
    counts: dict[str, int]
    task_names: list[str]


def load_inbox(casework: Casework, actor: Actor, now: datetime, tab: str, filters: InboxFilters, page: int) -> Inbox:
    queries = {
        "mine": inbox_dao.my_tasks_query(actor.user_id, now, filters),
        "groups": inbox_dao.group_tasks_query(actor.group_names, now, filters, actor.user_id),
    }
    with casework.db.reading() as session:
        shown = inbox_dao.page_of(session, queries[tab], page, filters.sort)
        counts = {name: shown.total if name == tab else inbox_dao.count(session, query)
                  for name, query in queries.items()}
        return Inbox(tab=tab, page=shown, counts=counts, task_names=_task_names(session))


def _task_names(session) -> list[str]:
    """The user tasks of every deployed version, read from the (cached) diagrams, not from task rows."""
    names = set()
    for version_id in processes_dao.list_version_ids(session):
        names.update(task.name for task in deployed_version(session, version_id)[1].user_tasks.values())
    return sorted(names)


def load_overdue(casework: Casework, now: datetime) -> list[tuple[InboxRow, str | None]]:
    """Every overdue task, most overdue first, with who holds it."""
    with casework.db.reading() as session:
        rows = inbox_dao.overdue_tasks(session, now)
        names = users_dao.names_by_id(session, [r.task.assignee_id for r in rows])
    return [(row, names.get(row.task.assignee_id)) for row in rows]


def load_task_list(casework: Casework, actor: Actor, now: datetime, *, assignee: str | None, group: str | None,
                   page: int) -> InboxPage:
    """The API's task list: one person's tasks (``assignee``: ``me``, the default, or a username for those
    who manage work), or a group's unclaimed tasks (``group``: one of the caller's own groups)."""
    if assignee is not None and group is not None:
        raise InvalidInput([FieldProblem("assignee", "Give either assignee (a username or ‘me’) or group")])
    if assignee is None and group is None:
        assignee = "me"
    if group is not None and group not in actor.group_names:
        raise NotAllowed("You may list only the tasks of your own groups: " + ", ".join(actor.group_names))
    with casework.db.reading() as session:
        if group is not None:
            query = inbox_dao.group_tasks_query([group], now, InboxFilters())
        else:
            user = (users_dao.get_user(session, actor.user_id) if assignee == "me"
                    else users_dao.get_user_by_username(session, assignee))
            if (user is None or user.id != actor.user_id) and not actor.has_any_role(MANAGERS):
                # One answer whether the name exists or not, so the list cannot be used to probe usernames.
                raise NotAllowed(OTHERS_TASKS)
            if user is None:
                raise NotFound("There is no such user.")
            query = inbox_dao.my_tasks_query(user.id, now, InboxFilters())
        return inbox_dao.page_of(session, query, page)
