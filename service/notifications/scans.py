"""Notices nobody's step causes: a task becoming overdue, a restriction's review coming up.

Each is written once, however often the worker looks: its key is unique in the outbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select

from service.casework import Casework
from service.models import HumanTask, Notification, Restriction
from workflows.calendar import add_months, london_date

# The review task opens one month before a restriction ends (the policy diagram); people holding the
# case hear a week before that.
REVIEW_NOTICE_BEFORE = timedelta(days=7)


def write_overdue_notices(casework: Casework, now: datetime, limit: int = 500) -> int:
    key = "overdue:" + HumanTask.id
    with casework.db.transaction() as session:
        tasks = session.execute(
            select(HumanTask.id, HumanTask.case_id, HumanTask.assignee_id, HumanTask.candidate_groups)
            .where(HumanTask.status == "open", HumanTask.due_at <= now,
                   ~exists().where(Notification.dedupe_key == key))
            .limit(limit)).all()
        for task_id, case_id, assignee_id, groups in tasks:
            session.add(Notification(kind="task_overdue", case_id=case_id, task_id=task_id, recipient_id=assignee_id,
                                     groups=list(groups), detail={}, dedupe_key=f"overdue:{task_id}",
                                     created_at=now))
        return len(tasks)


def write_review_notices(casework: Casework, now: datetime) -> int:
    today = london_date(now)
    written = 0
    with casework.db.transaction() as session:
        restrictions = session.scalars(select(Restriction).where(
            Restriction.status.in_(("active", "extended", "varied")), Restriction.ends_on > today,
            Restriction.ends_on <= add_months(today, 1) + REVIEW_NOTICE_BEFORE + timedelta(days=3)
        ).order_by(Restriction.id)).all()
        for restriction in restrictions:
            if add_months(restriction.ends_on, -1) - REVIEW_NOTICE_BEFORE > today:
                continue
            # One notice per case and end date, however many restrictions end together.
            key = f"review_due:{restriction.case_id}:{restriction.ends_on.isoformat()}"
            if session.scalar(select(Notification.id).where(Notification.dedupe_key == key)) is not None:
                continue
            session.add(Notification(kind="review_due", case_id=restriction.case_id, groups=[], detail={
                "ends_on": f"{restriction.ends_on:%-d %B %Y}"}, dedupe_key=key, created_at=now))
            session.flush()  # so a second restriction of the same case and date finds this one
            written += 1
    return written
