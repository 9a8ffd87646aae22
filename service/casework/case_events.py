"""Keeping the policy's records (incidents, adjustments, restrictions) in step with the workflow.

Tasks name the record they produce with a ``caseEvent`` property in the diagram; each name maps to
one handler here (a lookup table, so a process owner can move a task without touching code).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from service.casework.actors import Actor
from service.casework.steps import StepContext
from service.models import Incident
from workflows.calendar import LONDON

Handler = Callable[[StepContext, Actor | None, dict[str, Any], Mapping[str, Any]], None]
_HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[name] = handler
        return handler

    return register


def known_case_events() -> frozenset[str]:
    return frozenset(_HANDLERS)


def on_case_started(ctx: StepContext, actor: Actor, data: dict[str, Any]) -> None:
    record_incident(ctx, actor, data)


def on_task_completed(
    ctx: StepContext, actor: Actor, case_event: str | None, data: dict[str, Any], case_data: Mapping[str, Any]
) -> None:
    if case_event:
        _HANDLERS[case_event](ctx, actor, data, case_data)


def on_message(ctx: StepContext, actor: Actor, message: str, data: dict[str, Any]) -> None:
    handler = _HANDLERS.get(f"message:{message}")
    if handler:
        handler(ctx, actor, data, {})


def on_timers_fired(ctx: StepContext, completed: list[str], case_data: Mapping[str, Any]) -> None:
    for element in completed:
        handler = _HANDLERS.get(f"element:{element}")
        if handler:
            handler(ctx, None, {}, case_data)


def record_incident(ctx: StepContext, actor: Actor, data: dict[str, Any]) -> None:
    ctx.session.add(Incident(
        case_id=ctx.case.id,
        customer_id=ctx.case.customer_id,
        occurred_at=_local_instant(data.get("incident_datetime") or data.get("occurred_at")) or ctx.now,
        channels=list(data.get("channels", [])),
        categories=list(data.get("behaviour_categories", [])),
        description=data.get("what_happened", ""),
        details={k: v for k, v in data.items() if k not in {"what_happened"}},
        recorded_by_id=actor.user_id,
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
