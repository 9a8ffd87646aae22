"""Workers built into the worker process, on the same external-task mechanism as outside workers.

Each built-in worker serves one topic (``email``, ``http``): it fetches and locks tasks through
``tasks.external_tasks`` exactly as a Camunda worker does over REST, does the work, and completes
the task or reports a failure. A failure that can pass (a server down) is retried with back-off up
to ``builtin_worker_retries`` times; one that cannot (no such template, a target not allowed) uses
up the retries at once. Either way, when no retries are left an incident opens on the case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from service.cases.errors import CaseworkError
from service.casework import Casework
from service.people.actors import Actor
from service.tasks import external_tasks
from service.tasks.external_tasks import LockedTask, TopicRequest

log = logging.getLogger("ubp.builtin_workers")
WORKER_ACTOR = Actor(None, ("worker",), "Built-in worker")  # type: ignore[arg-type] - the system, not a user
LOCK = timedelta(minutes=5)
BATCH = 10


class WorkFailed(Exception):
    """The work could not be done. ``retryable``: worth trying again later (a server was down)."""

    def __init__(self, message: str, *, retryable: bool, details: str = "") -> None:
        super().__init__(message)
        self.retryable = retryable
        self.details = details


@dataclass(frozen=True)
class BuiltinWorker:
    topic: str
    worker_id: str
    handle: Callable[[Any, LockedTask], dict[str, Any]]  # (casework, task) -> variables to complete with


def run_once(casework: Casework, workers: list[BuiltinWorker]) -> int:
    """Fetch and work one batch per topic. Returns how many tasks were worked."""
    worked = 0
    for worker in workers:
        locked = external_tasks.fetch_and_lock(casework, WORKER_ACTOR, worker.worker_id,
                                               [TopicRequest(worker.topic, LOCK)], BATCH)
        for task in locked:
            _work(casework, worker, task)
            worked += 1
    return worked


def _work(casework: Casework, worker: BuiltinWorker, task: LockedTask) -> None:
    try:
        variables = worker.handle(casework, task)
    except WorkFailed as failure:
        retries = _retries_left(casework, task) if failure.retryable else 0
        log.warning("%s task %s on %s failed (%d retries left): %s", worker.topic, task.task.id, task.business_key,
                    retries, failure)
        external_tasks.report_failure(casework, WORKER_ACTOR, task.task.id, worker.worker_id, str(failure),
                                      failure.details, retries, _backoff(casework, task))
        return
    try:
        external_tasks.complete(casework, WORKER_ACTOR, task.task.id, worker.worker_id, variables)
    except CaseworkError as error:  # the case could not go on from here: an incident says why
        log.warning("%s task %s on %s done, but the case could not go on: %s", worker.topic, task.task.id,
                    task.business_key, error.message)


def _retries_left(casework: Casework, task: LockedTask) -> int:
    """As Camunda's worker libraries count: the configured number first, then one fewer each time."""
    current = task.task.retries
    return casework.settings.builtin_worker_retries if current is None else max(current - 1, 0)


def _backoff(casework: Casework, task: LockedTask) -> timedelta:
    used = casework.settings.builtin_worker_retries - (task.task.retries or casework.settings.builtin_worker_retries)
    return timedelta(seconds=30 * 2 ** max(used, 0))


def configured_workers(settings) -> list[BuiltinWorker]:
    """The built-in workers the environment configures: email with an SMTP host, http with targets."""
    from service.builtin_workers import email_worker, http_worker

    workers = []
    if settings.mail.host:
        workers.append(BuiltinWorker("email", "builtin-email", email_worker.send))
    if settings.http_targets:
        workers.append(BuiltinWorker("http", "builtin-http", http_worker.post))
    return workers
