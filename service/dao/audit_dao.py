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


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "instance_id": event.instance_id,
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_roles": list(event.actor_roles),
        "event_type": event.event_type,
        "task_id": event.task_id,
        "element_id": event.element_id,
        "data_digest": event.data_digest,
        "prev_hash": event.prev_hash,
    }


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
        row = AuditEvent(
            instance_id=instance.id, seq=seq, occurred_at=now, actor_id=new.actor_id,
            actor_roles=sorted(new.actor_roles), event_type=new.event_type, task_id=new.task_id,
            element_id=new.element_id, data=new.data or {}, data_digest=data_digest(new.data or {}),
            prev_hash=head, hash="",
        )
        row.hash = event_hash(hashed_fields(row))
        head = row.hash
        rows.append(row)
    if rows:
        columns = [c.key for c in AuditEvent.__table__.columns if c.key != "id"]
        session.connection().execute(
            AuditEvent.__table__.insert(), [{name: getattr(row, name) for name in columns} for row in rows]
        )
    return seq, head


def list_events(session: Session, instance_id: int) -> Sequence[AuditEvent]:
    return session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)
    ).all()
