"""Where a case went, read from its audit chain."""

from __future__ import annotations

from service.cases.cases import complete_task, start_case
from service.dao import tasks_dao
from service.history.steps_taken import steps_taken
from tests.service.cases.test_cases import _open_task
from tests.service.conftest import deploy_fixture


def test_each_step_names_the_elements_it_completed_oldest_first(runtime, people):
    assert steps_taken(runtime.casework, "UB-NOPE") is None
    deploy_fixture(runtime, "three_tasks.bpmn")
    casey = people["casey"]
    reference = start_case(runtime.casework, casey, {"customer_reference": "C-1"}, process_id="three_tasks").reference
    task = _open_task(runtime, reference)
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=casey.user_id, now=runtime.clock.now())
    complete_task(runtime.casework, casey, task.id, {"note": "done"})

    taken = steps_taken(runtime.casework, reference)
    assert taken.version.process_id == "three_tasks"
    assert [step.seq for step in taken.steps] == sorted(step.seq for step in taken.steps)
    completing = [step for step in taken.steps if step.task_id == task.id and step.completed]
    assert completing and task.element_id in completing[-1].completed
