"""Recording on a case's audit trail a change that does not move its workflow.

Claims, notes and further incidents chain their audit rows exactly as a workflow step does:
after the instance's head, saved under its optimistic lock in the caller's transaction, so two
writers can never fork the chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from service.cases.errors import Conflict
from service.dao import audit_dao, instances_dao
from service.dao.audit_dao import NewAuditEvent
from service.dao.instances_dao import StaleInstance
from service.models import ProcessInstance

CHANGED_MEANWHILE = "Someone else changed this case at the same moment, so nothing was saved. Try again."


def record_on_case(session: Session, instance: ProcessInstance, events: Sequence[NewAuditEvent],
                   now: datetime) -> None:
    seq, head = audit_dao.append_events(session, instance, events, now=now)
    try:
        instances_dao.save_instance_state(session, instance, read_version=instance.lock_version, changes={
            "audit_seq": seq, "audit_head": head, "updated_at": now,
        })
    except StaleInstance:
        raise Conflict(CHANGED_MEANWHILE) from None
