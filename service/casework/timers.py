"""Firing due timers in batches: exactly once, even with several workers side by side.

A batch is claimed with SELECT ... FOR UPDATE SKIP LOCKED (PostgreSQL), so two workers never hold
the same instance, and committed once; each instance fires inside its own savepoint, so one
failing timer is recorded on its case and retried with back-off without holding up the others.
A worker killed mid-batch commits nothing: its instances are simply due again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from service.casework.cases import Casework
from service.dao import audit_dao, instances_dao
from service.dao.audit_dao import NewAuditEvent
from service.models import ProcessInstance

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class SweepResult:
    fired: int
    failed: int

    @property
    def claimed(self) -> int:
        return self.fired + self.failed


def retry_delay(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def fire_due_batch(casework: Casework, batch_size: int = 50) -> SweepResult:
    now = casework.clock.now()
    fired = failed = 0
    with casework.db.transaction() as session:
        for instance in instances_dao.claim_due_instances(session, now, batch_size):
            try:
                with session.begin_nested():
                    casework._fire(session, instance, now)
                fired += 1
            except Exception as error:  # any failure is recorded on the case, never dropped
                session.expire(instance)
                _record_failure(session, instance, error, now)
                failed += 1
    return SweepResult(fired, failed)


def _record_failure(session, instance: ProcessInstance, error: Exception, now) -> None:
    attempts = instance.timer_attempts + 1
    message = f"{type(error).__name__}: {str(error)[:300]}"
    log.warning("timer on %s failed (attempt %d): %s", instance.business_key, attempts, message)
    seq, head = audit_dao.append_events(session, instance, [NewAuditEvent(
        "timer_failed", None, ["system"], data={"attempt": attempts, "error": message},
    )], now=now)
    instances_dao.save_instance_state(session, instance, read_version=instance.lock_version, changes={
        "timer_attempts": attempts,
        "timer_error": message,
        "next_timer_due": now + retry_delay(attempts),
        "audit_seq": seq,
        "audit_head": head,
        "updated_at": now,
    })


def retry_now(casework: Casework, instance_id: int) -> None:
    """An administrator's retry: make the failed timer due at once."""
    now = casework.clock.now()
    with casework.db.transaction() as session:
        instance = instances_dao.get_instance(session, instance_id)
        if instance is not None and instance.timer_error:
            instances_dao.save_instance_state(session, instance, read_version=instance.lock_version, changes={
                "next_timer_due": now, "updated_at": now,
            })
