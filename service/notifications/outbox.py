"""Writing notices into the outbox, in the caller's transaction (the step that causes them).

One row per event, whoever turns out to receive it: the worker works out recipients later, so a
step's transaction stays as short as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.models import HumanTask, Notification

_INSERT = Notification.__table__.insert()


def _row(kind: str, now: datetime, *, case_id: int | None = None, task_id: str | None = None,
         recipient_id: int | None = None, groups: list[str] | None = None, detail: dict[str, Any] | None = None,
         dedupe_key: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "case_id": case_id, "task_id": task_id, "recipient_id": recipient_id,
            "groups": groups or [], "detail": detail or {}, "dedupe_key": dedupe_key, "created_at": now,
            "expanded_at": None}


def tasks_opened(session: Session, tasks: Iterable[HumanTask], now: datetime) -> None:
    """A named assignee hears "assigned to you"; otherwise the task's groups hear of a new task."""
    rows = [
        _row("task_assigned", now, case_id=t.case_id, task_id=t.id, recipient_id=t.assignee_id)
        if t.assignee_id else _row("group_task", now, case_id=t.case_id, task_id=t.id, groups=list(t.candidate_groups))
        for t in tasks if t.assignee_id or t.candidate_groups
    ]
    if rows:
        session.connection().execute(_INSERT, rows)


def task_assigned(session: Session, task: HumanTask, to_user_id: int, by_user_id: int, now: datetime) -> None:
    if to_user_id == by_user_id:
        return  # nobody needs telling about a task they took themselves
    session.connection().execute(_INSERT, [_row("task_assigned", now, case_id=task.case_id, task_id=task.id,
                                                recipient_id=to_user_id)])


def on_case(session: Session, kind: str, case_id: int, now: datetime, *, by_user_id: int | None = None) -> None:
    """An appeal received, or a further incident: for the people who hold the case."""
    session.connection().execute(_INSERT, [_row(kind, now, case_id=case_id, detail={"by": by_user_id})])


def account_locked(session: Session, user_id: int, now: datetime) -> None:
    """For every administrator."""
    session.connection().execute(_INSERT, [_row("account_locked", now, groups=["admin"],
                                                detail={"user_id": user_id})])
