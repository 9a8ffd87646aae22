"""Who hears about each notice, worked out by the worker after the step committed.

"A case I hold": the case's owner and whoever holds an open task on it. The person who caused a
notice is never told about it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Case, HumanTask, Notification, User


def recipients(session: Session, notice: Notification) -> set[int]:
    if notice.kind == "task_assigned":
        found = {notice.recipient_id} if notice.recipient_id else set()
    elif notice.kind in ("group_task", "account_locked"):
        found = _holding_any(session, notice.groups)
    elif notice.kind == "task_overdue":
        found = {notice.recipient_id} if notice.recipient_id else _holding_any(session, notice.groups)
    else:
        found = _case_holders(session, notice.case_id)
    found.discard(notice.detail.get("by"))
    return {user_id for user_id in found if user_id is not None and _active(session, user_id)}


def _holding_any(session: Session, groups: Iterable[str]) -> set[int]:
    wanted = set(groups)
    if not wanted:
        return set()
    rows = session.execute(select(User.id, User.roles).where(User.active.is_(True),
                                                             User.is_service_account.is_(False)))
    return {user_id for user_id, roles in rows if wanted & set(roles)}


def _case_holders(session: Session, case_id: int | None) -> set[int]:
    if case_id is None:
        return set()
    owner = session.scalar(select(Case.owner_id).where(Case.id == case_id))
    holders = set(session.scalars(select(HumanTask.assignee_id).where(
        HumanTask.case_id == case_id, HumanTask.status == "open", HumanTask.assignee_id.is_not(None))))
    return holders | ({owner} if owner else set())


def _active(session: Session, user_id: int) -> bool:
    return bool(session.scalar(select(User.active).where(User.id == user_id, User.is_service_account.is_(False))))
