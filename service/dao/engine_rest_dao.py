"""Read queries behind /engine-rest's lists (process instances, human tasks, history). Rows only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service.dao.instances_dao import answers_to
from service.dao.process_scope import ProcessScope
from service.models import AuditEvent, Case, HumanTask, HumanTaskGroup, ProcessInstance, ProcessVersion, User


@dataclass(frozen=True)
class InstanceRow:
    instance: ProcessInstance
    version: ProcessVersion
    case: Case | None


@dataclass(frozen=True)
class InstanceFilter:
    business_key: str | None = None  # a chosen business key, or the reference of a case without one
    reference: str | None = None  # the process instance id
    process_definition_key: str | None = None
    process_definition_id: int | None = None  # the version row
    active: bool | None = None  # True: running only; False: finished only
    scope: ProcessScope = ProcessScope()  # the processes whose cases the reader may see (cases.reading)


def _instances(f: InstanceFilter) -> Select:
    query = (select(ProcessInstance, ProcessVersion, Case)
             .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
             .outerjoin(Case, Case.instance_id == ProcessInstance.id)
             .where(f.scope.clause(ProcessVersion.process_id)))
    if f.business_key is not None:
        query = query.where(answers_to(f.business_key))
    if f.reference is not None:
        query = query.where(ProcessInstance.business_key == f.reference)
    if f.process_definition_key is not None:
        query = query.where(ProcessVersion.process_id == f.process_definition_key)
    if f.process_definition_id is not None:
        query = query.where(ProcessVersion.id == f.process_definition_id)
    if f.active is True:
        query = query.where(ProcessInstance.status == "running")
    elif f.active is False:
        query = query.where(ProcessInstance.status != "running")
    return query


def list_instances(session: Session, f: InstanceFilter, first: int, max_results: int) -> list[InstanceRow]:
    rows = session.execute(_instances(f).order_by(ProcessInstance.id).offset(first).limit(max_results)).all()
    return [InstanceRow(*row) for row in rows]


def count_instances(session: Session, f: InstanceFilter) -> int:
    return session.scalar(select(func.count()).select_from(_instances(f).subquery())) or 0


@dataclass(frozen=True)
class TaskRow:
    task: HumanTask
    business_key: str
    version: ProcessVersion
    assignee: str | None


@dataclass(frozen=True)
class TaskFilter:
    task_id: str | None = None
    reference: str | None = None  # the process instance id
    business_key: str | None = None
    process_definition_key: str | None = None
    task_definition_key: str | None = None
    assignee: str | None = None
    candidate_group: str | None = None
    unassigned: bool | None = None
    scope: ProcessScope = ProcessScope()  # the processes whose cases the reader may see (cases.reading)


def _tasks(f: TaskFilter) -> Select:
    query = (select(HumanTask, ProcessInstance.business_key, ProcessVersion, User.username)
             .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
             .outerjoin(User, User.id == HumanTask.assignee_id)
             .where(HumanTask.status == "open", f.scope.clause(ProcessVersion.process_id)))
    if f.task_id is not None:
        query = query.where(HumanTask.id == f.task_id)
    if f.reference is not None:
        query = query.where(ProcessInstance.business_key == f.reference)
    if f.business_key is not None:
        query = query.where(answers_to(f.business_key))
    if f.process_definition_key is not None:
        query = query.where(ProcessVersion.process_id == f.process_definition_key)
    if f.task_definition_key is not None:
        query = query.where(HumanTask.element_id == f.task_definition_key)
    if f.assignee is not None:
        query = query.where(User.username == f.assignee)
    if f.unassigned:
        query = query.where(HumanTask.assignee_id.is_(None))
    if f.candidate_group is not None:
        query = query.where(HumanTask.id.in_(select(HumanTaskGroup.task_id)
                                             .where(HumanTaskGroup.group_name == f.candidate_group)))
    return query


def list_tasks(session: Session, f: TaskFilter, first: int, max_results: int) -> list[TaskRow]:
    rows = session.execute(_tasks(f).order_by(HumanTask.created_at, HumanTask.id).offset(first)
                           .limit(max_results)).all()
    return [TaskRow(*row) for row in rows]


def count_tasks(session: Session, f: TaskFilter) -> int:
    return session.scalar(select(func.count()).select_from(_tasks(f).subquery())) or 0


@dataclass(frozen=True)
class StepEvent:
    seq: int
    at: datetime
    event_type: str
    element_id: str | None
    task_id: str | None
    completed: list[str]


def step_events(session: Session, instance_id: int) -> list[StepEvent]:
    """The case's audit events that record where it went, oldest first."""
    rows = session.execute(select(AuditEvent.seq, AuditEvent.occurred_at, AuditEvent.event_type,
                                  AuditEvent.element_id, AuditEvent.task_id, AuditEvent.data)
                           .where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)).all()
    return [StepEvent(seq, at, kind, element, task, list(((data or {}).get("path") or {}).get("completed") or []))
            for seq, at, kind, element, task, data in rows]


def versions(session: Session, key: str | None, latest_only: bool, first: int, max_results: int
             ) -> Sequence[ProcessVersion]:
    query = select(ProcessVersion)
    if key is not None:
        query = query.where(ProcessVersion.process_id == key)
    if latest_only:
        newest = (select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("top"))
                  .group_by(ProcessVersion.process_id).subquery())
        query = query.join(newest, (newest.c.process_id == ProcessVersion.process_id)
                           & (newest.c.top == ProcessVersion.version))
    return session.scalars(query.order_by(ProcessVersion.process_id, ProcessVersion.version)
                           .offset(first).limit(max_results)).all()
