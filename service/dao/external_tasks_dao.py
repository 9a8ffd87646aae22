"""External task rows: made after a step, locked by workers, finished once. Rows only, never workflows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from service.models import Case, ExternalTask, ProcessInstance, ProcessVersion


@dataclass(frozen=True)
class ExternalTaskRow:
    """A task with what Camunda's representation names beside it."""

    task: ExternalTask
    process_key: str
    business_key: str  # the case reference
    chosen_business_key: str | None = None


def open_ids_of_instance(session: Session, instance_id: int) -> set[str]:
    return set(session.scalars(select(ExternalTask.id).where(ExternalTask.instance_id == instance_id,
                                                             ExternalTask.status == "open")))


def list_of_instance(session: Session, instance_id: int) -> Sequence[ExternalTask]:
    """Every external task of an instance, finished ones included, oldest first."""
    return session.scalars(select(ExternalTask).where(ExternalTask.instance_id == instance_id)
                           .order_by(ExternalTask.created_at, ExternalTask.id)).all()


def add_all(session: Session, tasks: Iterable[ExternalTask]) -> None:
    session.add_all(list(tasks))
    session.flush()


def cancel(session: Session, task_ids: Iterable[str], now: datetime) -> None:
    ids = list(task_ids)
    if ids:
        session.execute(update(ExternalTask).where(ExternalTask.id.in_(ids), ExternalTask.status == "open")
                        .values(status="cancelled", finished_at=now, worker_id=None, lock_expires_at=None)
                        .execution_options(synchronize_session=False))


def get(session: Session, task_id: str, *, for_update: bool = False) -> ExternalTask | None:
    query = select(ExternalTask).where(ExternalTask.id == task_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalar(query)


def _fetchable(now: datetime):
    return and_(
        ExternalTask.status == "open",
        or_(ExternalTask.lock_expires_at.is_(None), ExternalTask.lock_expires_at <= now),
        or_(ExternalTask.retries.is_(None), ExternalTask.retries > 0),
        or_(ExternalTask.available_at.is_(None), ExternalTask.available_at <= now),
    )


def claim_fetchable(session: Session, topics: Sequence[str], now: datetime, limit: int, *,
                    by_priority: bool) -> Sequence[ExternalTask]:
    """Tasks of these topics that are free to lock, locked for this transaction; on PostgreSQL rows another
    worker is locking at this moment are skipped rather than waited for."""
    order = [ExternalTask.priority.desc()] if by_priority else []
    query = (select(ExternalTask).where(ExternalTask.topic.in_(list(topics)), _fetchable(now))
             .order_by(*order, ExternalTask.created_at, ExternalTask.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).all()


def lock(session: Session, task: ExternalTask, worker_id: str, until: datetime, now: datetime) -> bool:
    """Lock ``task`` for ``worker_id`` if it is still free; False if someone else got it first."""
    result = session.execute(
        update(ExternalTask).where(ExternalTask.id == task.id, _fetchable(now))
        .values(worker_id=worker_id, lock_expires_at=until).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    session.refresh(task)
    return True


def set_fields(session: Session, task: ExternalTask, *, expect_worker: str | None = None,
               expect_open: bool = True, **values: Any) -> bool:
    """Write ``values`` if the task is still as the caller saw it (open, and locked by ``expect_worker``)."""
    query = update(ExternalTask).where(ExternalTask.id == task.id)
    if expect_open:
        query = query.where(ExternalTask.status == "open")
    if expect_worker is not None:
        query = query.where(ExternalTask.worker_id == expect_worker)
    result = session.execute(query.values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    session.refresh(task)
    return True


@dataclass(frozen=True)
class ExternalTaskFilter:
    task_id: str | None = None
    topic: str | None = None
    worker_id: str | None = None
    locked: bool | None = None
    not_locked: bool | None = None
    with_retries_left: bool | None = None
    no_retries_left: bool | None = None
    process_instance_id: str | None = None
    activity_id: str | None = None
    status: str | None = "open"


def _listing(f: ExternalTaskFilter, now: datetime) -> Select:
    query = (select(ExternalTask, ProcessVersion.process_id, ProcessInstance.business_key,
                    ProcessInstance.chosen_business_key)
             .join(ProcessInstance, ProcessInstance.id == ExternalTask.instance_id)
             .join(ProcessVersion, ProcessVersion.id == ExternalTask.process_version_id))
    if f.status is not None:
        query = query.where(ExternalTask.status == f.status)
    if f.task_id is not None:
        query = query.where(ExternalTask.id == f.task_id)
    if f.topic is not None:
        query = query.where(ExternalTask.topic == f.topic)
    if f.worker_id is not None:
        query = query.where(ExternalTask.worker_id == f.worker_id)
    if f.locked:
        query = query.where(ExternalTask.lock_expires_at > now)
    if f.not_locked:
        query = query.where(or_(ExternalTask.lock_expires_at.is_(None), ExternalTask.lock_expires_at <= now))
    if f.with_retries_left:
        query = query.where(or_(ExternalTask.retries.is_(None), ExternalTask.retries > 0))
    if f.no_retries_left:
        query = query.where(ExternalTask.retries == 0)
    if f.process_instance_id is not None:
        query = query.where(ProcessInstance.business_key == f.process_instance_id)
    if f.activity_id is not None:
        query = query.where(ExternalTask.element_id == f.activity_id)
    return query


def list_tasks(session: Session, f: ExternalTaskFilter, now: datetime, *, first: int = 0,
               max_results: int = 100) -> list[ExternalTaskRow]:
    rows = session.execute(_listing(f, now).order_by(ExternalTask.created_at, ExternalTask.id)
                           .offset(first).limit(max_results)).all()
    return [ExternalTaskRow(*row) for row in rows]


def count_tasks(session: Session, f: ExternalTaskFilter, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(_listing(f, now).subquery())) or 0


@dataclass(frozen=True)
class TopicSummary:
    topic: str
    waiting: int
    locked: int
    failed: int  # retries used up: an incident is open


def topic_summaries(session: Session, now: datetime) -> list[TopicSummary]:
    locked = and_(ExternalTask.lock_expires_at.is_not(None), ExternalTask.lock_expires_at > now)
    failed = ExternalTask.retries == 0
    rows = session.execute(
        select(ExternalTask.topic,
               func.count().filter(~locked, or_(ExternalTask.retries.is_(None), ExternalTask.retries > 0)),
               func.count().filter(locked), func.count().filter(failed))
        .where(ExternalTask.status == "open").group_by(ExternalTask.topic).order_by(ExternalTask.topic))
    return [TopicSummary(*row) for row in rows]


def case_references(session: Session, case_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in case_ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Case.id, Case.reference).where(Case.id.in_(ids))).all())
