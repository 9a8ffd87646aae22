"""Notices nobody's step causes: a task becoming overdue, and what each pack's own scans find due
(``Pack.notice_scans``: the policy's restriction reviews coming up).

Each is written once, however often the worker looks: its key is unique in the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from service.casework import Casework
from service.models import HumanTask, Notification
from service.packs.registry import notice_scans


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


def write_pack_notices(casework: Casework, now: datetime) -> int:
    """What each registered pack's scans find due, each scan in its own transaction; a notice whose key is
    already in the outbox (written by an earlier round, or just now by the same scan) is skipped."""
    written = 0
    for scan in notice_scans():
        with casework.db.transaction() as session:
            for notice in scan(session, now):
                known = select(Notification.id).where(Notification.dedupe_key == notice.dedupe_key)
                if session.scalar(known) is not None:
                    continue
                session.add(Notification(kind=notice.kind, case_id=notice.case_id, groups=[],
                                         detail=dict(notice.detail), dedupe_key=notice.dedupe_key, created_at=now))
                session.flush()  # so a second notice with the same key, later in this scan, finds this one
                written += 1
    return written
