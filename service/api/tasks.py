from __future__ import annotations

import re

from flask import current_app, g

from service.api import blueprint, representations
from service.api.bodies import json_object, query_int, query_text
from service.auth.permissions import allow
from service.cases import cases as case_steps
from service.cases.errors import NotFound
from service.people.roles import WORKERS
from service.tasks import inbox_actions
from service.tasks.inbox import load_task_list

_TASK_ID = re.compile(r"^[0-9a-f-]{36}$")


def _runtime():
    return current_app.extensions["ubp"]


def _task_id(task_id: str) -> str:
    if not _TASK_ID.match(task_id):
        raise NotFound("There is no such task.")
    return task_id


@blueprint.route("/tasks", methods=["GET"])
@allow(*WORKERS)
def list_tasks():
    """Tasks held by a person (``assignee=me`` or a username) or waiting for one of their groups (``group=...``)."""
    runtime = _runtime()
    result = load_task_list(runtime.casework, g.actor, runtime.clock.now(), assignee=query_text("assignee", 80),
                            group=query_text("group", 40), page=query_int("page", 1))
    return {"items": [representations.task(row.task, row.case_reference) for row in result.rows],
            "total": result.total, "page": result.page, "pages": result.pages}


@blueprint.route("/tasks/<task_id>/claim", methods=["POST"])
@allow(*WORKERS)
def claim_task(task_id: str):
    task = inbox_actions.claim(_runtime().casework, g.actor, _task_id(task_id))
    return {"id": task.id, "claimed": True}


@blueprint.route("/tasks/<task_id>/complete", methods=["POST"])
@allow(*WORKERS)
def complete_task(task_id: str):
    outcome = case_steps.complete_task(_runtime().casework, g.actor, _task_id(task_id), json_object())
    return {"id": task_id, "completed": True, "case_reference": outcome.reference,
            "next_tasks": representations.opened_tasks(outcome, g.actor)}
