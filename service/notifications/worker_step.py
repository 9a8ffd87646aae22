"""One round of notification work for the worker: find overdue tasks and the packs' notices due, work out
recipients, send what is due. Each part commits on its own, so one failing never blocks the others."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service.casework import Casework
from service.notifications.expand import expand_notices
from service.notifications.scans import write_overdue_notices, write_pack_notices
from service.notifications.sender import send_due


@dataclass(frozen=True)
class NoticeRound:
    found: int
    expanded: int
    sent: int


def notify_round(casework: Casework, now: datetime) -> NoticeRound:
    found = write_overdue_notices(casework, now) + write_pack_notices(casework, now)
    expanded = expand_notices(casework, now, webhook=bool(casework.settings.mail.webhook_url))
    sent = 0
    while batch := send_due(casework, casework.settings, now):
        sent += batch
    return NoticeRound(found, expanded, sent)
