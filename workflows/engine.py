"""Running cases: start, complete user tasks, deliver messages, fire timers, save and restore.

Every workflow this module hands out, including one just restored from storage, evaluates its
expressions in the sandbox: SpiffWorkflow gives a restored workflow its default (unrestricted)
script engine back, so ``load`` sets ours every time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions import ErrorEventDefinition
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from workflows import calendar as policy_calendar
from workflows import clock as clocks
from workflows.budget import BudgetExceeded, BudgetMeter, MeteredTasks, StepBudget
from workflows.definitions import ProcessDefinition
from workflows.sandbox import make_script_engine
from workflows.state import dump_state, load_state
from workflows.timer_expressions import timer_functions
from workflows.waiting_timers import WaitingTimer, move_timer, timer_instants, waiting_timers

# A flow counts as taken once the element it leads to is reached. Catch events behind an
# event-based gateway sit in MAYBE until one of them actually fires, so they are not counted early.
_REACHED = TaskState.WAITING | TaskState.READY | TaskState.STARTED | TaskState.COMPLETED
_MAX_TIMER_ROUNDS = 20
_WAITING = TaskState.WAITING | TaskState.READY | TaskState.STARTED


__all__ = ["BudgetExceeded", "CaseEngine", "NoOneWaiting", "ReadyTask", "StepResult", "TaskNotReady"]


class TaskNotReady(LookupError):
    """The task is not (or no longer) waiting for a person: completed, cancelled or never existed."""


class NoOneWaiting(LookupError):
    """A message arrived that nothing in the case is waiting for."""


@dataclass(frozen=True)
class ReadyTask:
    id: str
    element_id: str
    name: str
    lane: str | None
    data: Mapping[str, Any]


@dataclass(frozen=True)
class WaitingExternalTask:
    """An external element that has started and waits for a worker (see ``workflows.external_tasks``)."""

    id: str
    element_id: str
    data: Mapping[str, Any]


class ErrorNotCaught(LookupError):
    """A BPMN error was thrown where no error boundary event catches it."""


@dataclass(frozen=True)
class StepResult:
    completed: list[str]
    taken_flows: list[str]
    finished: bool


def sandbox_functions() -> dict[str, Any]:
    """Date helpers BPMN scripts may call; they take and return ISO strings so task data stays JSON."""

    def add_months(iso_date: str, months: int) -> str:
        return policy_calendar.add_months(date.fromisoformat(iso_date), int(months)).isoformat()

    def start_of_day_utc(iso_date: str) -> str:
        return policy_calendar.iso_utc(policy_calendar.start_of_day(date.fromisoformat(iso_date)))

    return {"add_months": add_months, "start_of_day_utc": start_of_day_utc, **timer_functions()}


class CaseEngine:
    def __init__(self, clock: clocks.Clock | None = None, budget: StepBudget | None = None) -> None:
        if clock is not None:
            clocks.install(clock)
        self.script_engine = make_script_engine(sandbox_functions())
        self.budget = budget or StepBudget()
        self._definitions: dict[int, ProcessDefinition] = {}

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, definition: ProcessDefinition, data: Mapping[str, Any]) -> tuple[BpmnWorkflow, StepResult]:
        """A new case of ``definition`` with the start form's ``data``, run up to its first wait."""
        workflow = BpmnWorkflow(definition.spec, dict(definition.subprocess_specs), script_engine=self.script_engine)
        self._remember(workflow, definition)
        workflow.get_tasks(state=TaskState.READY)[0].data.update(data)
        step = self._advance(workflow, definition, lambda: _engine_steps(workflow))
        return workflow, step

    def dump(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """The state to store; BudgetExceeded if it is larger than one case may keep."""
        state = dump_state(workflow)
        size = len(orjson.dumps(state, option=orjson.OPT_NON_STR_KEYS, default=str))
        if size > self.budget.max_state_bytes:
            BudgetMeter(self.budget).check_state(size)
        return state

    def load(self, definition: ProcessDefinition, state: Mapping[str, Any]) -> BpmnWorkflow:
        workflow = load_state(state, definition.spec, definition.subprocess_specs)
        workflow.script_engine = self.script_engine
        self._remember(workflow, definition)
        return workflow

    # -- people ----------------------------------------------------------------------------

    def ready_user_tasks(self, workflow: BpmnWorkflow) -> list[ReadyTask]:
        return [
            ReadyTask(str(t.id), t.task_spec.bpmn_id, t.task_spec.bpmn_name or t.task_spec.bpmn_id,
                      t.task_spec.lane, t.data)
            for t in workflow.get_tasks(state=TaskState.READY, manual=True)
        ]

    def complete_task(self, workflow: BpmnWorkflow, task_id: str, data: Mapping[str, Any]) -> StepResult:
        task = self._ready_task(workflow, task_id)

        def run() -> None:
            task.data.update(data)
            task.run()
            _engine_steps(workflow)

        return self._advance(workflow, self._definition(workflow), run)

    def deliver_message(self, workflow: BpmnWorkflow, name: str, payload: Mapping[str, Any]) -> StepResult:
        """Deliver message ``name`` to whatever in the case waits for it.

        The payload's fields become variables in the case's data (as Camunda's correlation with process
        variables does), and the whole payload is also kept under the message's name. SpiffWorkflow alone
        would keep it only under a variable the catch event names, and drop it otherwise.
        """
        if not self.waits_for_message(workflow, name):
            raise NoOneWaiting(name)
        event = BpmnEvent(MessageEventDefinition(name), payload={"payload": dict(payload), "result_var": name})

        def run() -> None:
            workflow.send_event(event)
            for task in workflow.get_tasks(state=TaskState.WAITING | TaskState.READY):
                if name in task.internal_data or event in task.internal_data.get("seen_events", ()):
                    task.data.update(payload)
            _engine_steps(workflow)

        return self._advance(workflow, self._definition(workflow), run)

    def waits_for_message(self, workflow: BpmnWorkflow, name: str) -> bool:
        for task in workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            # An event-based gateway waits on several definitions at once.
            for candidate in getattr(definition, "event_definitions", None) or [definition]:
                if isinstance(candidate, MessageEventDefinition) and candidate.name == name:
                    return True
        return False

    # -- external tasks --------------------------------------------------------------------

    def waiting_external_tasks(self, workflow: BpmnWorkflow) -> list[WaitingExternalTask]:
        external = self._definition(workflow).external_tasks
        return [WaitingExternalTask(str(t.id), t.task_spec.bpmn_id, t.data)
                for t in workflow.get_tasks(state=TaskState.STARTED) if t.task_spec.bpmn_id in external]

    def complete_external_task(self, workflow: BpmnWorkflow, task_id: str, data: Mapping[str, Any]) -> StepResult:
        task = self._waiting_external(workflow, task_id)

        def run() -> None:
            task.data.update(data)
            task.complete()
            workflow.do_engine_steps()

        return self._advance(workflow, self._definition(workflow), run)

    def throw_bpmn_error(self, workflow: BpmnWorkflow, task_id: str, code: str, data: Mapping[str, Any]) -> StepResult:
        """The worker reports a business error: an error boundary event on the element (or on a
        subprocess around it) with this code, or with none, takes the case on. Raises ErrorNotCaught,
        leaving the workflow as it was for the caller to discard, when none does."""
        task = self._waiting_external(workflow, task_id)

        def run() -> None:
            task.data.update(data)
            event = BpmnEvent(ErrorEventDefinition(code, code=code), payload=dict(data), target=task.workflow)
            task.workflow.top_workflow.catch(event)
            workflow.do_engine_steps()
            if task.state == TaskState.STARTED:  # a boundary event that caught it would have cancelled it
                raise ErrorNotCaught(code)

        return self._advance(workflow, self._definition(workflow), run)

    def _waiting_external(self, workflow: BpmnWorkflow, task_id: str):
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except (ValueError, KeyError, TypeError):
            raise TaskNotReady(task_id) from None
        if (task is None or task.state != TaskState.STARTED
                or task.task_spec.bpmn_id not in self._definition(workflow).external_tasks):
            raise TaskNotReady(task_id)
        return task

    # -- time ------------------------------------------------------------------------------

    def fire_due_timers(self, workflow: BpmnWorkflow) -> StepResult:
        def run() -> None:
            # A timer that fires can lead straight to another that is already due (a worker that
            # was down past both a review date and an end date): keep going until none is.
            for _ in range(_MAX_TIMER_ROUNDS):
                workflow.refresh_timers()
                _engine_steps(workflow)
                due = self.next_timer_due(workflow)
                if due is None or due > clocks.active().now():
                    break

        return self._advance(workflow, self._definition(workflow), run)

    def next_timer_due(self, workflow: BpmnWorkflow) -> datetime | None:
        return min(timer_instants(workflow), default=None)

    def waiting_timers(self, workflow: BpmnWorkflow) -> list[WaitingTimer]:
        return waiting_timers(workflow, self._definition(workflow).element_names)

    def move_timer(self, workflow: BpmnWorkflow, element_id: str, due: datetime) -> None:
        """Make the waiting timer at ``element_id`` fall due at ``due`` (raises LookupError if none waits there)."""
        move_timer(workflow, element_id, due)

    def current_data(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """The case's data now: what the waiting steps hold (or, once finished, what it ended with)."""
        if workflow.is_completed():
            return dict(workflow.data)
        data: dict[str, Any] = {}
        for task in workflow.get_tasks(state=_WAITING):
            if task.task_spec.bpmn_id:
                data.update(task.data)
        return data

    def set_waiting_data(self, workflow: BpmnWorkflow, data: Mapping[str, Any], element_id: str = "") -> int:
        """Write ``data`` into the steps waiting now (only at ``element_id``, if given). Returns how many."""
        waiting = [t for t in workflow.get_tasks(state=_WAITING)
                   if t.task_spec.bpmn_id and (not element_id or t.task_spec.bpmn_id == element_id)]
        for task in waiting:
            task.data.update(data)
        return len(waiting)

    def data_at(self, workflow: BpmnWorkflow, element_id: str) -> Mapping[str, Any]:
        """The data as it stood when ``element_id`` last completed (read-only; empty if it never did)."""
        done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id == element_id]
        return max(done, key=lambda t: t.last_state_change).data if done else {}

    def is_finished(self, workflow: BpmnWorkflow) -> bool:
        return workflow.is_completed()

    def waiting_elements(self, workflow: BpmnWorkflow) -> list[str]:
        states = TaskState.READY | TaskState.WAITING | TaskState.STARTED
        return sorted({t.task_spec.bpmn_id for t in workflow.get_tasks(state=states) if t.task_spec.bpmn_id})

    # -- internals -------------------------------------------------------------------------

    def _remember(self, workflow: BpmnWorkflow, definition: ProcessDefinition) -> None:
        workflow.process_definition = definition  # type: ignore[attr-defined]

    def _definition(self, workflow: BpmnWorkflow) -> ProcessDefinition:
        return workflow.process_definition  # type: ignore[attr-defined]

    def _ready_task(self, workflow: BpmnWorkflow, task_id: str):
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except (ValueError, KeyError, TypeError):
            raise TaskNotReady(task_id) from None
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(task_id)
        return task

    def _advance(self, workflow: BpmnWorkflow, definition: ProcessDefinition, action) -> StepResult:
        """Run ``action`` within the engine's step budget: BudgetExceeded stops it part-way (the
        caller then discards the workflow, so nothing of the step is kept)."""
        before = {t.id: t.state for t in workflow.get_tasks()}
        meter = BudgetMeter(self.budget)
        workflow.budget_meter = meter  # type: ignore[attr-defined]
        _meter_tasks(workflow, meter)
        try:
            action()
        finally:
            workflow.budget_meter = None  # type: ignore[attr-defined]
            _unmeter_tasks(workflow)
        completed: list[str] = []
        flows: list[str] = []
        for task in workflow.get_tasks():
            was = before.get(task.id, TaskState.FUTURE)
            element = task.task_spec.bpmn_id
            if element is None:
                continue
            if task.state == TaskState.COMPLETED and was != TaskState.COMPLETED:
                completed.append(element)
            if task.state & _REACHED and not was & _REACHED:
                flow = _incoming_flow(definition, task)
                if flow:
                    flows.append(flow)
        return StepResult(completed, flows, workflow.is_completed())


def _engine_steps(workflow: BpmnWorkflow) -> None:
    meter: BudgetMeter = workflow.budget_meter  # type: ignore[attr-defined]

    def ran(task) -> None:
        meter.task_ran(task)
        _meter_tasks(workflow, meter)  # a subprocess the task started keeps its own task table

    workflow.do_engine_steps(did_complete_task=ran)


def _meter_tasks(workflow: BpmnWorkflow, meter: BudgetMeter) -> None:
    for owner in (workflow, *workflow.subprocesses.values()):
        if type(owner.tasks) is not MeteredTasks:
            owner.tasks = MeteredTasks(owner.tasks, meter)


def _unmeter_tasks(workflow: BpmnWorkflow) -> None:
    for owner in (workflow, *workflow.subprocesses.values()):
        if type(owner.tasks) is MeteredTasks:
            owner.tasks = dict(owner.tasks)


def _incoming_flow(definition: ProcessDefinition, task) -> str | None:
    parent = task.parent
    while parent is not None and parent.task_spec.bpmn_id is None:
        parent = parent.parent
    if parent is None:
        return None
    return definition.flow_between(parent.task_spec.bpmn_id, task.task_spec.bpmn_id)
