"""How records look in the API. Dates are ISO-8601; instants carry their UTC offset."""

from __future__ import annotations

from typing import Any

from service.models import AuditEvent, Case, HumanTask


def case(record: Case, subject: tuple[str, str, str] | None = None) -> dict[str, Any]:
    """``subject``: who the case is about, as (the API's key for it, reference, name) (``Pack.subject``)."""
    body = {
        "reference": record.reference,
        "status": record.status,
        "stage": record.stage,
        "outcome": record.outcome,
        "opened_at": record.opened_at.isoformat(),
        "closed_at": record.closed_at.isoformat() if record.closed_at else None,
    }
    if subject is not None:
        field, reference, name = subject
        body[field] = {"reference": reference, "name": name}
    return body


def task(record: HumanTask, case_reference: str | None = None) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "element_id": record.element_id,
        "case_reference": case_reference,
        "form_key": record.form_key,
        "candidate_groups": list(record.candidate_groups),
        "status": record.status,
        "assigned": record.assignee_id is not None,
        "due_at": record.due_at.isoformat() if record.due_at else None,
        "created_at": record.created_at.isoformat(),
    }


def event(record: AuditEvent) -> dict[str, Any]:
    return {
        "seq": record.seq,
        "occurred_at": record.occurred_at.isoformat(),
        "event_type": record.event_type,
        "actor_roles": list(record.actor_roles),
        "element_id": record.element_id,
        "task_id": record.task_id,
        "data": record.data if record.redacted_at is None else {},
    }


def opened_tasks(outcome, actor) -> list[dict[str, Any]]:
    """The tasks a step opened, so a client can carry on without asking again."""
    return [{"id": t.id, "name": t.name, "assigned_to_you": t.assignee_id == actor.user_id} for t in outcome.opened]
