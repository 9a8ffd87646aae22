"""Workers racing for the same external tasks, on both databases: each task locked once, completed once."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from service.cases.cases import start_case
from service.cases.errors import CaseworkError
from service.models import AuditEvent, Case, ExternalTask
from service.tasks import external_tasks
from service.tasks.external_tasks import TopicRequest
from tests.service.conftest import deploy_fixture
from tests.service.reliability.conftest import ServiceAccount

TOPICS = [TopicRequest("housing-alert", timedelta(minutes=5))]
CASES = 12


def _race(*actions):
    barrier = threading.Barrier(len(actions), timeout=60)

    def run(action):
        barrier.wait()
        try:
            return action()
        except CaseworkError as error:
            return error

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        return [future.result(timeout=120) for future in [pool.submit(run, a) for a in actions]]


def test_two_workers_fetching_at_once_never_lock_the_same_task_and_each_is_completed_once(runtime, people):
    deploy_fixture(runtime, "housing_alert.bpmn")
    for n in range(CASES):
        start_case(runtime.casework, people["casey"], {"customer_reference": f"C-{n}"}, process_id="housing_alert")
    worker = ServiceAccount(runtime, people["adam"], "Workers", ("worker",)).actor
    fetched: dict[str, list[str]] = {"w1": [], "w2": []}
    while True:
        first, second = _race(
            lambda: external_tasks.fetch_and_lock(runtime.casework, worker, "w1", TOPICS, 3),
            lambda: external_tasks.fetch_and_lock(runtime.casework, worker, "w2", TOPICS, 3),
        )
        if not first and not second:
            break
        fetched["w1"] += [t.task.id for t in first]
        fetched["w2"] += [t.task.id for t in second]
    assert not set(fetched["w1"]) & set(fetched["w2"])
    assert len(fetched["w1"]) + len(fetched["w2"]) == CASES

    # Both workers now try to complete every task (as if each believed it held the lock): one wins each.
    outcomes = Counter()
    for task_id in fetched["w1"] + fetched["w2"]:
        holder = "w1" if task_id in fetched["w1"] else "w2"
        results = _race(
            lambda task_id=task_id, holder=holder: external_tasks.complete(runtime.casework, worker, task_id,
                                                                            holder, {"done_by": holder}),
            lambda task_id=task_id, holder=holder: external_tasks.complete(runtime.casework, worker, task_id,
                                                                            holder, {"done_by": holder}),
        )
        outcomes[tuple(sorted(type(r).__name__ for r in results))] += 1
    assert set(outcomes) <= {("NoneType", "NotFound"), ("Conflict", "NoneType")}, outcomes
    with runtime.db.reading() as session:
        completions = session.execute(select(AuditEvent.task_id, func.count())
                                      .where(AuditEvent.event_type == "external_task_completed")
                                      .group_by(AuditEvent.task_id)).all()
        closed = session.scalar(select(func.count()).select_from(Case).where(Case.status == "closed"))
        still_open = session.scalar(select(func.count()).select_from(ExternalTask)
                                    .where(ExternalTask.status == "open"))
    assert len(completions) == CASES and all(count == 1 for _, count in completions)
    assert closed == CASES and still_open == 0
