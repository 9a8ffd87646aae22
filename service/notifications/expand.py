"""Turning outbox notices into deliveries: one per person and channel, by each person's choices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from service.casework import Casework
from service.models import Delivery, Notification
from service.notifications.preferences import preferences_of
from service.notifications.recipients import recipients
from service.packs.registry import notice_texts

# The platform's notices also posted to the organisation's webhook (a Teams channel, say), when one is
# configured; a pack's are posted when its ``notice_texts`` say so.
WEBHOOK_KINDS = {"group_task", "task_overdue", "process_incident"}


def expand_notices(casework: Casework, now: datetime, *, webhook: bool, limit: int = 200) -> int:
    """Deliveries for notices not yet expanded, written in one transaction with the mark that they were:
    a crash part-way leaves the notices for the next run and no deliveries behind."""
    with casework.db.transaction() as session:
        query = select(Notification).where(Notification.expanded_at.is_(None)).order_by(Notification.id).limit(limit)
        if casework.db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        notices = session.scalars(query).all()
        for notice in notices:
            for delivery in _deliveries(session, notice, now, webhook):
                session.add(delivery)
            notice.expanded_at = now
        return len(notices)


def _deliveries(session, notice: Notification, now: datetime, webhook: bool):
    for user_id in sorted(recipients(session, notice)):
        choices = preferences_of(session, user_id)
        if notice.kind == "group_task":
            if choices.group_tasks == "off":
                continue
            if choices.group_tasks == "digest":
                yield Delivery(notification_id=notice.id, user_id=user_id, channel="email_digest", status="pending",
                               due_at=choices.next_digest_at(now), attempts=0)
                continue
        elif not choices.wants(notice.kind):
            continue
        yield Delivery(notification_id=notice.id, user_id=user_id, channel="email", status="pending", due_at=now,
                       attempts=0)
    if webhook and (notice.kind in WEBHOOK_KINDS or _pack_webhook(notice.kind)):
        yield Delivery(notification_id=notice.id, user_id=None, channel="webhook", status="pending", due_at=now,
                       attempts=0)


def _pack_webhook(kind: str) -> bool:
    text = notice_texts().get(kind)
    return text is not None and text.webhook
