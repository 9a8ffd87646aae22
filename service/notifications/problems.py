"""Notices that could not be sent, for administrators: nothing fails silently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from service.casework import Casework
from service.models import Case, Delivery, Notification, User


@dataclass(frozen=True)
class UnsentNotice:
    kind: str
    case_reference: str | None
    recipient: str
    channel: str
    status: str
    attempts: int
    reason: str
    created_at: datetime


def unsent(casework: Casework, limit: int = 200) -> list[UnsentNotice]:
    """Failed and undeliverable notices, and those still waiting to be retried after a failure."""
    with casework.db.reading() as session:
        rows = session.execute(
            select(Notification.kind, Case.reference, User.full_name, Delivery.channel, Delivery.status,
                   Delivery.attempts, Delivery.last_error, Notification.created_at)
            .join(Notification, Notification.id == Delivery.notification_id)
            .outerjoin(Case, Case.id == Notification.case_id).outerjoin(User, User.id == Delivery.user_id)
            .where(Delivery.last_error.is_not(None), Delivery.status != "sent")
            .order_by(Notification.created_at.desc(), Delivery.id.desc()).limit(limit)).all()
    return [UnsentNotice(kind, reference, name or "The webhook", channel, status, attempts,
                         (error or "").removeprefix("undeliverable: "), created)
            for kind, reference, name, channel, status, attempts, error, created in rows]
