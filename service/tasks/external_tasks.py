"""External tasks, for workers: fetch and lock, complete, fail, raise a BPMN error, extend and unlock.

These are the casework services behind Camunda 7's external task REST API (``service.engine_rest``).
Exactly once: every change is guarded by the row's state as the caller read it (open, locked by this
worker, lock not expired) in the same transaction as the case's step, and the case itself is saved
under its optimistic lock, so of two racing completions one wins and the other finds nothing to do.
A failure that leaves no retries opens an "external_task" incident; retrying that incident gives the
task one more try. Every completion, failure and BPMN error is an audit event on the case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from service.cases import business_keys, incidents
from service.cases.cases import diagram_problems
from service.cases.errors import CaseworkError, Conflict, NotAllowed, NotFound, ProcessProblem
from service.dao import audit_dao, cases_dao, external_tasks_dao, instances_dao
from service.dao.audit_dao import NewAuditEvent
from service.dao.instances_dao import StaleInstance
from service.models import ExternalTask
from service.people.actors import Actor
from service.processes.definitions import deployed_version
from service.tasks.steps import StepContext, save_step
from workflows.engine import ErrorNotCaught, TaskNotReady

WORKER_ROLES = ("worker",)
MAX_LOCK = timedelta(days=7)
MAX_TASKS = 100
MAX_TEXT = 4000
_MISSING = "External task with id {id} does not exist"


class LockRefused(CaseworkError):
    """The worker does not hold the task's lock (another worker does, or the lock expired). Nothing changed."""

    status = 400
    camunda_type = "BadUserRequestException"


@dataclass(frozen=True)
class TopicRequest:
    name: str
    lock_duration: timedelta
    variables: Sequence[str] | None = None  # None: every variable
    business_key: str | None = None
    process_definition_key: str | None = None


@dataclass(frozen=True)
class LockedTask:
    task: ExternalTask
    process_key: str
    business_key: str  # the case reference
    variables: dict[str, Any]
    chosen_business_key: str | None = None  # one given when the case was started, if any


def _require_worker(actor: Actor) -> None:
    if not actor.has_any_role(WORKER_ROLES):
        raise NotAllowed("Only service accounts with the worker role can work external tasks.")


def fetch_and_lock(casework, actor: Actor, worker_id: str, topics: Sequence[TopicRequest], max_tasks: int, *,
                   use_priority: bool = False) -> list[LockedTask]:
    """Lock up to ``max_tasks`` free tasks of the topics for ``worker_id`` and return them with their variables."""
    _require_worker(actor)
    now = casework.clock.now()
    by_topic = {t.name: t for t in topics}
    locked: list[LockedTask] = []
    with casework.db.transaction() as session:
        candidates = external_tasks_dao.claim_fetchable(session, list(by_topic), now, min(max_tasks, MAX_TASKS),
                                                        by_priority=use_priority)
        workflows: dict[int, Any] = {}
        for task in candidates:
            request = by_topic[task.topic]
            instance = instances_dao.get_instance(session, task.instance_id)
            version, definition = deployed_version(session, task.process_version_id)
            answers_to = business_keys.effective(instance.business_key, instance.chosen_business_key)
            if request.business_key is not None and answers_to != request.business_key:
                continue
            if request.process_definition_key is not None and version.process_id != request.process_definition_key:
                continue
            if not external_tasks_dao.lock(session, task, worker_id, now + min(request.lock_duration, MAX_LOCK), now):
                continue
            if instance.id not in workflows:
                workflows[instance.id] = casework.engine.load(definition, instance.state)
            data = _task_data(casework, workflows[instance.id], task.id)
            wanted = data if request.variables is None else {k: data[k] for k in request.variables if k in data}
            locked.append(LockedTask(task, version.process_id, instance.business_key, dict(wanted),
                                     instance.chosen_business_key))
    return locked


def _task_data(casework, workflow, task_id: str) -> dict[str, Any]:
    for waiting in casework.engine.waiting_external_tasks(workflow):
        if waiting.id == task_id:
            return dict(waiting.data)
    return {}


