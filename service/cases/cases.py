"""Starting cases, completing their tasks and delivering messages: the write paths of every process."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.exceptions import WorkflowException

from service.cases import business_keys, incidents
from service.cases.errors import Conflict, NotAllowed, NotFound, ProcessProblem, StepBudgetExceeded
from service.cases.incidents import open_incident_apart
from service.cases.starting import reference_prefix, refuse_unless_may_start
from service.cases.unreadable_state import load_workflow, reporting_unreadable_state
from service.casework import Casework
from service.dao import cases_dao, instances_dao, processes_dao, references_dao, tasks_dao
from service.dao.audit_dao import NewAuditEvent
from service.dao.instances_dao import StaleInstance
from service.dao.tasks_dao import TaskConflict
from service.models import Case, ProcessInstance
from service.notifications import outbox
from service.observability.metrics import TASK_COMPLETIONS
from service.packs.registry import Pack, pack_for
from service.people.actors import Actor, parse_actor_list, record_actor, refuse_excluded_actor
from service.people.roles import message_senders, message_senders_words
from service.processes import case_events
from service.processes.case_dates import case_dates
from service.processes.definitions import definition_of, deployed_version
from service.processes.forms import validated
from service.tasks.steps import StepContext, save_step
from workflows.budget import BudgetExceeded
from workflows.engine import ErrorNotCaught, NoOneWaiting, TaskNotReady
from workflows.sandbox import SandboxError

log = logging.getLogger(__name__)

_ALREADY_DONE = (
    "This task has already been completed or has moved on, so nothing was changed. "
    "Reload the case to see where it is now."
)
_CHANGED_MEANWHILE = (
    "Someone else changed this case at the same moment, so nothing was saved. Reload the case and try again."
)


@dataclass(frozen=True)
class OpenedTask:
    id: str
    name: str
    assignee_id: int | None


@dataclass(frozen=True)
class StepOutcome:
    """Where a case stands after a step: its reference and the tasks the step opened."""

    reference: str
    case_id: int
    opened: list[OpenedTask]


StartedCase = StepOutcome


def _outcome(case: Case, opened) -> StepOutcome:
    return StepOutcome(case.reference, case.id, [OpenedTask(t.id, t.name, t.assignee_id) for t in opened])


@contextmanager
def state_budget() -> Iterator[None]:
    """Saving a step checks its state against the step budget. Only that, and the engine's own errors,
    are the diagram's fault here: a database error while saving stays what it is (a 503, not a message
    blaming the process owner)."""
    try:
        yield
    except (BudgetExceeded, WorkflowException, SandboxError):
        with diagram_problems():
            raise


@contextmanager
def diagram_problems() -> Iterator[None]:
    """Turn an engine failure into a message a person can act on; the transaction rolls back.

    Only the sandbox's and the engine's own messages are repeated. Any other error's text can
    quote the case's data (a timer expression that gave a name instead of a date fails with
    "Invalid isoformat string: '<the name>'"), so it is named only by its type, in the log.
    """
    try:
        yield
    except (TaskNotReady, NoOneWaiting, ErrorNotCaught):
        raise  # not the diagram's fault: the callers answer these themselves
    except BudgetExceeded as exceeded:
        raise StepBudgetExceeded(
            f"The process diagram was stopped: {exceeded.reason}. Nothing was saved. Please tell the process owner.",
            exceeded.reason, exceeded.element_id,
        ) from None
    except (WorkflowException, SandboxError) as error:
        cause = error.__cause__ if isinstance(error.__cause__, SandboxError) else error
        spec = getattr(error, "task_spec", None)
        where = getattr(spec, "bpmn_name", None) or "a step"
        raise ProcessProblem(
            f"The process diagram could not run {where!s}: {str(cause)[:300]} "
            "Nothing was saved. Please tell the process owner.", getattr(spec, "bpmn_id", None),
        ) from None
    except Exception as error:
        log.warning("the process diagram failed with %s", type(error).__name__)
        raise ProcessProblem(
            "The process diagram could not run a step: a timer, loop or expression gave a value the engine "
            "cannot use. Nothing was saved. Please tell the process owner."
        ) from None


def _not_waiting(pack: Pack | None, message: str, label: str) -> str:
    words = pack.not_waiting.get(message) if pack else None
    return words or f"This case is not waiting for ‘{label}’ now, so nothing was saved."


# -- starting --------------------------------------------------------------------------


def start_case(casework: Casework, actor: Actor, form_data: dict[str, Any], *, process_id: str,
               business_key: str | None = None) -> StartedCase:
    """``business_key`` is one chosen by the caller (see business_keys); the reference otherwise."""
    now = casework.clock.now()
    business_key = business_keys.checked(business_key)
    pack = pack_for(process_id)
    with casework.db.transaction() as session:
        version = processes_dao.get_latest_version(session, process_id)
        if version is None:
            raise NotFound("That process has not been deployed yet.")
        definition = definition_of(version)
        refuse_unless_may_start(actor, definition, pack)
        data = validated(version, definition.start_form_key, form_data, now)
        start_fields = (version.forms or {}).get(definition.start_form_key or "", {}).get("properties", {})
        # The pack finds (or adds) who the case is about, and may refuse the start: no subject for other processes.
        subject = pack.subject if pack else None
        link, subject_data = subject.start(session, data, start_fields, now) if subject else (None, {})
        reference = _case_reference(casework, session, now, reference_prefix(definition, pack))
        start_data = {**data, **subject_data, "case_reference": reference}
        with diagram_problems():
            workflow, step = casework.engine.start(definition, start_data)
        instance = instances_dao.add_instance(session, ProcessInstance(
            business_key=reference, chosen_business_key=business_key, process_version_id=version.id,
            status="running",
            state={}, lock_version=1, created_at=now, updated_at=now, waiting_elements=[],
        ))
        case = cases_dao.add_case(session, Case(
            reference=reference, instance_id=instance.id, status="open", opened_by_id=actor.user_id,
            owner_id=actor.user_id, opened_at=now,
        ))
        if link is not None:
            link(case)
        ctx = StepContext(session, casework.engine, definition, instance, case, now, casework.provider)
        case_events.apply(ctx, actor, step, workflow)
        with state_budget():
            opened = save_step(ctx, workflow, step, [NewAuditEvent(
                "case_started", actor.user_id, list(actor.roles), element_id=None,
                data={"process_version": version.version, "form": data,
                      **({"business_key": business_key} if business_key is not None else {})},
            )], read_version=1, open_before=set())
        return _outcome(case, opened)


def _case_reference(casework: Casework, session, now: datetime, prefix: str) -> str:
    """The next case reference, taken once the incident has passed validation.

    On PostgreSQL it is taken in a short transaction of its own: the counter's row lock then lasts
    one statement, where inside the start it would last the whole start and every start would
    queue behind the one before. A start that fails after this point leaves a gap in the numbers;
    references stay unique and in order. On SQLite the start's own transaction already holds the
    database's only write lock, and a second writer would wait for it, so the number is taken there.
    """
    prefix = f"{prefix}-{now.year}"
    if casework.db.is_postgres:
        with casework.db.transaction() as own:
            number = references_dao.next_reference_number(own, prefix)
    else:
        number = references_dao.next_reference_number(session, prefix)
    return f"{prefix}-{number:04d}"


# -- completing --------------------------------------------------------------------------


def complete_task(casework: Casework, actor: Actor, task_id: str, form_data: dict[str, Any]) -> StepOutcome:
    """Complete a task the actor holds. A step that exceeds its budget is rolled back and recorded
    as an incident on the case, in a transaction of its own."""
    with _budget_incidents(casework,
                           lambda session: getattr(tasks_dao.get_task(session, task_id), "instance_id", None)):
        return _complete_task(casework, actor, task_id, form_data)


@contextmanager


def _budget_incidents(casework: Casework, instance_id) -> Iterator[None]:
    try:
        yield
    except StepBudgetExceeded as exceeded:
        with casework.db.transaction() as session:
            found = instance_id(session)
        if found is not None:
            open_incident_apart(casework, found, kind="step_budget", now=casework.clock.now(),
                                element_id=exceeded.element_id or "",
                                message=f"A step was stopped: {exceeded.reason}. Nothing of it was saved.")
        raise


def _complete_task(casework: Casework, actor: Actor, task_id: str, form_data: dict[str, Any]) -> StepOutcome:
    now = casework.clock.now()
    with reporting_unreadable_state(casework, now):
        return _complete_task_at(casework, actor, task_id, form_data, now)


def _complete_task_at(casework: Casework, actor: Actor, task_id: str, form_data: dict[str, Any],
                      now: datetime) -> StepOutcome:
    failing_at: tuple[int, str] | None = None
    try:
        with casework.db.transaction() as session:
            found = tasks_dao.get_task_with_instance_and_case(session, task_id)
            if found is None:
                raise NotFound("There is no such task.")
            task, instance, case = found
            failing_at = (instance.id, task.element_id)
            if task.status != "open":
                raise Conflict(_ALREADY_DONE)
            if task.assignee_id != actor.user_id:
                raise NotAllowed("Only the person holding this task can complete it. Claim it first.")
            version, definition = deployed_version(session, instance.process_version_id)
            spec = definition.user_tasks.get(task.element_id)
            properties = spec.properties if spec else {}
            refuse_excluded_actor(session, case.id, actor, parse_actor_list(properties.get("excludedActors")))
            data = validated(version, task.form_key, form_data, now, lambda: case_dates(session, case, now))
            read_version = instance.lock_version
            workflow = load_workflow(casework.engine, definition, instance)
            open_before = {t.id for t in casework.engine.ready_user_tasks(workflow)}
            try:
                with diagram_problems():
                    step = casework.engine.complete_task(workflow, task_id, data)
            except TaskNotReady:
                raise Conflict(_ALREADY_DONE) from None
            tasks_dao.mark_completed(session, task_id, user_id=actor.user_id, now=now, data=data)
            ctx = StepContext(session, casework.engine, definition, instance, case, now, casework.provider)
            if properties.get("recordsActor"):
                record_actor(session, case.id, properties["recordsActor"], actor, now)
            case_events.apply(ctx, actor, step, workflow)
            with state_budget():
                opened = save_step(ctx, workflow, step, [NewAuditEvent(
                    "task_completed", actor.user_id, list(actor.roles), task_id=task_id,
                    element_id=task.element_id, data={"name": task.name, "form": data},
                )], read_version=read_version, finished_task_id=task_id, open_before=open_before)
            outcome = _outcome(case, opened)
    except (StaleInstance, TaskConflict):
        raise Conflict(_CHANGED_MEANWHILE) from None
    except StepBudgetExceeded:
        raise  # recorded as a step_budget incident by _budget_incidents
    except ProcessProblem as problem:
        _record_process_problem(casework, failing_at, problem, now)
        raise

    TASK_COMPLETIONS.inc()  # counted once committed
    return outcome


def _record_process_problem(casework: Casework, where: tuple[int, str] | None, problem: ProcessProblem,
                            now: datetime) -> None:
    """The step rolled back and the person was told; an incident tells the administrators too."""
    if where is not None:
        incidents.open_incident_apart(casework, where[0], kind="script", element_id=problem.element_id or where[1],
                                      now=now, message=problem.message)


# -- messages ----------------------------------------------------------------------------


def deliver_message(casework: Casework, actor: Actor, case_reference: str, message: str,
                    form_data: dict[str, Any]) -> str:
    """Deliver a message (an appeal received, a customer's reply) to the case it is meant for, validated
    against the form its catch event names; returns the case's reference. Only the groups the catch event
    names may send it; if it names none, anyone who works on tasks (``message_senders``)."""
    def instance_id(session):
        return getattr(instances_dao.get_instance_by_key(session, case_reference), "id", None)

    with _budget_incidents(casework, instance_id):
        return _deliver_message(casework, actor, case_reference, message, form_data)


def _deliver_message(casework: Casework, actor: Actor, case_reference: str, message: str,
                     form_data: dict[str, Any]) -> str:
    now = casework.clock.now()
    with reporting_unreadable_state(casework, now):
        return _deliver_message_at(casework, actor, case_reference, message, form_data, now)


def _deliver_message_at(casework: Casework, actor: Actor, case_reference: str, message: str, form_data: dict[str, Any],
                        now: datetime) -> str:
    failing_at: tuple[int, str] | None = None
    try:
        with casework.db.transaction() as session:
            instance = instances_dao.get_instance_by_key(session, case_reference)
            if instance is None:
                raise NotFound("There is no case with that reference.")
            failing_at = (instance.id, "")
            case = cases_dao.get_case_by_instance(session, instance.id)
            version, definition = deployed_version(session, instance.process_version_id)
            pack = pack_for(definition.process_id)
            for check in pack.message_checks if pack else ():
                check(session, case, message)
            spec = definition.messages.get(message)
            if spec is None:
                raise NotFound(f"This case's process has no message called {message[:80]!r}.")
            if not actor.has_any_role(message_senders(spec)):
                raise NotAllowed(f"Only {message_senders_words(spec)} may send ‘{spec.label}’.")
            data = validated(version, spec.form_key, form_data, now, lambda: case_dates(session, case, now))
            read_version = instance.lock_version
            workflow = load_workflow(casework.engine, definition, instance)
            open_before = {t.id for t in casework.engine.ready_user_tasks(workflow)}
            try:
                with diagram_problems():
                    step = casework.engine.deliver_message(workflow, message, data)
            except NoOneWaiting:
                raise Conflict(_not_waiting(pack, spec.name, spec.label)) from None
            ctx = StepContext(session, casework.engine, definition, instance, case, now, casework.provider)
            case_events.apply(ctx, actor, step, workflow)
            notice = pack.message_notices.get(message) if pack else None
            if notice:
                outbox.on_case(session, notice, case.id, now, by_user_id=actor.user_id)
            with state_budget():
                save_step(ctx, workflow, step, [NewAuditEvent(
                    "message_received", actor.user_id, list(actor.roles), data={"message": message, "form": data},
                )], read_version=read_version, open_before=open_before)
            return instance.business_key
    except StaleInstance:
        raise Conflict(_CHANGED_MEANWHILE) from None
    except StepBudgetExceeded:
        raise  # recorded as a step_budget incident by _budget_incidents
    except ProcessProblem as problem:
        _record_process_problem(casework, failing_at, problem, now)
        raise


# -- timers ------------------------------------------------------------------------------


def fire_timers(casework: Casework, session, instance: ProcessInstance, case: Case, now: datetime) -> bool:
    """Fire what is due on an instance (and its case) the caller has claimed, in the caller's
    transaction (the worker's batch: see ``tasks.timers``)."""
    _, definition = deployed_version(session, instance.process_version_id)
    read_version = instance.lock_version
    workflow = load_workflow(casework.engine, definition, instance)
    open_before = {t.id for t in casework.engine.ready_user_tasks(workflow)}
    due = instance.next_timer_due
    step = casework.engine.fire_due_timers(workflow)
    ctx = StepContext(session, casework.engine, definition, instance, case, now, casework.provider)
    case_events.apply(ctx, None, step, workflow)
    save_step(ctx, workflow, step, [NewAuditEvent(
        "timer_fired", None, ["system"], data={"due": due.isoformat() if due else None},
    )], read_version=read_version, timer_fired=True, open_before=open_before)
    return bool(step.completed)
