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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import OperationalError

from service.cases.cases import fire_timers
from service.cases.errors import Conflict
from service.cases.incidents import RetryContext, open_incident, register_retry, resolve_open
from service.casework import Casework
from service.dao import audit_dao, cases_dao, instances_dao
from service.dao.audit_dao import NewAuditEvent
from service.dao.instances_dao import StaleInstance
from service.db import connection_lost
from service.models import Case, ProcessInstance
from service.people.actors import Actor
from workflows.budget import BudgetExceeded

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


def fire_due_batch(casework: Casework, batch_size: int = 50, progress: Callable[[], None] = lambda: None
                   ) -> SweepResult:
    """Fire up to ``batch_size`` due timers; ``progress()`` is called after each (the watchdog's sign of life)."""
    now = casework.clock.now()
    ids, parked = _count_attempts(casework, now, batch_size)
    if not ids:
        return SweepResult(0, parked)
    try:
        result = _fire_batch(casework, ids, now, progress, isolated=False)
    except _TimerFailed:
        result = _fire_batch(casework, ids, now, progress, isolated=True)
    return SweepResult(result.fired, result.failed + parked)


def _count_attempts(casework: Casework, now: datetime, batch_size: int) -> tuple[list[int], int]:
    """Claim the batch and count an attempt on each timer, committed before any of them runs.

    A timer that hangs or kills the worker never gets to record its failure; counted here, it still
    uses up its attempts, and one that has used them all without finishing is parked as an incident
    instead of being run again (so a poison pill cannot stop the worker over and over).
    Returns the instances to run and how many were parked.
    """
    with casework.db.transaction() as session:
        instances = instances_dao.claim_due_instances(session, now, batch_size)
        worn_out = [i for i in instances if i.timer_attempts >= PARK_AFTER]
        for instance in worn_out:
            _park_unfinished(session, instance, now)
        runnable = [i for i in instances if i.timer_attempts < PARK_AFTER]
        instances_dao.count_timer_attempts(session, runnable)
        return [i.id for i in runnable], len(worn_out)


def _park_unfinished(session, instance: ProcessInstance, now: datetime) -> None:
    message = (f"A timer was started {instance.timer_attempts} times and never finished (the worker stopped or "
               "was stopped while running it); it has stopped trying until it is retried.")
    log.error("timer on %s parked after %d unfinished attempts", instance.business_key, instance.timer_attempts)
    instances_dao.save_instance_state(session, instance, read_version=instance.lock_version, changes={
        "next_timer_due": None, "timer_error": "the timer never finished", "updated_at": now,
    })
    open_incident(session, instance, kind="timer", now=now, message=message,
                  details={"attempts": instance.timer_attempts, "parked": True, "waiting": instance.waiting_elements})


def _fire_batch(casework: Casework, ids: list[int], now: datetime, progress: Callable[[], None], *,
                isolated: bool) -> SweepResult:
    fired = failed = 0
    with casework.db.transaction() as session:
        instances = instances_dao.claim_due_instances(session, now, len(ids), ids)
        cases = cases_dao.cases_by_instance(session, [instance.id for instance in instances])
        for instance in instances:
            try:
                with session.begin_nested() if isolated else contextlib.nullcontext():
                    _fire_one(casework, session, instance, cases[instance.id], now)
                fired += 1
                progress()
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
                progress()
    return SweepResult(fired, failed)


def _fire_one(casework: Casework, session, instance: ProcessInstance, case: Case, now: datetime) -> None:
    due = instance.next_timer_due
    failed_before = instance.timer_attempts > 0
    if not fire_timers(casework, session, instance, case, now) and _still_due(instance, now):
        raise TimerDidNotFire(f"due at {due.isoformat() if due else '?'}, but nothing in the case fired")
    if failed_before:  # only a timer that failed before can have an incident to close
        resolve_open(session, instance, "timer", now=now)


def _still_due(instance: ProcessInstance, now: datetime) -> bool:
    return instance.next_timer_due is not None and instance.next_timer_due <= now


def _record_failure(session, instance: ProcessInstance, error: Exception, now: datetime) -> None:
    attempts = instance.timer_attempts  # this attempt was counted before it ran
    if isinstance(error, BudgetExceeded):
        _record_budget_exceeded(session, instance, error, now)
        return
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


def _record_budget_exceeded(session, instance: ProcessInstance, error: BudgetExceeded, now: datetime) -> None:
    """Doing more work than a timer may is not bad luck: trying again would do the same, so the timer
    is parked at once and the case gets a step-budget incident."""
    log.warning("timer on %s stopped: %s", instance.business_key, error.reason)
    seq, head = audit_dao.append_events(session, instance, [NewAuditEvent(
        "timer_failed", None, ["system"], element_id=error.element_id or None,
        data={"attempt": instance.timer_attempts, "error": error.reason, "parked": True},
    )], now=now)
    instances_dao.save_instance_state(session, instance, read_version=instance.lock_version, changes={
        "timer_error": f"stopped: {error.reason}"[:400], "next_timer_due": None,
        "audit_seq": seq, "audit_head": head, "updated_at": now,
    })
    open_incident(session, instance, kind="step_budget", now=now, element_id=error.element_id,
                  message=f"A timer's step was stopped: {error.reason}. Nothing of it was saved; "
                          "it has stopped trying until it is retried.",
                  details={"reason": error.reason, "attempts": instance.timer_attempts, "parked": True})


_WORKER_BUSY = "The worker was busy with that case at the same moment, so nothing was changed. Look again."


def retry_now(casework: Casework, instance_id: int, requested_by: Actor) -> str | None:
    """An administrator's retry: make the failed timer due at once, on the case's record.

    Returns the case's reference, or None if its timer has not failed. Conflict if a worker changed the
    instance meanwhile (nothing was changed).
    """
    try:
        return _retry_now(casework, instance_id, requested_by)
    except StaleInstance:
        raise Conflict(_WORKER_BUSY) from None


def _retry_now(casework: Casework, instance_id: int, requested_by: Actor) -> str | None:
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
    # Its attempts start again: a timer parked for never finishing would otherwise be parked at once.
    instances_dao.save_instance_state(ctx.session, ctx.instance, read_version=ctx.instance.lock_version, changes={
        "next_timer_due": ctx.now, "timer_attempts": 0, "updated_at": ctx.now,
    })


def _retry_step_budget_incident(ctx: RetryContext) -> None:
    """A timer stopped by its budget is re-armed like any timer; a person's step stopped by its budget
    saved nothing, so there is nothing to re-arm: the person submits the task again."""
    if (ctx.incident.details or {}).get("parked"):
        _retry_timer_incident(ctx)


register_retry("timer", _retry_timer_incident)
register_retry("step_budget", _retry_step_budget_incident)
