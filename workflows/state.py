"""Compact workflow state: everything an instance needs except the process spec.

The spec is the same for every instance of a deployed version, so it is stored once per version
and the parsed object is handed back on load (faster than rebuilding it, and it avoids
SpiffWorkflow's habit of mutating a spec dict it restores). What remains is a few KB per case.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from workflows.state_migrations import CURRENT, IncompatibleStateError, UnmigratableState, upgrade_state

__all__ = ["IncompatibleStateError", "UnmigratableState", "dump_state", "load_state", "prune_history"]


class _CompactWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore(
        self, dct: dict[str, Any], spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec]
    ) -> BpmnWorkflow:
        workflow = BpmnWorkflow(spec, dict(subprocess_specs), deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_registry = BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG)
_converter = _CompactWorkflowConverter(BpmnWorkflow, _registry)


def dump_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    prune_history(workflow)
    # The version travels with the state: workflows/state_migrations.py moves older ones forward on load.
    return {"format": CURRENT[0], "spiff": CURRENT[1], "workflow": _converter.to_dict(workflow)}


_DONE = TaskState.COMPLETED | TaskState.CANCELLED


def prune_history(workflow: BpmnWorkflow) -> int:
    """Drop the finished part of the task tree that nothing can reach any more. Returns tasks dropped.

    SpiffWorkflow keeps every task a case ever ran, so a case that loops (repeated informal
    contacts, appeals, extensions) would grow its state, and the cost of each step, for ever. Every
    task still to run descends from the lowest completed common ancestor of the unfinished tasks;
    everything above it is history, which the audit log keeps. Joins stay correct: a branch that reached a
    join is waiting there, so it is unfinished and its path is kept. Workflows with subprocesses are
    left whole (their tasks are linked across trees).
    """
    if workflow.subprocesses:
        return 0
    unfinished = [task for task in workflow.tasks.values() if not task.state & _DONE]
    if not unfinished:
        return 0
    chain = []
    node = unfinished[0]
    while node is not None:
        chain.append(node)
        node = node.parent
    position = {task.id: index for index, task in enumerate(chain)}
    lowest = 0
    for task in unfinished[1:]:
        node = task
        while node.id not in position:
            node = node.parent
        lowest = max(lowest, position[node.id])
    # Keep one finished task above the unfinished ones: a task about to run takes its data from its parent.
    while lowest + 1 < len(chain) and not chain[lowest].state & TaskState.COMPLETED:
        lowest += 1
    root = chain[lowest]
    if root is workflow.task_tree:
        return 0
    keep = set()
    stack = [root]
    while stack:
        task = stack.pop()
        keep.add(task.id)
        stack.extend(task.children)
    dropped = [task_id for task_id in workflow.tasks if task_id not in keep]
    for task_id in dropped:
        del workflow.tasks[task_id]
    workflow.task_tree = root
    if workflow.last_task is not None and workflow.last_task.id not in keep:
        workflow.last_task = root
    return len(dropped)


def load_state(
    state: Mapping[str, Any], spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec]
) -> BpmnWorkflow:
    state = upgrade_state(state)
    # restore() pops keys from what it is given: hand it a private shallow copy.
    workflow = dict(state["workflow"])
    workflow["tasks"] = _parents_first(workflow["tasks"], workflow["root"])
    workflow["subprocesses"] = {
        key: {**sub, "tasks": _parents_first(sub["tasks"], sub["root"])}
        for key, sub in workflow.get("subprocesses", {}).items()
    }
    return _converter.restore(workflow, spec, subprocess_specs)


def _parents_first(tasks: Mapping[str, Any], root: str) -> dict[str, Any]:
    """SpiffWorkflow links each restored task to a parent it has already restored, so parents must come
    first. A store may not keep key order (PostgreSQL's JSONB sorts keys), so the tree order is rebuilt."""
    ordered: dict[str, Any] = {}
    queue = deque([root])
    while queue:
        task_id = queue.popleft()
        if task_id in tasks and task_id not in ordered:
            ordered[task_id] = tasks[task_id]
            queue.extend(tasks[task_id].get("children", []))
    for task_id, task in tasks.items():  # anything unreachable keeps its place at the end
        ordered.setdefault(task_id, task)
    return ordered
