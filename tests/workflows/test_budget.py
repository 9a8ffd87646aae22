"""Every request or timer step runs within a budget of engine tasks, new tasks, time and state size:
a loop with no wait state, a huge multi-instance and a zero-interval cycle are stopped part-way
instead of running for minutes, and a stopped step never marks the case finished."""

from __future__ import annotations

import pytest

from workflows.budget import BudgetExceeded, StepBudget
from workflows.definitions import parse_definitions
from workflows.engine import CaseEngine

HEAD = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs" targetNamespace="x">
  <bpmn:process id="budgeted" isExecutable="true">
    <bpmn:startEvent id="Begin"><bpmn:outgoing>F0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_First" name="First"><bpmn:incoming>F0</bpmn:incoming><bpmn:outgoing>F1</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F0" sourceRef="Begin" targetRef="Task_First"/>
"""
TAIL = b"""    <bpmn:userTask id="Task_Next" name="Next">
      <bpmn:incoming>F9</bpmn:incoming><bpmn:outgoing>F10</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End_Done"><bpmn:incoming>F10</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F10" sourceRef="Task_Next" targetRef="End_Done"/>
  </bpmn:process>
</bpmn:definitions>
"""
# A loop the deploy check cannot see (a standard loop whose condition is data): the budget stops it.
LOOP = b"""
    <bpmn:scriptTask id="Script_Count" name="Count"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F9</bpmn:outgoing>
      <bpmn:standardLoopCharacteristics><bpmn:loopCondition>n &lt; 10 ** 9</bpmn:loopCondition>
      </bpmn:standardLoopCharacteristics>
      <bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="F1" sourceRef="Task_First" targetRef="Script_Count"/>
    <bpmn:sequenceFlow id="F9" sourceRef="Script_Count" targetRef="Task_Next"/>
"""
MULTI = b"""
    <bpmn:scriptTask id="Script_Many" name="Many"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F9</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics isSequential="false">
        <bpmn:loopCardinality>copies</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>
      <bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="F1" sourceRef="Task_First" targetRef="Script_Many"/>
    <bpmn:sequenceFlow id="F9" sourceRef="Script_Many" targetRef="Task_Next"/>
"""
CYCLE = b"""
    <bpmn:userTask id="Task_Wait" name="Wait"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F9</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="Timer_Again" attachedToRef="Task_Wait" cancelActivity="false">
      <bpmn:outgoing>F_Tick</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeCycle>cycle</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="Script_Tick" name="Tick">
      <bpmn:incoming>F_Tick</bpmn:incoming><bpmn:outgoing>F_Done</bpmn:outgoing>
      <bpmn:script>ticks = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="End_Tick"><bpmn:incoming>F_Done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Task_First" targetRef="Task_Wait"/>
    <bpmn:sequenceFlow id="F_Tick" sourceRef="Timer_Again" targetRef="Script_Tick"/>
    <bpmn:sequenceFlow id="F_Done" sourceRef="Script_Tick" targetRef="End_Tick"/>
    <bpmn:sequenceFlow id="F9" sourceRef="Task_Wait" targetRef="Task_Next"/>
"""
SMALL = StepBudget(max_steps=300, max_tasks_created=600, max_seconds=30, max_state_bytes=200_000)


def _definition(middle: bytes):
    return parse_definitions(HEAD + middle + TAIL, "budgeted.bpmn")[0]


@pytest.fixture
def engine(clock) -> CaseEngine:
    return CaseEngine(clock, SMALL)


def _first(engine: CaseEngine, middle: bytes, data: dict):
    definition = _definition(middle)
    workflow, _ = engine.start(definition, data)
    [first] = engine.ready_user_tasks(workflow)
    return definition, workflow, first.id


def test_a_loop_with_no_wait_state_is_stopped_and_never_closes_the_case(engine):
    _, workflow, first = _first(engine, LOOP, {"n": 0})
    with pytest.raises(BudgetExceeded, match="more than 300 engine tasks") as stopped:
        engine.complete_task(workflow, first, {})
    assert stopped.value.element_id == "Script_Count"
    assert not engine.is_finished(workflow)


def test_a_huge_multi_instance_is_stopped_while_it_creates_its_tasks(engine):
    _, workflow, first = _first(engine, MULTI, {"copies": 100_000})
    with pytest.raises(BudgetExceeded, match="created more than 600 tasks"):
        engine.complete_task(workflow, first, {})
    assert len(workflow.tasks) < 1_000  # stopped part-way, not after building 100,000


def test_a_multi_instance_within_the_budget_runs(engine):
    definition, workflow, first = _first(engine, MULTI, {"copies": 20})
    engine.complete_task(workflow, first, {})
    assert [t.element_id for t in engine.ready_user_tasks(workflow)] == ["Task_Next"]
    restored = engine.load(definition, engine.dump(workflow))  # the meter is not left behind
    assert type(restored.tasks) is dict and type(workflow.tasks) is dict


def test_a_zero_interval_cycle_timer_is_stopped(engine, clock):
    _, workflow, first = _first(engine, CYCLE, {"cycle": "R/PT0S"})  # from data: the deploy check cannot see it
    engine.complete_task(workflow, first, {})
    clock.advance(seconds=1)  # due again the moment it fires: one refresh would never end
    with pytest.raises(BudgetExceeded, match="created more than 600 tasks"):
        engine.fire_due_timers(workflow)


def test_state_larger_than_a_case_may_keep_is_refused_when_saved(engine):
    definition, workflow, first = _first(engine, MULTI, {"copies": 1, "notes": "x" * 300_000})
    with pytest.raises(BudgetExceeded, match="more than the 200,000 one case may keep"):
        engine.dump(workflow)


def test_the_wall_clock_budget_stops_a_step(clock):
    engine = CaseEngine(clock, StepBudget(max_seconds=0.0))
    _, workflow, first = _first(CaseEngine(clock, SMALL), LOOP, {"n": 0})
    with pytest.raises(BudgetExceeded, match="ran for more than 0 seconds"):
        engine.complete_task(workflow, first, {})
