"""Human tasks as Camunda's task API shows them: list, one, claim, unclaim, complete, form variables.

The same services as the inbox and /api/v1: only someone in the task's groups may claim it, only the
holder may complete it, and what is submitted is validated against the task's form.
"""

from __future__ import annotations

from flask import current_app, g

from service.accounts.directory import username_of
from service.auth.permissions import allow
from service.cases import process_variables
from service.cases.cases import complete_task
from service.cases.errors import NotAllowed, NotFound
from service.cases.reading import readable_processes
from service.engine_rest import blueprint
from service.engine_rest.fields import body, boolean, query_flag, query_int, query_text, text
from service.engine_rest.representations import task
from service.engine_rest.variables import plain, typed_all
from service.people.actors import account_roles
from service.people.roles import CASE_READERS, WORKERS
from service.tasks import inbox_actions, task_listing
from service.tasks.task_listing import TaskFilter

# Anyone who works on tasks, and auditors; each sees only the tasks of the processes they may read.
READERS = CASE_READERS
NO_CONTENT = ("", 204)


def _runtime():
    return current_app.extensions["ubp"]


def _filter() -> TaskFilter:
    group = query_text("candidateGroup", 80)
    return TaskFilter(
        task_id=query_text("taskId", 36), reference=query_text("processInstanceId", 40),
        business_key=query_text("processInstanceBusinessKey", 255),
        process_definition_key=query_text("processDefinitionKey", 200),
        task_definition_key=query_text("taskDefinitionKey", 200), assignee=query_text("assignee", 80),
        candidate_group=group if group is None or group in account_roles() else "(no such group)",
        unassigned=query_flag("unassigned"), scope=readable_processes(g.actor),
    )


@blueprint.route("/task", methods=["GET"])
@allow(*READERS)
def task_list():
    rows = task_listing.list_tasks(_runtime().casework, _filter(), query_int("firstResult", 0, high=10**9),
                                   query_int("maxResults", 100, high=1000))
    return [task(row) for row in rows]


@blueprint.route("/task/count", methods=["GET"])
@allow(*READERS)
def task_count():
    return {"count": task_listing.count_tasks(_runtime().casework, _filter())}


@blueprint.route("/task/<task_id>", methods=["GET"])
@allow(*READERS)
def task_one(task_id: str):
    row = task_listing.task_row(_runtime().casework, task_id[:36], readable_processes(g.actor))
    if row is None:
        raise NotFound(f"No matching task with id {task_id[:36]}")
    return task(row)


@blueprint.route("/task/<task_id>/claim", methods=["POST"])
@allow(*WORKERS)
def task_claim(task_id: str):
    user_id = text(body(), "userId", max_length=80)
    if user_id is not None and user_id != username_of(_runtime().casework, g.actor.user_id):
        raise NotAllowed("A task can be claimed only for the caller itself; to give a task to someone else, "
                         "reassign it in the inbox.")
    inbox_actions.claim(_runtime().casework, g.actor, task_id[:36])
    return NO_CONTENT


@blueprint.route("/task/<task_id>/unclaim", methods=["POST"])
@allow(*WORKERS)
def task_unclaim(task_id: str):
    inbox_actions.unclaim(_runtime().casework, g.actor, task_id[:36])
    return NO_CONTENT


@blueprint.route("/task/<task_id>/complete", methods=["POST"])
@allow(*WORKERS)
def task_complete(task_id: str):
    data = body()
    variables = plain(data.get("variables"))
    complete_task(_runtime().casework, g.actor, task_id[:36], variables)
    if boolean(data, "withVariablesInReturn"):
        return typed_all(variables)
    return NO_CONTENT


@blueprint.route("/task/<task_id>/form-variables", methods=["GET"])
@allow(*READERS)
def task_form_variables(task_id: str):
    data, _ = process_variables.task_variables(_runtime().casework, g.actor, task_id[:36])
    names = query_text("variableNames", 4000)
    return typed_all(data, names.split(",") if names else None)
