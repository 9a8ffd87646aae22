"""Keeping a pack's records in step with the workflow (the policy's: incidents, adjustments, restrictions).

Tasks name the record they produce with a ``caseEvent`` property in the diagram; each name maps to
one handler (a lookup table, so a process owner can move a task without touching code). Handlers are
registered by the packs (``handles``); the platform only dispatches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow

from service.people.actors import Actor
from service.tasks.steps import StepContext
from workflows.engine import StepResult

Handler = Callable[[StepContext, Actor | None, Mapping[str, Any]], None]
_HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[name] = handler
        return handler

    return register


def known_case_events() -> frozenset[str]:
    return frozenset(_HANDLERS)


def apply(ctx: StepContext, actor: Actor | None, step: StepResult, workflow: BpmnWorkflow) -> None:
    """Run the handler of every element the step completed that names a ``caseEvent``, in order,
    with the data as it stood when that element completed."""
    for element in step.completed:
        name = ctx.definition.case_events.get(element)
        if name is not None and name in _HANDLERS:
            _HANDLERS[name](ctx, actor, ctx.engine.data_at(workflow, element))


def handle(name: str, ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    """Run one named handler outside a step (a record added to an open case), if a pack registered it."""
    handler = _HANDLERS.get(name)
    if handler is not None:
        handler(ctx, actor, data)
