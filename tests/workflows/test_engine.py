from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from tests.workflows.conftest import load_fixture
from workflows.definitions import parse_definitions
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


def test_a_timer_fires_at_its_instant_not_a_microsecond_before(runner_factory, clock):
    """The worker claims a case once ``next_timer_due <= now``: the engine must fire it then too."""
    run = runner_factory(load_fixture("restriction_clock.bpmn"))
    run.start({})
    run.complete("Task_Decide", {"decision": "restrict", "letter_date": "2026-01-31"})
    due = run.engine.next_timer_due(run.workflow)
    clock.set(due - timedelta(microseconds=1))
    assert run.fire().completed == []
    clock.set(due)
    assert run.fire().finished


_TWO_TIMERS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs" targetNamespace="x">
  <bpmn:process id="two_timers" isExecutable="true">
    <bpmn:startEvent id="Begin"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="Timer_Review"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate>"2027-01-31T00:00:00+00:00"</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="Timer_End"><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate>"2027-01-31T00:00:00+00:00"</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="Finish"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Begin" targetRef="Timer_Review"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Timer_Review" targetRef="Timer_End"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Timer_End" targetRef="Finish"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_timers_due_at_the_same_instant_fire_in_one_go(engine, clock):
    definition = parse_definitions(_TWO_TIMERS, "two_timers.bpmn")[0]
    workflow, _ = engine.start(definition, {})
    clock.set(datetime(2027, 1, 31, tzinfo=UTC))
    step = engine.fire_due_timers(workflow)
    assert step.finished and step.completed[:2] == ["Timer_Review", "Timer_End"]


def test_a_timer_that_fell_due_during_another_step_stays_due(engine, clock):
    definition = load_fixture("restriction_clock.bpmn")
    workflow, _ = engine.start(definition, {})
    engine.complete_task(workflow, engine.ready_user_tasks(workflow)[0].id,
                         {"decision": "restrict", "letter_date": "2026-01-31"})
    clock.set(datetime(2027, 2, 1, tzinfo=UTC))
    workflow.do_engine_steps()  # as any step does: its closing timer check leaves the timer READY, not run
    assert engine.next_timer_due(workflow) == datetime(2027, 1, 31, tzinfo=UTC)
    assert engine.fire_due_timers(workflow).finished


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