def complete(casework, actor: Actor, task_id: str, worker_id: str, variables: dict[str, Any],
             local_variables: dict[str, Any] | None = None) -> None:
    """The worker did the work: the case moves on with ``variables`` in its data."""
    _require_worker(actor)
    _step(casework, actor, task_id, worker_id, "external_task_completed", variables,
          lambda engine, workflow: engine.complete_external_task(workflow, task_id, variables),
          extra={"local_variables": local_variables or {}}, row_values={"local_variables": local_variables or {}})


def bpmn_error(casework, actor: Actor, task_id: str, worker_id: str, error_code: str, error_message: str,
               variables: dict[str, Any]) -> None:
    """A business error: an error boundary event with this code takes the case on. If none catches it,
    the task stays waiting with no retries and an incident says so."""
    _require_worker(actor)
    try:
        _step(casework, actor, task_id, worker_id, "external_task_bpmn_error", variables,
              lambda engine, workflow: engine.throw_bpmn_error(workflow, task_id, error_code, variables),
              extra={"error_code": error_code, "error_message": error_message[:MAX_TEXT]})
    except ErrorNotCaught:
        report_failure(casework, actor, task_id, worker_id,
                       f"BPMN error {error_code!r} was raised but no error boundary event catches it",
                       error_message, retries=0, retry_timeout=timedelta(0))


def report_failure(casework, actor: Actor, task_id: str, worker_id: str, error_message: str,
                   error_details: str | None, retries: int, retry_timeout: timedelta) -> None:
    """The worker could not do it: keep the error, give the task back after ``retry_timeout``; with no
    retries left, open an incident on the case instead."""
    _require_worker(actor)
    now = casework.clock.now()
    retries = max(retries, 0)
    try:
        with casework.db.transaction() as session:
            task, instance = _held(session, task_id, worker_id, now)
            values = {"retries": retries, "error_message": error_message[:MAX_TEXT],
                      "error_details": (error_details or "")[:MAX_TEXT * 4] or None, "worker_id": None,
                      "lock_expires_at": None, "available_at": now + retry_timeout if retry_timeout else None}
            if not external_tasks_dao.set_fields(session, task, expect_worker=worker_id, **values):
                raise NotFound(_MISSING.format(id=task_id))
            seq, head = audit_dao.append_events(session, instance, [NewAuditEvent(
                "external_task_failed", actor.user_id, list(actor.roles), task_id=task_id,
                element_id=task.element_id,
                data={"worker_id": worker_id, "retries": retries, "error_message": error_message[:MAX_TEXT]},
            )], now=now)
            instances_dao.save_instance_state(session, instance, read_version=instance.lock_version, changes={
                "audit_seq": seq, "audit_head": head, "updated_at": now})
            if retries == 0:
                incidents.open_incident(
                    session, instance, kind="external_task", element_id=task.element_id, now=now,
                    message=f"The worker for ‘{task.element_name}’ (topic {task.topic}) gave up after its last "
                            f"retry: {error_message[:300]}",
                    details={"task_id": task.id, "topic": task.topic, "worker_id": worker_id,
                             "error_details": (error_details or "")[:2000]},
                )
    except StaleInstance:
        raise Conflict("The case changed at the same moment; report the failure again.") from None


def extend_lock(casework, actor: Actor, task_id: str, worker_id: str, new_duration: timedelta) -> None:
    _require_worker(actor)
    now = casework.clock.now()
    with casework.db.transaction() as session:
        task, _ = _held(session, task_id, worker_id, now)
        if not external_tasks_dao.set_fields(session, task, expect_worker=worker_id,
                                             lock_expires_at=now + min(new_duration, MAX_LOCK)):
            raise NotFound(_MISSING.format(id=task_id))


def unlock(casework, actor: Actor, task_id: str) -> None:
    """Give the task back at once, whoever holds it (as Camunda's unlock does)."""
    _require_worker(actor)
    with casework.db.transaction() as session:
        task = external_tasks_dao.get(session, task_id, for_update=True)
        if task is None or task.status != "open":
            raise NotFound(_MISSING.format(id=task_id))
        external_tasks_dao.set_fields(session, task, worker_id=None, lock_expires_at=None)


