"""Keeping external task rows in step with the workflow after each step (see ``tasks.steps``)."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow

from service.dao import external_tasks_dao
from service.models import ExternalTask


def sync_external_tasks(ctx, workflow: BpmnWorkflow) -> list[ExternalTask]:
    """Make a row for each external element the step reached; cancel rows whose element the step left
    (an interrupting boundary event fired, the case was ended). Returns the rows made."""
    if not ctx.definition.external_tasks:
        return []  # most processes have none: no query on their steps
    waiting = {t.id: t for t in ctx.engine.waiting_external_tasks(workflow)}
    known = external_tasks_dao.open_ids_of_instance(ctx.session, ctx.instance.id)
    external_tasks_dao.cancel(ctx.session, known - waiting.keys(), ctx.now)
    made = []
    for task_id, waiting_task in waiting.items():
        if task_id in known:
            continue
        definition = ctx.definition.external_tasks[waiting_task.element_id]
        made.append(ExternalTask(
            id=task_id, instance_id=ctx.instance.id, case_id=ctx.case.id if ctx.case else None,
            process_version_id=ctx.instance.process_version_id, element_id=waiting_task.element_id,
            element_name=definition.name[:300], topic=definition.topic, priority=definition.priority,
            status="open", local_variables={}, created_at=ctx.now,
        ))
    external_tasks_dao.add_all(ctx.session, made)
    return made
