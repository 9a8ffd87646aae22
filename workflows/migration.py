"""Moving a running case onto a newer version of its process.

SpiffWorkflow's ``diff_workflow`` aligns the case's tasks with the new version's task specs; this
module adds the policy's rule on top: a case may move only if every step it has reached (done, or
waiting at now) is unchanged in the new version, so only steps still ahead of it differ. Changes
SpiffWorkflow cannot see, because the service reads them from the XML itself (form, candidate
groups, assignee, due date, ``camunda:property`` values), count as well.

Moving resets the tasks the case is waiting at, which recomputes timer deadlines from the data;
a deadline already set (possibly moved on purpose since, as an extension does) is kept instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import WorkflowDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from workflows.definitions import ProcessDefinition

# Steps a case has reached: done, or where it is now. FUTURE, LIKELY and MAYBE are only predictions.
REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
_UNORDERED = ("inputs", "outputs")
_registry = BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG)


class MigrationRefused(ValueError):
    """The case has reached a step that the new version changes or removes."""


@dataclass(frozen=True)
class BlockingStep:
    element_id: str
    name: str
    reason: str


@dataclass(frozen=True)
class MigrationPlan:
    workflow: BpmnWorkflow
    new: ProcessDefinition
    blocking: tuple[BlockingStep, ...]
    top_diff: WorkflowDiff
    subprocess_diffs: Mapping[Any, WorkflowDiff | None]

    @property
    def allowed(self) -> bool:
        return not self.blocking


def plan_migration(workflow: BpmnWorkflow, old: ProcessDefinition, new: ProcessDefinition) -> MigrationPlan:
    """Which steps, if any, stop ``workflow`` (a case of ``old``) from moving onto ``new``."""
    if old.process_id != new.process_id:
        raise ValueError(f"{old.process_id} and {new.process_id} are different processes")
    top_diff, subprocess_diffs = diff_workflow(_registry, workflow, new.spec, dict(new.subprocess_specs))
    blocking: dict[str, BlockingStep] = {}
    for diff in [top_diff, *subprocess_diffs.values()]:
        if diff is None:
            blocking["subprocess"] = BlockingStep("", "a subprocess", "it is no longer in the new version")
            continue
        for task, reason in _reached_changes(diff, old, new):
            element_id = _element_of(task.task_spec.name, old)
            blocking.setdefault(element_id, BlockingStep(element_id, old.element_names.get(element_id, element_id),
                                                         reason))
    return MigrationPlan(workflow, new, tuple(blocking.values()), top_diff, subprocess_diffs)


def apply_migration(plan: MigrationPlan) -> None:
    """Move the case onto the new version, in place. Raises MigrationRefused if it may not move."""
    if not plan.allowed:
        names = ", ".join(step.name for step in plan.blocking)
        raise MigrationRefused(f"The case has already reached steps that the new version changes: {names}.")
    workflow = plan.workflow
    deadlines = _timer_deadlines(workflow)
    workflow.subprocess_specs = dict(plan.new.subprocess_specs)
    migrate_workflow(plan.top_diff, workflow, plan.new.spec)
    for sub_id, diff in plan.subprocess_diffs.items():
        subworkflow = workflow.subprocesses[sub_id]
        migrate_workflow(diff, subworkflow, plan.new.subprocess_specs[subworkflow.spec.name])
    _restore_deadlines(workflow, deadlines)


def _reached_changes(diff: WorkflowDiff, old: ProcessDefinition, new: ProcessDefinition):
    for task in diff.removed:
        if task.state & REACHED:
            yield task, "it is not in the new version"
    for task, new_spec in diff.alignment.items():
        if not task.state & REACHED or new_spec is None:
            continue
        changes = _spec_changes(task.task_spec, new_spec)
        element_id = task.task_spec.bpmn_id
        if element_id and _service_facts(old, element_id) != _service_facts(new, new_spec.bpmn_id):
            changes.append("its form, assignment, due date or properties")
        if changes:
            yield task, f"it changes in the new version ({', '.join(changes)})"


def _spec_changes(old_spec, new_spec) -> list[str]:
    before, after = _registry.convert(old_spec), _registry.convert(new_spec)
    if before.get("typename") != after.get("typename"):
        return ["its type"]
    changed = []
    for key in sorted(before.keys() | after.keys()):
        first, second = before.get(key), after.get(key)
        if key in _UNORDERED:
            first, second = sorted(first or []), sorted(second or [])
        elif key == "cond_task_specs":
            # The parser orders conditions by the layout; moving a shape is not a change.
            first, second = _by_target(first), _by_target(second)
        if first != second:
            changed.append(_word(key))
    return changed


def _by_target(conditions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return sorted(conditions or [], key=lambda c: (c["task_spec"], c["condition"] or ""))


def _service_facts(definition: ProcessDefinition, element_id: str | None) -> tuple[Any, ...]:
    return (
        definition.user_tasks.get(element_id),
        definition.case_events.get(element_id),
        definition.timers.get(element_id),
    )


def _element_of(spec_name: str, definition: ProcessDefinition) -> str:
    """The BPMN element behind a task spec; the engine's own specs are named after it (``Task.BoundaryEventSplit``)."""
    owner = spec_name.split(".")[0]
    return owner if owner in definition.element_names else spec_name


def _word(key: str) -> str:
    return {
        "bpmn_name": "name", "outputs": "what follows it", "inputs": "what leads to it",
        "cond_task_specs": "conditions", "event_definition": "event", "extensions": "properties",
        "form": "form",
    }.get(key, key.replace("_", " "))


def _timer_deadlines(workflow: BpmnWorkflow) -> dict[Any, tuple[str, Any]]:
    return {
        task.id: (task.task_spec.name, task.internal_data["event_value"])
        for task in workflow.get_tasks(state=TaskState.WAITING)
        if "event_value" in task.internal_data
    }


def _restore_deadlines(workflow: BpmnWorkflow, deadlines: Mapping[Any, tuple[str, Any]]) -> None:
    for task in workflow.get_tasks(state=TaskState.WAITING):
        kept = deadlines.get(task.id)
        if kept is not None and kept[0] == task.task_spec.name:
            task.internal_data["event_value"] = kept[1]
