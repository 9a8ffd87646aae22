"""Reading human tasks: filtered pages, a count, one by id."""

from __future__ import annotations

from service.cases.cases import start_case
from service.dao import tasks_dao
from service.tasks.task_listing import TaskFilter, count_tasks, list_tasks, task_row
from tests.service.conftest import deploy_fixture


def test_tasks_are_filtered_paged_counted_and_found_by_id(runtime, people):
    deploy_fixture(runtime, "three_tasks.bpmn")
    references = [start_case(runtime.casework, people["casey"], {"customer_reference": f"C-{n}"},
                                              process_id="three_tasks").reference for n in range(2)]
    everything = TaskFilter(process_definition_key="three_tasks")
    rows = list_tasks(runtime.casework, everything, 0, 10)
    assert sorted(row.business_key for row in rows) == sorted(references)
    assert count_tasks(runtime.casework, everything) == 2
    assert [row.task.id for row in list_tasks(runtime.casework, everything, 1, 5)] == [rows[1].task.id]

    with runtime.db.transaction() as session:
        tasks_dao.claim(session, rows[0].task.id, user_id=people["casey"].user_id, now=runtime.clock.now())
    [held] = list_tasks(runtime.casework, TaskFilter(assignee="casey"), 0, 10)
    assert (held.task.id, held.assignee) == (rows[0].task.id, "casey")
    assert count_tasks(runtime.casework, TaskFilter(unassigned=True)) == 1
    assert task_row(runtime.casework, rows[1].task.id).business_key == rows[1].business_key
    assert task_row(runtime.casework, "no-such-task") is None
