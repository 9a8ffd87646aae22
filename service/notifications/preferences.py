"""What each person chooses to receive, and when their daily digest goes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from service.cases.errors import FieldProblem, InvalidInput
from service.models import NotificationSettings
from workflows.calendar import LONDON

if TYPE_CHECKING:
    from service.casework import Casework
    from service.people.actors import Actor

# The kinds a person can switch off (account_locked reaches every administrator regardless).
CHOOSABLE = {
    "task_assigned": "A task is assigned to me",
    "task_overdue": "A task I hold, or one waiting for my groups, becomes overdue",
    "review_due": "A restriction on a case I hold is coming up for review",
    "appeal_received": "An appeal is received on a case I hold",
    "incident_recorded": "A further incident is recorded on a case I hold",
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


DEFAULT = Preferences(frozenset(CHOOSABLE))


def preferences_of(session: Session, user_id: int) -> Preferences:
    row = session.get(NotificationSettings, user_id)
    if row is None:
        return DEFAULT
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
    row.kinds = sorted(kind for kind in set(kinds) if kind in CHOOSABLE)
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