def set_retries(session, task: ExternalTask, retries: int) -> None:
    """Give a task retries again (an incident's retry): it can be fetched at once."""
    external_tasks_dao.set_fields(session, task, retries=retries, available_at=None, worker_id=None,
                                  lock_expires_at=None)


# -- internals ---------------------------------------------------------------------------------

def _held(session, task_id: str, worker_id: str, now: datetime):
    """The task and its instance, if ``worker_id`` holds an unexpired lock on it; raises otherwise."""
    task = external_tasks_dao.get(session, task_id, for_update=True)
    if task is None or task.status != "open":
        raise NotFound(_MISSING.format(id=task_id))
    if task.worker_id != worker_id:
        holder = f"It is locked by worker '{task.worker_id}'." if task.worker_id else "It is not locked."
        raise LockRefused(f"External task {task_id} cannot be changed by worker '{worker_id}'. {holder}")
    if task.lock_expires_at is None or task.lock_expires_at <= now:
        raise LockRefused(f"External task {task_id} cannot be changed by worker '{worker_id}': its lock has "
                          "expired, so another worker may have it now. Fetch it again.")
    return task, instances_dao.get_instance(session, task.instance_id)


def _step(casework, actor: Actor, task_id: str, worker_id: str, event_type: str, variables: dict[str, Any],
          advance, *, extra: dict[str, Any], row_values: dict[str, Any] | None = None) -> None:
    now = casework.clock.now()
    where: dict[str, Any] = {}
    try:
        with casework.db.transaction() as session:
            task, instance = _held(session, task_id, worker_id, now)
            where.update(instance_id=instance.id, element_id=task.element_id)
            case = cases_dao.cases_by_instance(session, [instance.id]).get(instance.id)
            _, definition = deployed_version(session, instance.process_version_id)
            read_version = instance.lock_version
            workflow = casework.engine.load(definition, instance.state)
            open_before = {t.id for t in casework.engine.ready_user_tasks(workflow)}
            try:
                with diagram_problems():
                    step = advance(casework.engine, workflow)
            except TaskNotReady:
                raise NotFound(_MISSING.format(id=task_id)) from None
            if not external_tasks_dao.set_fields(session, task, expect_worker=worker_id, status="completed",
                                                 finished_at=now, lock_expires_at=None, **(row_values or {})):
                raise NotFound(_MISSING.format(id=task_id))
            ctx = StepContext(session, casework.engine, definition, instance, case, now, casework.provider)
            save_step(ctx, workflow, step, [NewAuditEvent(
                event_type, actor.user_id, list(actor.roles), task_id=task_id, element_id=task.element_id,
                data={"name": task.element_name, "topic": task.topic, "worker_id": worker_id,
                      "variables": variables, **extra},
            )], read_version=read_version, open_before=open_before)
            incidents.resolve_open(session, instance, "external_task", now=now, element_id=task.element_id)
    except StaleInstance:
        raise Conflict("The case changed at the same moment, so nothing was saved. Try again.") from None
    except ProcessProblem as problem:
        # The worker's part is done but the diagram cannot go on from it: the case keeps waiting here,
        # and an administrator sees why (the worker is told too, and may report it again later).
        incidents.open_incident_apart(casework, where["instance_id"], kind="script", now=now,
                                      element_id=where["element_id"], message=problem.message,
                                      details={"task_id": task_id, "event": event_type})
        raise


def _retry_external_task_incident(ctx: incidents.RetryContext) -> None:
    task_id = ctx.incident.details.get("task_id")
    task = external_tasks_dao.get(ctx.session, task_id, for_update=True) if task_id else None
    if task is None or task.status != "open":
        raise Conflict("The external task this incident is about has finished or gone, so there is nothing "
                       "to retry. Resolve the incident instead.")
    set_retries(ctx.session, task, 1)


incidents.register_retry("external_task", _retry_external_task_incident)
