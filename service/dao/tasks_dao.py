from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from service.models import Case, HumanTask, HumanTaskGroup, HumanTaskUser, ProcessInstance, TaskReassignment

# The write path's statements, built once (see add_tasks).
_TASKS = HumanTask.__table__
_TASK_COLUMNS = tuple(column.key for column in _TASKS.columns)
_INSERT_TASK = _TASKS.insert()
_INSERT_GROUP = HumanTaskGroup.__table__.insert()
_INSERT_USER = HumanTaskUser.__table__.insert()
_TASK_WITH_INSTANCE_AND_CASE = (
    select(HumanTask, ProcessInstance, Case)
    .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
    .join(Case, Case.id == HumanTask.case_id)
    .where(HumanTask.id == bindparam("task_id"))
)
_MARK_COMPLETED = (
    _TASKS.update()
    .where(_TASKS.c.id == bindparam("task_id"), _TASKS.c.status == "open", _TASKS.c.assignee_id == bindparam("user_id"))
    .values(status="completed", completed_at=bindparam("now"), completed_by_id=bindparam("user_id"),
            data=bindparam("completed_data"))
)


class TaskConflict(RuntimeError):
    """The task is no longer in the state the caller saw (completed, claimed or cancelled meanwhile)."""


def get_task(session: Session, task_id: str) -> HumanTask | None:
    return session.get(HumanTask, task_id)


def list_open_task_ids(session: Session, instance_id: int) -> set[str]:
    return set(
        session.scalars(
            select(HumanTask.id).where(HumanTask.instance_id == instance_id, HumanTask.status == "open")
        )
    )


def list_tasks_of_case(session: Session, case_id: int) -> Sequence[HumanTask]:
    return session.scalars(
        select(HumanTask).where(HumanTask.case_id == case_id).order_by(HumanTask.created_at, HumanTask.id)
    ).all()


def add_tasks(session: Session, tasks: Iterable[HumanTask], user_ids: dict[str, Iterable[int]] | None = None) -> None:
    """Insert task rows, their group rows and (``user_ids``: task id -> the people it is offered to by
    name) their user rows, with one statement each (no unit-of-work bookkeeping)."""
    tasks = list(tasks)
    if not tasks:
        return
    # Straight to the table through the session's connection, with statements built once: the ORM's
    # bulk path, and building a statement per call, cost more than the statements themselves.
    connection = session.connection()
    connection.execute(_INSERT_TASK, [{name: getattr(task, name) for name in _TASK_COLUMNS} for task in tasks])
    groups = [{"task_id": task.id, "group_name": group} for task in tasks for group in task.candidate_groups]
    if groups:
        connection.execute(_INSERT_GROUP, groups)
    users = [{"task_id": task_id, "user_id": user_id}
             for task_id, ids in (user_ids or {}).items() for user_id in set(ids)]
    if users:
        connection.execute(_INSERT_USER, users)


def candidate_user_ids(session: Session, task_id: str) -> set[int]:
    return set(session.scalars(select(HumanTaskUser.user_id).where(HumanTaskUser.task_id == task_id)))


def get_task_with_instance_and_case(session: Session, task_id: str):
    """The task, its instance and its case in one round trip (the write path's first read)."""
    return session.execute(_TASK_WITH_INSTANCE_AND_CASE, {"task_id": task_id}).one_or_none()


def mark_completed(
    session: Session, task_id: str, *, user_id: int, now: datetime, data: dict[str, Any]
) -> None:
    result = session.connection().execute(
        _MARK_COMPLETED, {"task_id": task_id, "user_id": user_id, "now": now, "completed_data": data}
    )
    if result.rowcount != 1:
        raise TaskConflict(task_id)


def mark_cancelled(session: Session, task_ids: Iterable[str], *, now: datetime) -> None:
    ids = list(task_ids)
    if ids:
        session.execute(
            update(HumanTask)
            .where(HumanTask.id.in_(ids), HumanTask.status == "open")
            .values(status="cancelled", completed_at=now)
            .execution_options(synchronize_session=False)
        )


def claim(session: Session, task_id: str, *, user_id: int, now: datetime) -> None:
    result = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_id, HumanTask.status == "open", HumanTask.assignee_id.is_(None))
        .values(assignee_id=user_id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TaskConflict(task_id)


def unclaim(session: Session, task_id: str, *, user_id: int) -> None:
    result = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_id, HumanTask.status == "open", HumanTask.assignee_id == user_id)
        .values(assignee_id=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TaskConflict(task_id)


def reassign(
    session: Session, task: HumanTask, *, to_user_id: int, by_user_id: int, reason: str, now: datetime
) -> None:
    previous = task.assignee_id
    result = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task.id, HumanTask.status == "open", HumanTask.assignee_id.is_(previous)
               if previous is None else HumanTask.assignee_id == previous)
        .values(assignee_id=to_user_id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TaskConflict(task.id)
    session.add(TaskReassignment(
        task_id=task.id, from_user_id=previous, to_user_id=to_user_id, by_user_id=by_user_id, reason=reason, at=now,
    ))


def completed_task_answers(session: Session, case_id: int) -> Sequence[tuple[datetime, dict[str, Any]]]:
    """(completed at, answers) of every completed task on the case, oldest first."""
    rows = session.execute(
        select(HumanTask.completed_at, HumanTask.data)
        .where(HumanTask.case_id == case_id, HumanTask.status == "completed", HumanTask.completed_at.is_not(None))
        .order_by(HumanTask.completed_at, HumanTask.id)
    ).all()
    return [(at, data or {}) for at, data in rows]


def last_completed_by_in_lane(session: Session, case_id: int, lane: str) -> int | None:
    """Who completed the case's most recent task in ``lane``."""
    return session.scalar(
        select(HumanTask.completed_by_id)
        .where(HumanTask.case_id == case_id, HumanTask.lane == lane, HumanTask.status == "completed",
               HumanTask.completed_by_id.is_not(None))
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc()).limit(1)
    )


def take_over(session: Session, task_id: str, *, from_user_id: int, user_id: int, now: datetime) -> None:
    """Take a task given to someone by continuity (held, never claimed) before they claim it."""
    result = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_id, HumanTask.status == "open", HumanTask.assignee_id == from_user_id,
               HumanTask.claimed_at.is_(None))
        .values(assignee_id=user_id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TaskConflict(task_id)
