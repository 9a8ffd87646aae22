"""Keeping the policy's records (incidents, adjustments, restrictions) in step with the workflow.

Tasks name the record they produce with a ``caseEvent`` property in the diagram; each name maps to
one handler here (a lookup table, so a process owner can move a task without touching code).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow

from service.casework.actors import Actor
from service.casework.steps import StepContext
from service.models import Incident
from workflows.calendar import LONDON
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


@handles("incident_recorded")
def record_incident(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    ctx.session.add(Incident(
        case_id=ctx.case.id,
        customer_id=ctx.case.customer_id,
        occurred_at=_local_instant(data.get("incident_datetime") or data.get("occurred_at")) or ctx.now,
        channels=list(data.get("channels", [])),
        categories=list(data.get("behaviour_categories", [])),
        description=data.get("what_happened", ""),
        details={k: v for k, v in data.items() if k not in {"what_happened"}},
        recorded_by_id=actor.user_id if actor else None,
        recorded_at=ctx.now,
    ))


def _local_instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON)).astimezone(UTC)
