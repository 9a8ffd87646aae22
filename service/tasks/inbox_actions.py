"""Who holds a task: claiming, giving back and reassigning, each audited on the case.

A task can be claimed only by someone it is offered to (one of its candidate groups, or named as a
candidate user) who is not barred from it
by the policy's separation of duties (an approver is never the proposer; an appeal is heard by
someone outside the decision). Only a Head of Service or Executive reassigns, with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.cases.errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from service.casework import Casework
from service.dao import instances_dao, processes_dao, tasks_dao, users_dao
from service.dao.audit_dao import NewAuditEvent
from service.dao.tasks_dao import TaskConflict
from service.history.audit_trail import record_on_case
from service.models import HumanTask, User
from service.notifications import outbox
from service.people.actors import Actor, parse_actor_list, refuse_excluded_actor
from service.people.groups import members_of_any
from service.people.roles import MANAGERS
from service.processes.definitions import definition_of
from workflows.calendar import london_date, start_of_day
from workflows.forms import FormSchema

_GONE = "This task has already been completed or has moved on, so nothing was changed."
_TAKEN = "Someone else has picked up this task, so nothing was changed."


@dataclass(frozen=True)
class Reassignment:
    """The reassign page: the task, who holds it, and the form listing who may take it."""

    task: HumanTask
    holder: str | None
    form: FormSchema


def claim(casework: Casework, actor: Actor, task_id: str) -> HumanTask:
    now = casework.clock.now()
    with casework.db.transaction() as session:
        task = _open_task(session, task_id)
        if task.assignee_id == actor.user_id:
            return task
        # A task given by continuity (held, never claimed) can still be taken over by anyone it is offered to.
        given_to = task.assignee_id if task.claimed_at is None else None
        if task.assignee_id is not None and given_to is None:
            raise Conflict(_TAKEN)
        if not actor.is_offered(task.candidate_groups, tasks_dao.candidate_user_ids(session, task.id)):
            raise NotAllowed("This task is for another group, so you cannot pick it up.")
        refuse_excluded_actor(session, task.case_id, actor, _excluded(session, task))
        if given_to is None:
            _update(lambda: tasks_dao.claim(session, task.id, user_id=actor.user_id, now=now))
            data = {"name": task.name}
        else:
            _update(lambda: tasks_dao.take_over(session, task.id, from_user_id=given_to, user_id=actor.user_id,
                                                now=now))
            data = {"name": task.name, "taken_over_from_user_id": given_to}
        _audit(session, task, NewAuditEvent("task_claimed", actor.user_id, list(actor.roles), task_id=task.id,
                                            element_id=task.element_id, data=data), now)
        return task


def unclaim(casework: Casework, actor: Actor, task_id: str) -> HumanTask:
    now = casework.clock.now()
    with casework.db.transaction() as session:
        task = _open_task(session, task_id)
        if task.assignee_id != actor.user_id:
            raise NotAllowed("You can only give back a task you hold.")
        _update(lambda: tasks_dao.unclaim(session, task.id, user_id=actor.user_id))
        _audit(session, task, NewAuditEvent("task_unclaimed", actor.user_id, list(actor.roles), task_id=task.id,
                                            element_id=task.element_id, data={"name": task.name}), now)
        return task


def snooze(casework: Casework, actor: Actor, task_id: str, until: str) -> HumanTask:
    """Set the follow-up date of a task the actor holds: it leaves their list until that morning."""
    now = casework.clock.now()
    today = london_date(now)
    try:
        day = date.fromisoformat(until.strip())
    except ValueError:
        raise InvalidInput([FieldProblem("follow_up", "Enter the follow-up date as a real date")]) from None
    if not today < day <= today + timedelta(days=365):
        raise InvalidInput([FieldProblem("follow_up", "Enter a follow-up date after today and within a year")])
    with casework.db.transaction() as session:
        task = _open_task(session, task_id)
        if task.assignee_id != actor.user_id:
            raise NotAllowed("You can only snooze a task you hold.")
        task.follow_up_at = start_of_day(day)
        _audit(session, task, NewAuditEvent("task_snoozed", actor.user_id, list(actor.roles), task_id=task.id,
                                            element_id=task.element_id,
                                            data={"name": task.name, "follow_up": day.isoformat()}), now)
        return task


def reassignment(casework: Casework, actor: Actor, task_id: str) -> Reassignment:
    _require_reassigner(actor)
    with casework.db.reading() as session:
        task = _open_task(session, task_id)
        people = _eligible(session, task)
        holder = users_dao.names_by_id(session, [task.assignee_id]).get(task.assignee_id)
        return Reassignment(task, holder, reassign_form([p for p in people if p.id != task.assignee_id]))


def reassign(casework: Casework, actor: Actor, task_id: str, form_data: Mapping[str, Any]) -> HumanTask:
    _require_reassigner(actor)
    now = casework.clock.now()
    with casework.db.transaction() as session:
        task = _open_task(session, task_id)
        people = {str(p.id): p for p in _eligible(session, task) if p.id != task.assignee_id}
        data, errors = reassign_form(list(people.values())).validate(form_data, today=london_date(now))
        if errors:
            raise InvalidInput([FieldProblem(e.field, e.message) for e in errors])
        to_user = people[data["assignee"]]
        _update(lambda: tasks_dao.reassign(session, task, to_user_id=to_user.id, by_user_id=actor.user_id,
                                           reason=data["reason"], now=now))
        outbox.task_assigned(session, task, to_user.id, actor.user_id, now)
        _audit(session, task, NewAuditEvent(
            "task_reassigned", actor.user_id, list(actor.roles), task_id=task.id, element_id=task.element_id,
            data={"name": task.name, "from_user_id": task.assignee_id, "to_user_id": to_user.id,
                  "reason": data["reason"]},
        ), now)
        return task


def reassign_form(people: list[User]) -> FormSchema:
    """Who may take the task, as a form: the choices are the only people it can go to."""
    choices = [{"const": str(p.id), "title": p.full_name + (f", {p.job_title}" if p.job_title else "")}
               for p in people] or [{"const": "", "title": "No one else can take this task"}]
    return FormSchema("reassign_task", {
        "title": "Reassign the task",
        "description": "Give the task to someone else who can take it.",
        "type": "object",
        "additionalProperties": False,
        "required": ["assignee", "reason"],
        "properties": {
            "assignee": {
                "type": "string", "title": "Who should take the task?", "x-widget": "select", "oneOf": choices,
                "description": "Only people in the task's group who took no part in an earlier decision it "
                               "must be kept apart from are listed.",
                "x-messages": {"required": "Select who should take the task"},
            },
            "reason": {
                "type": "string", "title": "Why are you reassigning it?", "x-widget": "textarea", "maxLength": 2000,
                "description": "This is kept on the case record.",
                "x-messages": {"required": "Enter why you are reassigning the task"},
            },
        },
    })


def _eligible(session: Session, task: HumanTask) -> list[User]:
    """People in the task's groups who are not barred from it by the separation of duties."""
    excluded = _excluded(session, task)
    eligible = []
    named = tasks_dao.candidate_user_ids(session, task.id)
    offered = members_of_any(session, task.candidate_groups)
    offered += [u for u in users_dao.list_users(session) if u.id in named and u.active and u not in offered]
    for user in sorted(offered, key=lambda u: u.full_name):
        try:
            refuse_excluded_actor(session, task.case_id, Actor(user.id, tuple(user.roles)), excluded)
        except NotAllowed:
            continue
        eligible.append(user)
    return eligible


def _excluded(session: Session, task: HumanTask) -> list[str]:
    instance = instances_dao.get_instance(session, task.instance_id)
    definition = definition_of(processes_dao.get_version(session, instance.process_version_id))
    spec = definition.user_tasks.get(task.element_id)
    return parse_actor_list(spec.properties.get("excludedActors") if spec else None)


def _open_task(session: Session, task_id: str) -> HumanTask:
    task = tasks_dao.get_task(session, task_id)
    if task is None:
        raise NotFound("There is no such task.")
    if task.status != "open":
        raise Conflict(_GONE)
    return task


def _require_reassigner(actor: Actor) -> None:
    if not actor.has_any_role(MANAGERS):
        raise NotAllowed("Only those who manage work can reassign tasks.")


def _update(change) -> None:
    try:
        change()
    except TaskConflict:
        raise Conflict(_TAKEN) from None


def _audit(session: Session, task: HumanTask, event: NewAuditEvent, now) -> None:
    record_on_case(session, instances_dao.get_instance(session, task.instance_id), [event], now)
