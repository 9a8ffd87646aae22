"""Saving what one engine step did: state, task rows and audit rows, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from service.config import Provider
from service.dao import audit_dao, cases_dao, instances_dao, tasks_dao
from service.dao.audit_dao import NewAuditEvent
from service.models import Case, HumanTask, ProcessInstance
from service.notifications import outbox
from service.packs.registry import pack_for
from service.people.offers import offer_for
from service.tasks.assignment import actor_assignee_id, continuing_worker_id, preassigned_user_id
from service.tasks.external_task_rows import sync_external_tasks
from workflows.definitions import ProcessDefinition
from workflows.due_dates import due_instant
from workflows.engine import CaseEngine, StepResult


@dataclass(frozen=True)
class StepContext:
    session: Session
    engine: CaseEngine
    definition: ProcessDefinition
    instance: ProcessInstance
    case: Case
    now: datetime
    provider: Provider


def save_step(
    ctx: StepContext,
    workflow: BpmnWorkflow,
    step: StepResult,
    events: Sequence[NewAuditEvent],
    *,
    read_version: int,
    finished_task_id: str | None = None,
    timer_fired: bool = False,
    open_before: set[str] | None = None,
) -> list[HumanTask]:
    """Persist the step; returns the task rows it opened. Raises StaleInstance if someone got there first.

    ``open_before``: the user tasks that were ready before the step (the open task rows), when the
    caller knows them from the workflow it loaded; otherwise they are read from the database.
    """
    opened = _sync_task_rows(ctx, workflow, finished_task_id, open_before)
    external = sync_external_tasks(ctx, workflow)
    waiting = ctx.engine.waiting_elements(workflow)
    _update_case(ctx, waiting, step)
    path = {"completed": step.completed, "taken_flows": step.taken_flows}
    first, *rest = events
    events = [replace(first, data={**(first.data or {}), "path": path}), *rest]
    events += [
        NewAuditEvent("task_opened", None, [], task_id=t.id, element_id=t.element_id,
                      data={"name": t.name, "candidate_groups": t.candidate_groups})
        for t in opened
    ]
    events += [
        NewAuditEvent("external_task_created", None, [], task_id=t.id, element_id=t.element_id,
                      data={"name": t.element_name, "topic": t.topic})
        for t in external
    ]
    if step.finished:
        events.append(NewAuditEvent("case_closed", None, [], data={"outcome": ctx.case.outcome}))
    seq, head = audit_dao.append_events(ctx.session, ctx.instance, events, now=ctx.now)
    instances_dao.save_instance_state(
        ctx.session,
        ctx.instance,
        read_version=read_version,
        changes={
            "state": ctx.engine.dump(workflow),
            "status": "completed" if step.finished else "running",
            "next_timer_due": None if step.finished else ctx.engine.next_timer_due(workflow),
            "waiting_timers": [] if step.finished else [t.as_json() for t in ctx.engine.waiting_timers(workflow)],
            "waiting_elements": waiting,
            "audit_seq": seq,
            "audit_head": head,
            "updated_at": ctx.now,
            **({"timer_attempts": 0, "timer_error": None} if timer_fired else {}),
        },
    )
    return opened


def _sync_task_rows(
    ctx: StepContext, workflow: BpmnWorkflow, finished_task_id: str | None, open_before: set[str] | None
) -> list[HumanTask]:
    ready = {t.id: t for t in ctx.engine.ready_user_tasks(workflow)}
    if open_before is not None:
        open_ids = set(open_before)
    else:
        open_ids = tasks_dao.list_open_task_ids(ctx.session, ctx.instance.id) if ctx.instance.id else set()
    open_ids.discard(finished_task_id)
    tasks_dao.mark_cancelled(ctx.session, open_ids - ready.keys(), now=ctx.now)
    opened, offered_to_people = [], {}
    pack = pack_for(ctx.definition.process_id)
    continuity = pack.continuity_lanes if pack else ()
    for task_id, ready_task in ready.items():
        if task_id in open_ids:
            continue
        spec = ctx.definition.user_tasks.get(ready_task.element_id)
        offer = offer_for(ctx.session, ctx.definition, spec)
        offered_to_people[task_id] = offer.user_ids
        assignee_id = (preassigned_user_id(ctx.session, spec, offer)
                       or actor_assignee_id(ctx.session, ctx.case.id, spec, offer))
        given = None if assignee_id else continuing_worker_id(ctx.session, ctx.case, spec, offer, continuity)
        opened.append(HumanTask(
            id=task_id,
            instance_id=ctx.instance.id,
            case_id=ctx.case.id,
            element_id=ready_task.element_id,
            name=ready_task.name,
            lane=ready_task.lane,
            form_key=spec.form_key if spec else None,
            candidate_groups=list(offer.groups),
            candidate_users=list(offer.usernames),
            status="open",
            assignee_id=assignee_id or given,
            claimed_at=ctx.now if assignee_id else None,  # a task given by continuity is not claimed
            due_at=due_instant(spec.due_date if spec else None, ctx.now),
            priority=spec.priority_number if spec else 50,
            follow_up_at=due_instant(spec.follow_up_date if spec else None, ctx.now),
            created_at=ctx.now,
        ))
    tasks_dao.add_tasks(ctx.session, opened, offered_to_people)
    outbox.tasks_opened(ctx.session, opened, ctx.now)
    return opened


def _update_case(ctx: StepContext, waiting: list[str], step: StepResult) -> None:
    names = ctx.definition.element_names
    progress = {"stage": ", ".join(names.get(e, e) for e in waiting)[:300], "outcome": ctx.case.outcome}
    for element in step.completed:
        if element in ctx.definition.end_events and element != ctx.definition.final_end_event:
            progress["outcome"] = names.get(element, element)[:200]
    if step.finished:
        progress["outcome"] = progress["outcome"] or names.get(ctx.definition.final_end_event or "", "Closed")[:200]
        progress.update(status="closed", closed_at=ctx.now, stage="Closed")
    cases_dao.save_case_progress(ctx.session, ctx.case, **progress)
