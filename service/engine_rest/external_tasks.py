"""Camunda 7's external task API: what workers call to fetch, lock, complete and fail work."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import current_app, g

from service.auth.permissions import allow
from service.cases import business_keys
from service.cases.errors import NotFound
from service.engine_rest import blueprint
from service.engine_rest.fields import (
    InvalidRequest,
    body,
    boolean,
    camunda_time,
    integer,
    query_flag,
    query_int,
    query_text,
    text,
)
from service.engine_rest.representations import definition_id
from service.engine_rest.variables import plain, typed_all
from service.tasks import external_task_listing, external_tasks
from service.tasks.external_task_listing import ExternalTaskFilter, ExternalTaskRow
from service.tasks.external_tasks import LockedTask, TopicRequest

WORKERS = ("worker",)
READERS = ("worker", "auditor", "admin")
MAX_POLL_SECONDS = 30.0  # asyncResponseTimeout is cut to this: a waiting request holds a server thread
POLL_EVERY_SECONDS = 0.5
NO_CONTENT = ("", 204)
MAX_MILLIS = 10**12  # about 31 years: any longer is refused rather than overflowing a date


def _runtime():
    return current_app.extensions["ubp"]


def _dto(task, process_key: str, reference: str, chosen_business_key: str | None,
         variables: dict[str, Any] | None = None) -> dict[str, Any]:
    locked = task.lock_expires_at is not None and task.lock_expires_at > _runtime().clock.now()
    dto = {
        "activityId": task.element_id, "activityInstanceId": f"{task.element_id}:{task.id}",
        "errorMessage": task.error_message, "errorDetails": task.error_details, "executionId": task.id,
        "id": task.id, "lockExpirationTime": camunda_time(task.lock_expires_at) if locked else None,
        "createTime": camunda_time(task.created_at),
        "processDefinitionId": definition_id(process_key, task.process_version_id),
        "processDefinitionKey": process_key, "processDefinitionVersionTag": None,
        "processInstanceId": reference, "retries": task.retries, "suspended": False,
        "workerId": task.worker_id if locked else None, "topicName": task.topic, "tenantId": None,
        "priority": task.priority, "businessKey": business_keys.effective(reference, chosen_business_key),
        "extensionProperties": {},
    }
    if variables is not None:
        dto["variables"] = variables
    return dto


def _topic(entry: Any) -> TopicRequest:
    if not isinstance(entry, dict):
        raise InvalidRequest("each of topics must be an object with topicName and lockDuration")
    names = entry.get("variables")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise InvalidRequest("topics[].variables must be a list of variable names")
    if entry.get("processVariables"):
        raise InvalidRequest("topics[].processVariables (filtering by variable values) is not supported; "
                             "filter by businessKey or processDefinitionKey instead")
    return TopicRequest(
        name=text(entry, "topicName", required=True, max_length=200),
        lock_duration=timedelta(milliseconds=integer(entry, "lockDuration", required=True, low=1,
                                                     high=MAX_MILLIS)),
        variables=names, business_key=text(entry, "businessKey", max_length=255),
        process_definition_key=text(entry, "processDefinitionKey", max_length=200),
    )


@blueprint.route("/external-task/fetchAndLock", methods=["POST"])
@allow(*WORKERS)
def fetch_and_lock():
    data = body()
    worker_id = text(data, "workerId", required=True)
    max_tasks = integer(data, "maxTasks", default=10, low=0, high=external_tasks.MAX_TASKS)
    use_priority = boolean(data, "usePriority")
    wait = min(integer(data, "asyncResponseTimeout", default=0, high=MAX_MILLIS) / 1000, MAX_POLL_SECONDS)
    topics = data.get("topics") or []
    if not isinstance(topics, list):
        raise InvalidRequest("topics must be a list")
    requests = [_topic(entry) for entry in topics]
    if max_tasks == 0 or not requests:
        return []
    deadline = time.monotonic() + wait
    while True:
        locked = external_tasks.fetch_and_lock(_runtime().casework, g.actor, worker_id, requests, max_tasks,
                                               use_priority=use_priority)
        if locked or time.monotonic() >= deadline:
            return [_locked_dto(item, worker_id) for item in locked]
        # Long polling, bounded by MAX_POLL_SECONDS: look again shortly rather than hold a transaction open.
        time.sleep(min(POLL_EVERY_SECONDS, max(deadline - time.monotonic(), 0)))


def _locked_dto(item: LockedTask, worker_id: str) -> dict[str, Any]:
    return _dto(item.task, item.process_key, item.business_key, item.chosen_business_key,
                typed_all(item.variables))


@blueprint.route("/external-task/<task_id>/complete", methods=["POST"])
@allow(*WORKERS)
def complete(task_id: str):
    data = body()
    external_tasks.complete(_runtime().casework, g.actor, task_id[:36], text(data, "workerId", required=True),
                            plain(data.get("variables")), plain(data.get("localVariables"), "localVariables"))
    return NO_CONTENT


@blueprint.route("/external-task/<task_id>/failure", methods=["POST"])
@allow(*WORKERS)
def failure(task_id: str):
    data = body()
    external_tasks.report_failure(
        _runtime().casework, g.actor, task_id[:36], text(data, "workerId", required=True),
        text(data, "errorMessage", max_length=4000) or "", text(data, "errorDetails", max_length=100_000),
        integer(data, "retries", default=0, low=-(2**31), high=2**31 - 1),
        timedelta(milliseconds=integer(data, "retryTimeout", default=0, high=MAX_MILLIS)),
    )
    return NO_CONTENT


@blueprint.route("/external-task/<task_id>/bpmnError", methods=["POST"])
@allow(*WORKERS)
def bpmn_error(task_id: str):
    data = body()
    external_tasks.bpmn_error(_runtime().casework, g.actor, task_id[:36], text(data, "workerId", required=True),
                              text(data, "errorCode", required=True), text(data, "errorMessage", max_length=4000)
                              or "", plain(data.get("variables")))
    return NO_CONTENT


@blueprint.route("/external-task/<task_id>/extendLock", methods=["POST"])
@allow(*WORKERS)
def extend_lock(task_id: str):
    data = body()
    external_tasks.extend_lock(_runtime().casework, g.actor, task_id[:36], text(data, "workerId", required=True),
                               timedelta(milliseconds=integer(data, "newDuration", required=True, low=1,
                                                              high=MAX_MILLIS)))
    return NO_CONTENT


@blueprint.route("/external-task/<task_id>/unlock", methods=["POST"])
@allow(*WORKERS)
def unlock(task_id: str):
    external_tasks.unlock(_runtime().casework, g.actor, task_id[:36])
    return NO_CONTENT


def _filter() -> ExternalTaskFilter:
    return ExternalTaskFilter(
        task_id=query_text("externalTaskId", 36), topic=query_text("topicName", 200),
        worker_id=query_text("workerId"), locked=query_flag("locked"), not_locked=query_flag("notLocked"),
        with_retries_left=query_flag("withRetriesLeft"), no_retries_left=query_flag("noRetriesLeft"),
        process_instance_id=query_text("processInstanceId", 40), activity_id=query_text("activityId", 200),
    )


@blueprint.route("/external-task", methods=["GET"])
@allow(*READERS)
def list_external_tasks():
    runtime = _runtime()
    rows = external_task_listing.list_external_tasks(
        runtime.casework, _filter(), first=query_int("firstResult", 0, high=10**9),
        max_results=query_int("maxResults", 100, high=1000))
    return [_row_dto(row) for row in rows]


@blueprint.route("/external-task/count", methods=["GET"])
@allow(*READERS)
def count_external_tasks():
    runtime = _runtime()
    return {"count": external_task_listing.count_external_tasks(runtime.casework, _filter())}


@blueprint.route("/external-task/<task_id>", methods=["GET"])
@allow(*READERS)
def get_external_task(task_id: str):
    runtime = _runtime()
    rows = external_task_listing.list_external_tasks(runtime.casework, ExternalTaskFilter(task_id=task_id[:36]),
                                                     max_results=1)
    if not rows:
        raise NotFound(f"External task with id {task_id[:36]} does not exist")
    return _row_dto(rows[0])


def _row_dto(row: ExternalTaskRow) -> dict[str, Any]:
    return _dto(row.task, row.process_key, row.business_key, row.chosen_business_key)
