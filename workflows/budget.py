"""How much engine work one request or one timer may do before it is stopped.

The sandbox bounds each expression; this bounds the step around them: how many tasks the engine may
run, how many it may create (a multi-instance of 100,000, a zero-interval cycle timer, a loop with no
wait state all create tasks without end), the wall-clock time, and the size of the state it leaves.
Task creation is counted where SpiffWorkflow records each new task (``workflow.tasks``), so a
single engine task that creates thousands of others is stopped part-way, not after.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


class BudgetExceeded(RuntimeError):
    """The step did more work than one request or timer may. ``reason`` is safe to show anyone."""

    def __init__(self, reason: str, element_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.element_id = element_id


@dataclass(frozen=True)
class StepBudget:
    max_steps: int = 2_000
    max_tasks_created: int = 5_000
    max_seconds: float = 10.0
    max_state_bytes: int = 2_000_000


class BudgetMeter:
    """One step's spending against a StepBudget."""

    __slots__ = ("budget", "deadline", "steps", "created", "element_id")

    def __init__(self, budget: StepBudget) -> None:
        self.budget = budget
        self.deadline = time.monotonic() + budget.max_seconds
        self.steps = 0
        self.created = 0
        self.element_id = ""

    def task_ran(self, task: Any) -> None:
        self.steps += 1
        self.element_id = task.task_spec.bpmn_id or self.element_id
        if self.steps > self.budget.max_steps:
            raise BudgetExceeded(f"the step ran more than {self.budget.max_steps} engine tasks without waiting "
                                 "(a loop with no wait state?)", self.element_id)
        self._check_clock()

    def task_created(self) -> None:
        self.created += 1
        if self.created > self.budget.max_tasks_created:
            raise BudgetExceeded(f"the step created more than {self.budget.max_tasks_created} tasks "
                                 "(a large multi-instance, a repeating timer or a loop?)", self.element_id)
        if not self.created & 63:  # time.monotonic() on every task would cost more than the task
            self._check_clock()

    def check_state(self, state_bytes: int) -> None:
        if state_bytes > self.budget.max_state_bytes:
            raise BudgetExceeded(f"the case's state would grow to {state_bytes:,} bytes, more than the "
                                 f"{self.budget.max_state_bytes:,} one case may keep", self.element_id)

    def _check_clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"the step ran for more than {self.budget.max_seconds:g} seconds", self.element_id)


class MeteredTasks(dict):
    """``workflow.tasks`` while a step runs: every new task is charged to the meter."""

    __slots__ = ("meter",)

    def __init__(self, tasks: dict, meter: BudgetMeter) -> None:
        super().__init__(tasks)
        self.meter = meter

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in self:
            self.meter.task_created()
        super().__setitem__(key, value)
