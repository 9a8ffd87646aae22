"""Reading human tasks a page at a time, as the Camunda-shaped API lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.dao import engine_rest_dao
from service.dao.engine_rest_dao import TaskFilter, TaskRow
from service.dao.process_scope import ProcessScope

if TYPE_CHECKING:
    from service.casework import Casework

__all__ = ["TaskFilter", "TaskRow", "count_tasks", "list_tasks", "task_row"]


def list_tasks(casework: Casework, wanted: TaskFilter, first: int, max_results: int) -> list[TaskRow]:
    with casework.db.reading() as session:
        return engine_rest_dao.list_tasks(session, wanted, first, max_results)


def count_tasks(casework: Casework, wanted: TaskFilter) -> int:
    with casework.db.reading() as session:
        return engine_rest_dao.count_tasks(session, wanted)


def task_row(casework: Casework, task_id: str, scope: ProcessScope = ProcessScope()) -> TaskRow | None:
    """The open task with this id, or None; None too for a task of a process outside ``scope``."""
    rows = list_tasks(casework, TaskFilter(task_id=task_id, scope=scope), 0, 1)
    return rows[0] if rows else None
