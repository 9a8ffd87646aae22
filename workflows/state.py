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
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_FORMAT
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

STATE_FORMAT = 1


class IncompatibleStateError(ValueError):
    """Stored state was written by a serializer this code cannot read."""


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
    return {"format": STATE_FORMAT, "spiff": SPIFF_FORMAT, "workflow": _converter.to_dict(workflow)}


def load_state(
    state: Mapping[str, Any], spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec]
) -> BpmnWorkflow:
    if state.get("format") != STATE_FORMAT or state.get("spiff") != SPIFF_FORMAT:
        raise IncompatibleStateError(
            f"state format {state.get('format')}/{state.get('spiff')} is not {STATE_FORMAT}/{SPIFF_FORMAT}"
        )
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
