"""Appending to a case's hash chain. Rows are only ever inserted, never updated or deleted."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import AuditEvent, ProcessInstance

GENESIS = "0" * 64


@dataclass(frozen=True)
class NewAuditEvent:
    event_type: str
    actor_id: int | None
    actor_roles: list[str]
    task_id: str | None = None
    element_id: str | None = None
    data: dict[str, Any] | None = None


def event_hash(fields: dict[str, Any]) -> str:
    canonical = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def data_digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)).hexdigest()


_HASHED = ("instance_id", "seq", "occurred_at", "actor_id", "actor_roles", "event_type", "task_id", "element_id",
           "data_digest", "prev_hash")
_INSERT = AuditEvent.__table__.insert()


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return _hashed({name: getattr(event, name) for name in _HASHED})


def _hashed(row: dict[str, Any]) -> dict[str, Any]:
    fields = {name: row[name] for name in _HASHED}
    fields["occurred_at"] = fields["occurred_at"].isoformat()
    fields["actor_roles"] = list(fields["actor_roles"])
    return fields


def append_events(
    session: Session, instance: ProcessInstance, events: Sequence[NewAuditEvent], *, now: datetime
) -> tuple[int, str]:
    """Chain ``events`` after the instance's head. Returns the new (seq, head) to store on the instance.

    The caller saves the instance under its optimistic lock in the same transaction, so two writers
    can never chain onto the same head.
    """
    seq, head = instance.audit_seq, instance.audit_head or GENESIS
    rows = []
    for new in events:
        seq += 1
        data = new.data or {}
        row = {
            "instance_id": instance.id, "seq": seq, "occurred_at": now, "actor_id": new.actor_id,
            "actor_roles": sorted(new.actor_roles), "event_type": new.event_type, "task_id": new.task_id,
            "element_id": new.element_id, "data": data, "data_digest": data_digest(data), "prev_hash": head,
        }
        row["hash"] = head = event_hash(_hashed(row))
        rows.append(row)
    if rows:
        # A statement built once, straight through the session's connection: no ORM objects to track.
        session.connection().execute(_INSERT, rows)
    return seq, head


def list_events(session: Session, instance_id: int) -> Sequence[AuditEvent]:
    return session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)
    ).all()


def list_events_of_type(session: Session, instance_id: int, event_type: str) -> Sequence[AuditEvent]:
    return session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance_id, AuditEvent.event_type == event_type)
        .order_by(AuditEvent.seq)
    ).all()
