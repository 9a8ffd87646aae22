"""The timers a case is waiting on: what each one is, when it falls due, and moving one.

SpiffWorkflow keeps a waiting timer's instant in the waiting task's ``internal_data['event_value']``
(on the gateway task, behind an event-based gateway; a cycle keeps ``{'next': …}``). That stored
value, not the expression, decides when it fires, so moving a timer rewrites it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from workflows.timer_expressions import kind_of

# READY as well as WAITING: do_engine_steps checks timers once more as it finishes, so a timer that
# fell due during a step is left READY but not run. Its (past) instant makes it due at once.
_WAITING = TaskState.WAITING | TaskState.READY


@dataclass(frozen=True)
class WaitingTimer:
    element_id: str  # the element the case waits at: the timer event, or the event-based gateway before it
    name: str  # the timer event's own name, as the diagram labels it
    kind: str  # date, duration or cycle
    due: datetime

    def as_json(self) -> dict[str, str]:
        return {"element_id": self.element_id, "name": self.name, "kind": self.kind, "due": self.due.isoformat()}


def waiting_timers(workflow: BpmnWorkflow, names: Mapping[str, str]) -> list[WaitingTimer]:
    found = []
    for task in workflow.get_tasks(state=_WAITING):
        timers = _timers_of(task.task_spec)
        due = min(_instants(task.internal_data.get("event_value")), default=None)
        if not timers or due is None or not task.task_spec.bpmn_id:
            continue
        element = task.task_spec.bpmn_id
        found.append(WaitingTimer(element, timers[0].name or names.get(element, element), kind_of(timers[0]), due))
    return sorted(found, key=lambda timer: timer.due)


def timer_instants(workflow: BpmnWorkflow) -> Iterable[datetime]:
    for task in workflow.get_tasks(state=_WAITING):
        yield from _instants(task.internal_data.get("event_value"))


def move_timer(workflow: BpmnWorkflow, element_id: str, due: datetime) -> None:
    """Make the timer waiting at ``element_id`` fall due at ``due``; LookupError if none waits there."""
    if due.tzinfo is None:
        raise ValueError("a timer's due instant must carry a timezone")
    value = due.astimezone(UTC).isoformat()
    for task in workflow.get_tasks(state=_WAITING):
        stored = task.internal_data.get("event_value")
        if task.task_spec.bpmn_id != element_id or not _timers_of(task.task_spec) or stored is None:
            continue
        if isinstance(stored, dict):
            task.internal_data["event_value"] = {**stored, "next": value}
        else:
            task.internal_data["event_value"] = value
        return
    raise LookupError(element_id)


def _timers_of(task_spec) -> list[TimerEventDefinition]:
    definition = getattr(task_spec, "event_definition", None)
    candidates = getattr(definition, "event_definitions", None) or [definition]
    return [c for c in candidates if isinstance(c, TimerEventDefinition)]


def _instants(value: Any) -> Iterable[datetime]:
    for text in _iso_values(value):
        try:
            # SpiffWorkflow's own reading (a value without an offset is in the server's zone), so the
            # worker claims the case exactly when the engine will fire it. Translated timers always
            # carry an offset; this covers instances that started before they did.
            yield TimerEventDefinition.get_datetime(text)
        except (TypeError, ValueError):
            continue


def _iso_values(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        if "next" in value and value.get("cycles", 1) != 0:
            yield value["next"]
        else:
            for inner in value.values():
                yield from _iso_values(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _iso_values(inner)
