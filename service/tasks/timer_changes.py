"""An administrator moves a waiting timer's due date, or fires it now, always with a recorded reason.

As Camunda Cockpit can set a job's due date. The waiting task's stored instant is rewritten (the
expression is not evaluated again), the change and its reason go on the case's audit record in the
same transaction, and firing now runs the timer in the request rather than waiting for the worker.
"""

from __future__ import annotations

from datetime import datetime

from service.cases.cases import Casework, diagram_problems
from service.cases.errors import Conflict, NotAllowed, NotFound, ProcessProblem
from service.dao import cases_dao, instances_dao
from service.dao.audit_dao import NewAuditEvent
from service.dao.instances_dao import StaleInstance
from service.people.actors import Actor
from service.processes import case_events
from service.processes.definitions import deployed_version
from service.tasks.steps import StepContext, save_step
from workflows.engine import StepResult

MAX_REASON = 500


def move_timer(casework: Casework, actor: Actor, instance_id: int, element_id: str, due: datetime,
               reason: str) -> str:
    """Make the timer at ``element_id`` fall due at ``due``; returns the case's reference."""
    return _change(casework, actor, instance_id, element_id, due, reason, fire=False)


def fire_timer_now(casework: Casework, actor: Actor, instance_id: int, element_id: str, reason: str) -> str:
    """Fire the timer at ``element_id`` now, as if it had fallen due; returns the case's reference."""
    return _change(casework, actor, instance_id, element_id, None, reason, fire=True)


def _change(casework: Casework, actor: Actor, instance_id: int, element_id: str, due: datetime | None,
            reason: str, *, fire: bool) -> str:
    if not actor.has_any_role(("admin",)):
        raise NotAllowed("Only administrators can change a timer.")
    reason = (reason or "").strip()
    if not reason:
        raise ProcessProblem("Give the reason for changing this timer: it is kept on the case's record.")
    if len(reason) > MAX_REASON:
        raise ProcessProblem(f"The reason must be {MAX_REASON} characters or fewer.")
    now = casework.clock.now()
    if due is not None and due.tzinfo is None:
        raise ProcessProblem("The new due date needs a time zone.")
    try:
        with casework.db.transaction() as session:
            instance = instances_dao.get_instance(session, instance_id)
            if instance is None or instance.status != "running":
                raise NotFound("That case is not running, so it has no timer to change.")
            case = cases_dao.get_case_by_instance(session, instance.id)
            _, definition = deployed_version(session, instance.process_version_id)
            read_version = instance.lock_version
            workflow = casework.engine.load(definition, instance.state)
            before = {t.element_id: t for t in casework.engine.waiting_timers(workflow)}
            if element_id not in before:
                raise Conflict("The case is no longer waiting on that timer (it may have fired). Nothing was changed.")
            open_before = {t.id for t in casework.engine.ready_user_tasks(workflow)}
            casework.engine.move_timer(workflow, element_id, now if fire else due)
            with diagram_problems():
                step = casework.engine.fire_due_timers(workflow) if fire else StepResult([], [], False)
            event = NewAuditEvent(
                "timer_fired_now" if fire else "timer_moved", actor.user_id, list(actor.roles), element_id=element_id,
                data={"timer": before[element_id].name, "was_due": before[element_id].due.isoformat(),
                      "due": (now if fire else due).isoformat(), "reason": reason},
            )
            ctx = StepContext(session, casework.engine, definition, instance, case, now, casework.provider)
            if fire:
                case_events.apply(ctx, actor, step, workflow)
            save_step(ctx, workflow, step, [event], read_version=read_version, timer_fired=fire,
                      open_before=open_before)
            return instance.business_key
    except StaleInstance:
        raise Conflict("Someone else changed this case at the same moment, so nothing was saved. Try again.") from None

