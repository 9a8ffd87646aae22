"""Moving a running case onto a newer version: only when every step it has reached is unchanged."""

from __future__ import annotations

import orjson
import pytest
from SpiffWorkflow.util.task import TaskState

from tests.workflows.conftest import FIXTURES
from workflows.definitions import parse_definitions
from workflows.migration import MigrationRefused, apply_migration, plan_migration

THREE = (FIXTURES / "three_tasks.bpmn").read_text()
WITH_EXTRA = THREE.replace(
    '<bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Second" targetRef="Task_Third"/>',
    '<bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Second" targetRef="Task_Extra"/>'
    '<bpmn:userTask id="Task_Extra" name="Extra step" camunda:formKey="note" camunda:candidateGroups="caseworker">'
    '<bpmn:incoming>Flow_3</bpmn:incoming><bpmn:outgoing>Flow_Extra</bpmn:outgoing></bpmn:userTask>'
    '<bpmn:sequenceFlow id="Flow_Extra" sourceRef="Task_Extra" targetRef="Task_Third"/>',
)
START = {"customer_reference": "C-1"}


def _definition(xml: str):
    return parse_definitions(xml.encode())[0]


def _case_at(engine, definition, element_id: str):
    workflow, _ = engine.start(definition, START)
    while (ready := engine.ready_user_tasks(workflow))[0].element_id != element_id:
        engine.complete_task(workflow, ready[0].id, {"note": "done"})
    return workflow


def _ready(engine, workflow) -> list[str]:
    return [t.element_id for t in engine.ready_user_tasks(workflow)]


def test_a_case_waiting_before_the_changed_step_moves_and_takes_the_new_step(engine):
    old, new = _definition(THREE), _definition(WITH_EXTRA)
    workflow = _case_at(engine, old, "Task_First")
    waiting_task = engine.ready_user_tasks(workflow)[0].id
    plan = plan_migration(workflow, old, new)
    assert plan.allowed and plan.blocking == ()
    apply_migration(plan)
    # Saved and restored as the new version, the case keeps its open task (the same task id) ...
    state = orjson.loads(orjson.dumps(engine.dump(workflow)))
    moved = engine.load(new, state)
    assert [t.id for t in engine.ready_user_tasks(moved)] == [waiting_task]
    # ... and then goes through the step that was added.
    path = []
    while ready := engine.ready_user_tasks(moved):
        path.append(ready[0].element_id)
        engine.complete_task(moved, ready[0].id, {"note": "done"})
    assert path == ["Task_First", "Task_Second", "Task_Extra", "Task_Third"]
    assert engine.is_finished(moved)


@pytest.mark.parametrize(("at", "blocked_by"), [
    ("Task_Second", [("Task_Second", "Second step", "it changes in the new version (what follows it)")]),
    ("Task_Third", [("Task_Second", "Second step", "it changes in the new version (what follows it)"),
                    ("Task_Third", "Third step", "it changes in the new version (what leads to it)")]),
])
def test_a_case_at_or_past_the_changed_step_may_not_move(engine, at, blocked_by):
    old, new = _definition(THREE), _definition(WITH_EXTRA)
    workflow = _case_at(engine, old, at)
    plan = plan_migration(workflow, old, new)
    assert not plan.allowed
    assert [(b.element_id, b.name, b.reason) for b in plan.blocking] == blocked_by
    with pytest.raises(MigrationRefused, match="already reached steps that the new version changes"):
        apply_migration(plan)
    assert _ready(engine, workflow) == [at]  # untouched


def test_changes_read_from_the_xml_count_too_form_groups_due_date(engine):
    old = _definition(THREE)
    new_groups = _definition(THREE.replace(
        'name="First step" camunda:formKey="note" camunda:candidateGroups="caseworker"',
        'name="First step" camunda:formKey="note" camunda:candidateGroups="head_of_service"'))
    at_first = _case_at(engine, old, "Task_First")
    blocking = plan_migration(at_first, old, new_groups).blocking
    assert [(b.element_id, b.reason) for b in blocking] == [
        ("Task_First", "it changes in the new version (its form, assignment, due date or properties)"),
    ]
    new_due = _definition(THREE.replace('camunda:dueDate="5 working days"', 'camunda:dueDate="2 working days"'))
    assert not plan_migration(_case_at(engine, old, "Task_Third"), old, new_due).allowed  # First is done: reached
    later = _definition(THREE.replace('name="Third step"', 'name="Last step"'))
    assert plan_migration(_case_at(engine, old, "Task_Second"), old, later).allowed


def test_moving_a_waiting_case_keeps_its_timer_deadline(engine):
    xml = (FIXTURES / "restriction_clock.bpmn").read_text()
    old, new = _definition(xml), _definition(xml.replace('name="Hear the appeal"', 'name="Hear the appeal fairly"'))
    workflow, _ = engine.start(old, START)
    engine.complete_task(workflow, engine.ready_user_tasks(workflow)[0].id,
                         {"decision": "restrict", "letter_date": "2026-01-15"})
    gateway = workflow.get_tasks(state=TaskState.WAITING)[0]
    # An extension rewrote the stored deadline; the data alone would give 15 January 2027.
    gateway.internal_data["event_value"] = "2027-03-01T00:00:00+00:00"
    plan = plan_migration(workflow, old, new)
    assert plan.allowed
    apply_migration(plan)
    assert engine.next_timer_due(workflow).isoformat() == "2027-03-01T00:00:00+00:00"
    assert engine.waiting_elements(workflow) == ["Gateway_Wait"]


def test_only_versions_of_the_same_process(engine):
    old = _definition(THREE)
    other = _definition(THREE.replace('id="three_tasks"', 'id="four_tasks"'))
    with pytest.raises(ValueError, match="different processes"):
        plan_migration(_case_at(engine, old, "Task_First"), old, other)
