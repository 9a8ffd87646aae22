"""The worker's sending loop, after commit.

A delivery is claimed (status ``sending``) and committed before anything leaves, then marked
``sent`` once the relay has accepted it. A worker that dies in between leaves the claim behind;
after ``RECLAIM_AFTER`` the delivery is sent again with the same Message-ID, so a notice is never
lost, and a resend after a crash is recognisable as the same message. A failure is retried with
growing waits, then kept as ``failed`` with its reason for an administrator to see.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from service.casework import Casework
from service.models import Delivery, Notification, User
from service.notifications import channels
from service.notifications.messages import Notice, compose, digest_body, email_body

log = logging.getLogger("ubp.notifications")
RECLAIM_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 5


def send_due(casework: Casework, settings, now: datetime, limit: int = 50) -> int:
    claimed = _claim(casework, now, limit)
    if not claimed:
        return 0
    with casework.db.reading() as session:
        prepared = _prepare(session, claimed, settings.public_url)
    outcomes = {}
    for key, (ids, address, notice, digest) in prepared.items():
        outcomes[key] = (ids, _send(settings, key, address, notice, digest))
    _record(casework, outcomes, now)
    return len(claimed)


def _claim(casework: Casework, now: datetime, limit: int) -> list[int]:
    with casework.db.transaction() as session:
        query = (select(Delivery).where(or_(
            and_(Delivery.status == "pending", Delivery.due_at <= now),
            and_(Delivery.status == "sending", Delivery.claimed_at <= now - RECLAIM_AFTER),
        )).order_by(Delivery.due_at, Delivery.id).limit(limit))
        if casework.db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        deliveries = session.scalars(query).all()
        for delivery in deliveries:
            delivery.status, delivery.claimed_at, delivery.attempts = "sending", now, delivery.attempts + 1
        return [delivery.id for delivery in deliveries]


def _prepare(session, delivery_ids: list[int], public_url: str) -> dict:
    """One message per delivery, except a person's digest deliveries, which make one message together."""
    rows = session.execute(select(Delivery, Notification, User.email)
                           .join(Notification, Notification.id == Delivery.notification_id)
                           .outerjoin(User, User.id == Delivery.user_id)
                           .where(Delivery.id.in_(delivery_ids)).order_by(Delivery.id)).all()
    prepared: dict = {}
    digests: dict[int, list] = defaultdict(list)
    for delivery, notification, email in rows:
        notice = compose(session, notification, public_url)
        if delivery.channel == "email_digest":
            digests[delivery.user_id].append((delivery.id, email, notice))
        else:
            prepared[f"{delivery.channel}-{delivery.id}"] = ([delivery.id], email or "", notice, None)
    for items in digests.values():
        ids = [item[0] for item in items]
        summary = Notice(f"Your daily summary: {len(items)} new task(s) for your team", "", public_url + "/tasks")
        prepared[f"digest-{ids[0]}"] = (ids, items[0][1] or "", summary, [item[2] for item in items])
    return prepared


def _send(settings, key: str, address: str, notice: Notice, digest: list[Notice] | None) -> str | None:
    """None when sent, otherwise why not (prefixed "undeliverable:" when retrying cannot help)."""
    try:
        if key.startswith("webhook"):
            channels.post_webhook(settings.mail, notice.subject, notice.text, notice.link)
        else:
            body = digest_body(digest) if digest is not None else email_body(notice)
            channels.send_email(settings.mail, address, notice.subject, body, f"<ubp-notice-{key}@ubp.invalid>")
    except channels.NotConfigured as missing:
        return f"undeliverable: {missing}"
    except Exception as error:  # a relay or network failure: logged, kept and retried
        log.warning("could not send notice %s: %s", key, error)
        return f"{type(error).__name__}: {str(error)[:300]}"
    return None


def _record(casework: Casework, outcomes: dict, now: datetime) -> None:
    with casework.db.transaction() as session:
        for ids, problem in outcomes.values():
            for delivery in session.scalars(select(Delivery).where(Delivery.id.in_(ids))):
                if problem is None:
                    delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
                elif problem.startswith("undeliverable:") or delivery.attempts >= MAX_ATTEMPTS:
                    delivery.status = "undeliverable" if problem.startswith("undeliverable:") else "failed"
                    delivery.last_error = problem
                else:
                    delivery.status, delivery.last_error = "pending", problem
                    delivery.due_at = now + timedelta(minutes=2 ** delivery.attempts)
