from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from service.models import ProcessInstance, ProcessVersion


class StaleInstance(RuntimeError):
    """Someone else changed the instance since it was read (optimistic lock)."""


def get_instance(session: Session, instance_id: int) -> ProcessInstance | None:
    return session.get(ProcessInstance, instance_id)


def get_instance_by_key(session: Session, business_key: str) -> ProcessInstance | None:
    return session.scalar(select(ProcessInstance).where(ProcessInstance.business_key == business_key))


def add_instance(session: Session, instance: ProcessInstance) -> ProcessInstance:
    session.add(instance)
    session.flush()
    return instance


def save_instance_state(
    session: Session, instance: ProcessInstance, *, read_version: int, changes: dict[str, Any]
) -> None:
    """Write new state only if nobody else has since ``read_version``; raise StaleInstance otherwise."""
    result = session.connection().execute(
        _state_update(frozenset(changes)),
        {**{f"v_{name}": value for name, value in changes.items()},
         "instance_id": instance.id, "read_version": read_version, "new_version": read_version + 1},
    )
    if result.rowcount != 1:
        raise StaleInstance(instance.business_key)
    # Mirror what was written without marking the object dirty: a plain setattr would make the
    # session flush a second UPDATE of the same row (the whole state again) at commit.
    for name, value in {**changes, "lock_version": read_version + 1}.items():
        set_committed_value(instance, name, value)


@cache
def _state_update(columns: frozenset[str]):
    """The guarded UPDATE for one set of columns, built once per set (the write path runs it every step)."""
    table = ProcessInstance.__table__
    return (
        table.update()
        .where(table.c.id == bindparam("instance_id"), table.c.lock_version == bindparam("read_version"))
        .values(lock_version=bindparam("new_version"), **{name: bindparam(f"v_{name}") for name in sorted(columns)})
    )


def claim_due_instances(session: Session, now: datetime, limit: int,
                        ids: Sequence[int] | None = None) -> Sequence[ProcessInstance]:
    """Due instances (of ``ids``, if given), locked for this transaction; on PostgreSQL rows another
    worker holds are skipped."""
    query = (
        select(ProcessInstance)
        .where(ProcessInstance.next_timer_due <= now, ProcessInstance.status == "running")
        .order_by(ProcessInstance.next_timer_due)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(ProcessInstance.id.in_(ids))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).all()


def count_timer_attempts(session: Session, instances: Sequence[ProcessInstance]) -> None:
    """One more attempt on each instance's due timer, before it runs. The lock version is left alone:
    this is the worker's bookkeeping, not a change a person's step should be refused for."""
    if not instances:
        return
    table = ProcessInstance.__table__
    session.execute(table.update().where(table.c.id.in_([i.id for i in instances]))
                    .values(timer_attempts=table.c.timer_attempts + 1))
    for instance in instances:
        set_committed_value(instance, "timer_attempts", instance.timer_attempts + 1)


def list_running_instances(session: Session, version_ids: Sequence[int]) -> Sequence[ProcessInstance]:
    """Running instances of the given process versions, oldest first."""
    if not version_ids:
        return []
    return session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.process_version_id.in_(list(version_ids)), ProcessInstance.status == "running")
        .order_by(ProcessInstance.created_at, ProcessInstance.id)
    ).all()


def answers_to(business_key: str) -> ColumnElement[bool]:
    """Instances whose business key is this: chosen so, or their reference when none was chosen."""
    return or_(ProcessInstance.chosen_business_key == business_key,
               and_(ProcessInstance.chosen_business_key.is_(None), ProcessInstance.business_key == business_key))


def list_running_instances_for_message(session: Session, version_ids: Sequence[int], *, business_key: str | None,
                                       reference: str | None) -> Sequence[ProcessInstance]:
    """Running instances of these versions that a message could be for, oldest first (rows only)."""
    if not version_ids:
        return []
    query = (select(ProcessInstance)
             .where(ProcessInstance.process_version_id.in_(list(version_ids)), ProcessInstance.status == "running"))
    if business_key is not None:
        query = query.where(answers_to(business_key))
    if reference is not None:
        query = query.where(ProcessInstance.business_key == reference)
    return session.scalars(query.order_by(ProcessInstance.created_at, ProcessInstance.id)).all()


def count_instances_by_version(session: Session, process_id: str) -> dict[int, dict[str, int]]:
    """{version id: {status: count}} for one process."""
    rows = session.execute(
        select(ProcessInstance.process_version_id, ProcessInstance.status, func.count())
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(ProcessVersion.process_id == process_id)
        .group_by(ProcessInstance.process_version_id, ProcessInstance.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for version_id, status, count in rows:
        counts.setdefault(version_id, {})[status] = count
    return counts
