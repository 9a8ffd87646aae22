from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from tests.workflows.conftest import load_fixture
from workflows.engine import NoOneWaiting, TaskNotReady
from workflows.sandbox import SandboxedEnvironment


def test_three_tasks_run_in_order_and_finish(runner_factory):
    run = runner_factory(load_fixture("three_tasks.bpmn"))
    run.start({"customer_reference": "C-1"})
    assert run.ready() == ["Task_First"]
    run.complete("Task_First", {"note": "one"})
    assert run.ready() == ["Task_Second"]
    run.complete("Task_Second", {"note": "two"})
    step = run.complete("Task_Third", {"note": "three"})
    assert step.finished
    assert run.flows == ["Flow_1", "Flow_2", "Flow_3", "Flow_4"]
    assert run.workflow.last_task.data["note"] == "three"


def test_restriction_ends_exactly_twelve_calendar_months_after_the_letter(runner_factory, clock):
    run = runner_factory(load_fixture("restriction_clock.bpmn"))
    run.start({})
    run.complete("Task_Decide", {"decision": "restrict", "letter_date": "2026-01-31"})
    assert run.engine.next_timer_due(run.workflow) == datetime(2027, 1, 31, 0, 0, tzinfo=UTC)

    clock.set(datetime(2027, 1, 30, 23, 59, tzinfo=UTC))
    assert run.fire().completed == []
    clock.set(datetime(2027, 1, 31, 0, 0, 1, tzinfo=UTC))
    step = run.fire()
    assert step.finished
    assert "Event_Expiry" in step.completed and "Flow_ToEnded" in step.taken_flows


def test_an_appeal_does_not_restart_the_twelve_months(runner_factory, clock):
    run = runner_factory(load_fixture("restriction_clock.bpmn"))
    run.start({})
    run.complete("Task_Decide", {"decision": "restrict", "letter_date": "2026-01-31"})
    clock.set(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    run.message("appeal_received", {"grounds": "unfair"})
    assert run.ready() == ["Task_Hear"]
    assert run.engine.ready_user_tasks(run.workflow)[0].data["appeal_received"] == {"grounds": "unfair"}
    run.complete("Task_Hear", {})
    run.complete("Task_Decide", {"decision": "restrict", "letter_date": "2026-01-31"})
    assert run.engine.next_timer_due(run.workflow) == datetime(2027, 1, 31, 0, 0, tzinfo=UTC)


def test_a_message_nobody_waits_for_is_refused(runner_factory):
    run = runner_factory(load_fixture("restriction_clock.bpmn"))
    run.start({})
    with pytest.raises(NoOneWaiting):
        run.message("appeal_received", {})


def test_completing_a_task_twice_is_refused(engine):
    definition = load_fixture("three_tasks.bpmn")
    workflow, _ = engine.start(definition, {})
    task = engine.ready_user_tasks(workflow)[0]
    engine.complete_task(workflow, task.id, {})
    with pytest.raises(TaskNotReady):
        engine.complete_task(workflow, task.id, {})
    with pytest.raises(TaskNotReady):
        engine.complete_task(workflow, "not-a-uuid", {})


def test_restored_workflows_evaluate_in_the_sandbox(engine):
    definition = load_fixture("restriction_clock.bpmn")
    workflow, _ = engine.start(definition, {})
    restored = engine.load(definition, orjson.loads(orjson.dumps(engine.dump(workflow))))
    assert isinstance(restored.script_engine.environment, SandboxedEnvironment)


def test_state_leaves_the_spec_out(engine):
    definition = load_fixture("restriction_clock.bpmn")
    workflow, _ = engine.start(definition, {"customer_reference": "C-1"})
    state = orjson.dumps(engine.dump(workflow))
    assert b'"spec"' not in state.replace(b'"task_spec"', b"")
    assert len(state) < 6000


def test_state_restores_whatever_order_the_store_kept_its_keys_in(engine):
    """PostgreSQL's JSONB sorts object keys; the task tree must come back whole regardless."""
    definition = load_fixture("three_tasks.bpmn")
    workflow, _ = engine.start(definition, {"customer_reference": "C-1"})
    task = engine.ready_user_tasks(workflow)[0]
    engine.complete_task(workflow, task.id, {"note": "one"})
    state = engine.dump(workflow)
    tasks = state["workflow"]["tasks"]
    state["workflow"]["tasks"] = dict(sorted(tasks.items(), key=lambda item: item[0][::-1]))
    restored = engine.load(definition, orjson.loads(orjson.dumps(state)))
    second = engine.ready_user_tasks(restored)[0]
    assert second.data["customer_reference"] == "C-1" and second.data["note"] == "one"
    engine.complete_task(restored, second.id, {"note": "two"})
    assert engine.data_at(restored, "Task_Second")["customer_reference"] == "C-1"
