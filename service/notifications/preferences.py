"""What each person chooses to receive, and when their daily digest goes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from service.cases.errors import FieldProblem, InvalidInput
from service.models import NotificationSettings
from service.packs.registry import notice_texts
from workflows.calendar import LONDON

if TYPE_CHECKING:
    from service.casework import Casework
    from service.people.actors import Actor

# The platform's kinds a person can switch off (account_locked reaches every administrator regardless): its
# task notices, then each pack's own (``Pack.notice_texts``), then trouble in a case's process.
TASK_KINDS = {
    "task_assigned": "A task is assigned to me",
    "task_overdue": "A task I hold, or one waiting for my groups, becomes overdue",
}
PROCESS_KINDS = {
    "process_incident": "Something goes wrong in the process of a case I hold (an incident)",
}
GROUP_TASK_MODES = {"each": "One email for each new task", "digest": "One daily summary",
                    "off": "Do not tell me"}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Preferences:
    kinds: frozenset[str]
    group_tasks: str = "each"
    digest_time: str = "08:00"

    def wants(self, kind: str) -> bool:
        return kind == "account_locked" or kind in self.kinds

    def next_digest_at(self, now: datetime) -> datetime:
        hour, minute = (int(part) for part in self.digest_time.split(":"))
        local = now.astimezone(LONDON)
        at = datetime.combine(local.date(), time(hour, minute), LONDON)
        if at <= local:
            at = datetime.combine(local.date() + timedelta(days=1), time(hour, minute), LONDON)
        return at.astimezone(now.tzinfo)


def choosable() -> dict[str, str]:
    """The kinds a person can switch off, in the order the settings page lists them -> the words beside each."""
    return {**TASK_KINDS, **{kind: text.choice for kind, text in notice_texts().items()}, **PROCESS_KINDS}


def preferences_of(session: Session, user_id: int) -> Preferences:
    row = session.get(NotificationSettings, user_id)
    if row is None:
        return Preferences(frozenset(choosable()))  # everything, until the person chooses
    return Preferences(frozenset(row.kinds), row.group_tasks, row.digest_time)


def save_preferences(session: Session, user_id: int, kinds: list[str], group_tasks: str, digest_time: str) -> None:
    problems = []
    if group_tasks not in GROUP_TASK_MODES:
        problems.append(FieldProblem("group_tasks", "Choose how to hear about new tasks for your groups"))
    if group_tasks == "digest" and not _TIME.match(digest_time or ""):
        problems.append(FieldProblem("digest_time", "Enter the digest time as hours and minutes, like 08:30"))
    if problems:
        raise InvalidInput(problems)
    row = session.get(NotificationSettings, user_id) or NotificationSettings(user_id=user_id)
    row.kinds = sorted(kind for kind in set(kinds) if kind in choosable())
    row.group_tasks = group_tasks
    row.digest_time = digest_time if _TIME.match(digest_time or "") else "08:00"
    session.add(row)


def my_preferences(casework: Casework, actor: Actor) -> Preferences:
    """What the person chose (the defaults until they choose)."""
    with casework.db.reading() as session:
        return preferences_of(session, actor.user_id)


def choose_preferences(casework: Casework, actor: Actor, kinds: list[str], group_tasks: str,
                       digest_time: str) -> None:
    """Keep the person's choices; InvalidInput (nothing saved) if a choice is not one offered."""
    with casework.db.transaction() as session:
        save_preferences(session, actor.user_id, kinds, group_tasks, digest_time)
