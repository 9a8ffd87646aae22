"""Firing due timers in batches: exactly once, even with several workers side by side.

A batch is claimed with SELECT ... FOR UPDATE SKIP LOCKED (PostgreSQL), so two workers never hold
the same instance, and committed once. A batch first runs straight through; if one of its timers
fails, the whole batch is rolled back and run again with a savepoint per instance, so the failing
timer is recorded on its case and retried with back-off without holding up the others (savepoints
cost two round trips per timer, so only batches that need them pay for them). A worker killed
mid-batch commits nothing: its instances are simply due again.

A failing timer opens a "timer" incident on its case at its first failure (later failures count on
the same incident). After ``PARK_AFTER`` attempts it is parked: it is no longer due, so the worker
stops trying, until an administrator retries the incident (or the timer) and makes it due again.
A timer that fires after failing closes its incident as fixed.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import OperationalError

from service.casework.actors import Actor
from service.casework.cases import Casework
from service.casework.incidents import RetryContext, open_incident, register_retry, resolve_open
from service.dao import audit_dao, cases_dao, instances_dao
from service.dao.audit_dao import NewAuditEvent
from service.db import connection_lost
from service.models import Case, ProcessInstance

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
PARK_AFTER = 5


class TimerDidNotFire(RuntimeError):
    """The instance was due, but nothing in its workflow fired: claiming it again would loop for ever."""


@dataclass(frozen=True)
class SweepResult:
    fired: int
    failed: int

    @property
    def claimed(self) -> int:
        return self.fired + self.failed


def retry_delay(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class _TimerFailed(Exception):
    """A timer failed in a batch run without savepoints: the batch is rolled back and run with them."""


def fire_due_batch(casework: Casework, batch_size: int = 50) -> SweepResult:
    try:
        return _fire_batch(casework, batch_size, isolated=False)
    except _TimerFailed:
        return _fire_batch(casework, batch_size, isolated=True)


def _fire_batch(casework: Casework, batch_size: int, *, isolated: bool) -> SweepResult:
    now = casework.clock.now()
    fired = failed = 0
    with casework.db.transaction() as session:
        instances = instances_dao.claim_due_instances(session, now, batch_size)
        cases = cases_dao.cases_by_instance(session, [instance.id for instance in instances])
        for instance in instances:
            try:
                with session.begin_nested() if isolated else contextlib.nullcontext():
                    _fire_one(casework, session, instance, cases[instance.id], now)
                fired += 1
            except OperationalError:
                # The database, not the timer, is at fault (connection lost, lock time-out): give the
                # whole batch back uncommitted rather than blame the case.
                raise
            except Exception as error:  # any other failure is recorded on the case, never dropped
                if connection_lost(error):
                    raise
                if not isolated:
                    raise _TimerFailed from error
                session.expire(instance)
                _record_failure(session, instance, error, now)
                failed += 1
    return SweepResult(fired, failed)


def _fire_one(casework: Casework, session, instance: ProcessInstance, case: Case, now: datetime) -> None:
    due = instance.next_timer_due
    failed_before = instance.timer_attempts > 0
    if not casework.fire_timers(session, instance, case, now) and _still_due(instance, now):
        raise TimerDidNotFire(f"due at {due.isoformat() if due else '?'}, but nothing in the case fired")
    if failed_before:  # only a timer that failed before can have an incident to close
        resolve_open(session, instance, "timer", now=now)


def _still_due(instance: ProcessInstance, now: datetime) -> bool:
    return instance.next_timer_due is not None and instance.next_timer_due <= now


def _record_failure(session, instance: ProcessInstance, error: Exception, now: datetime) -> None:
    attempts = instance.timer_attempts + 1
    parked = attempts >= PARK_AFTER
    message = f"{type(error).__name__}: {str(error)[:300]}"
    log.warning("timer on %s failed (attempt %d): %s", instance.business_key, attempts, message)
    seq, head = audit_dao.append_events(session, instance, [NewAuditEvent(
        "timer_failed", None, ["system"], data={"attempt": attempts, "error": message, "parked": parked},
    )], now=now)
    instances_dao.save_instance_state(session, instance, read_version=instance.lock_version, changes={
        "timer_attempts": attempts,
        "timer_error": message,
        "next_timer_due": None if parked else now + retry_delay(attempts),
        "audit_seq": seq,
        "audit_head": head,
        "updated_at": now,
    })
    open_incident(
        session, instance, kind="timer", now=now,
        message=(f"A timer could not fire ({type(error).__name__}); "
                 + ("it has stopped trying until it is retried." if parked else "it will be tried again.")),
        details={"error": message, "attempts": attempts, "parked": parked, "waiting": instance.waiting_elements},
    )


def retry_now(casework: Casework, instance_id: int, requested_by: Actor) -> str | None:
    """An administrator's retry: make the failed timer due at once, on the case's record.

    Returns the case's reference, or None if its timer has not failed. Raises StaleInstance if a
    worker changed the instance meanwhile.
    """
    now = casework.clock.now()
    with casework.db.transaction() as session:
        instance = instances_dao.get_instance(session, instance_id)
        if instance is None or not instance.timer_error or instance.status != "running":
            return None
        seq, head = audit_dao.append_events(session, instance, [NewAuditEvent(
            "timer_retry_requested", requested_by.user_id, list(requested_by.roles),
            data={"attempts": instance.timer_attempts, "error": instance.timer_error},
        )], now=now)
        instances_dao.save_instance_state(session, instance, read_version=instance.lock_version, changes={
            "next_timer_due": now, "audit_seq": seq, "audit_head": head, "updated_at": now,
        })
        return instance.business_key


def _retry_timer_incident(ctx: RetryContext) -> None:
    """A timer incident's retry: the timer is due at once (also when it was parked)."""
    if ctx.instance.status != "running":
        return
    instances_dao.save_instance_state(ctx.session, ctx.instance, read_version=ctx.instance.lock_version, changes={
        "next_timer_due": ctx.now, "updated_at": ctx.now,
    })


register_retry("timer", _retry_timer_incident)
