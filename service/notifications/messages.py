"""What a notice says. It names the case by its reference and the task by its name, links to them,
and carries nothing about the customer: an email can be forwarded, and the case is behind sign-in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Case, HumanTask, Notification, User
from service.packs.registry import notice_texts
from workflows.calendar import LONDON

# The platform's own notices; a pack's say what its ``notice_texts`` say.
_SUBJECTS = {
    "task_assigned": "Task assigned to you: {task} on case {case}",
    "group_task": "New task for your team: {task} on case {case}",
    "task_overdue": "Task overdue: {task} on case {case}",
    "process_incident": "Incident on case {case}: the process needs attention",
    "account_locked": "Account locked: {person}",
}
_OPENINGS = {
    "task_assigned": "The task ‘{task}’ on case {case} has been assigned to you.",
    "group_task": "A new task ‘{task}’ on case {case} is waiting for someone in your team to pick it up.",
    "task_overdue": "The task ‘{task}’ on case {case} was due {due} and is not done yet.",
    "process_incident": "Something in the process of case {case} could not be done (an incident). "
                        "An administrator can retry or resolve it; the case page shows it.",
    "account_locked": "The account of {person} was locked after repeated wrong passwords. "
                      "It unlocks by itself after a while, or you can unlock it on the people page.",
}


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str
    link: str


def compose(session: Session, notice: Notification, public_url: str) -> Notice:
    case = session.get(Case, notice.case_id) if notice.case_id else None
    task = session.get(HumanTask, notice.task_id) if notice.task_id else None
    person = session.scalar(select(User.full_name).where(User.id == notice.detail.get("user_id"))) or ""
    words = {**notice.detail, "case": case.reference if case else "", "task": task.name if task else "",
             "due": f"on {task.due_at.astimezone(LONDON):%-d %B %Y}" if task and task.due_at else "", "person": person}
    if task is not None:
        link = f"{public_url}/tasks/{task.id}"
    elif case is not None:
        link = f"{public_url}/cases/{case.reference}"
    else:
        link = f"{public_url}/admin/people/{notice.detail.get('user_id')}"
    if notice.kind in _SUBJECTS:
        subject, opening = _SUBJECTS[notice.kind], _OPENINGS[notice.kind]
    else:
        text = notice_texts()[notice.kind]
        subject, opening = text.subject, text.opening
    return Notice(subject.format(**words), opening.format(**words), link)


def email_body(notice: Notice) -> str:
    return (f"{notice.text}\n\nOpen it here (you will be asked to sign in): {notice.link}\n\n"
            "You can choose which notices you receive on the notification settings page.\n")


def digest_body(notices: list[Notice]) -> str:
    lines = [f"- {notice.subject}\n  {notice.link}" for notice in notices]
    return ("New tasks for your team since your last summary:\n\n" + "\n".join(lines) +
            "\n\nYou can choose which notices you receive on the notification settings page.\n")
