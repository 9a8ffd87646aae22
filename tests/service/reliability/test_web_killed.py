"""gunicorn is SIGKILLed (master and workers together) while clients are completing tasks, three times.

Four client threads work their own cases through the API: read the case, claim its open task,
complete it, until each case waits for an approver. Every completion the server acknowledged (a
2xx) is noted. Each time enough have been acknowledged, the whole process group is killed with
requests in flight. Before the server comes back, and again at the end, every instance must be
consistent and every acknowledged completion must be there, once.
"""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from service.models import HumanTask
from tests.bpmn import samples
from tests.service.reliability.conftest import (
    ServiceAccount,
    assert_every_instance_consistent,
    audit_counts,
    start_cases_through,
    wait_until_a_transaction_is_open,
)
from tests.service.reliability.server import WAIT, bearer

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

CLIENTS = 4
CASES_PER_CLIENT = 10
KILLS = 3
ANSWERS = {
    "Task_AssessIncident": samples.assessment("severe"),
    "Task_OfferAdjustments": samples.adjustments("formal_action_needed"),
    "Task_ProposeFormalAction": samples.proposal(),
}
STEPS_PER_CASE = len(ANSWERS)  # then the case waits for a Head of Service to approve


class Load:
    """Clients working cases through the API; they wait, not fail, while the server is down."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.serving = threading.Event()
        self.lock = threading.Lock()
        self.acknowledged: list[str] = []
        self.in_flight = 0
        self.unanswered = 0

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)

    def work(self, references: list[str]) -> int:
        client = bearer(self.port, self.token)
        deadline = time.monotonic() + 3 * WAIT
        done = 0
        for reference in references:
            while time.monotonic() < deadline:
                self.serving.wait(WAIT)
                try:
                    if not self._step(client, reference):
                        done += 1
                        break
                except (OSError, http.client.HTTPException):  # died under us (mid-answer, even): look again
                    with self.lock:
                        self.unanswered += 1
        return done

    def _step(self, client, reference: str) -> bool:
        """One step of the case; False once it waits for an approver."""
        case = self._call(client.get, f"/api/v1/cases/{reference}")
        assert case.status == 200, case.text
        [task] = case.json["open_tasks"]
        if task["element_id"] not in ANSWERS:
            return False
        claimed = self._call(client.post_json, f"/api/v1/tasks/{task['id']}/claim")
        assert claimed.status == 200, claimed.text
        completed = self._call(client.post_json, f"/api/v1/tasks/{task['id']}/complete", ANSWERS[task["element_id"]])
        assert completed.status == 200, completed.text
        with self.lock:
            self.acknowledged.append(task["id"])
        return True

    def _call(self, method, *args):
        with self.lock:
            self.in_flight += 1
        try:
            return method(*args)
        finally:
            with self.lock:
                self.in_flight -= 1


def _assert_nothing_acknowledged_was_lost(runtime, acknowledged: list[str]) -> None:
    with runtime.db.reading() as session:
        statuses = dict(session.execute(select(HumanTask.id, HumanTask.status)
                                        .where(HumanTask.id.in_(acknowledged))).all())
    assert statuses == dict.fromkeys(acknowledged, "completed")
    completed = audit_counts(runtime, "task_completed")
    assert {task_id: completed.get(task_id) for task_id in acknowledged} == dict.fromkeys(acknowledged, 1)


def _wait_for_acknowledgements(load: Load, target: int, futures) -> None:
    deadline = time.monotonic() + WAIT
    pause = threading.Event()
    while load.count() < target:
        assert time.monotonic() < deadline, f"only {load.count()} of {target} completions acknowledged"
        for future in futures:
            if future.done():
                future.result()  # a client that failed: show why
        pause.wait(0.01)


def test_killing_the_web_server_mid_load_loses_no_acknowledged_completion(policy, people, web):
    account = ServiceAccount(policy, people["adam"], "Housing system")
    server = web().start()
    references = [opened.reference for opened in start_cases_through(server.port, account, CLIENTS * CASES_PER_CLIENT)]
    load = Load(server.port, account.token)
    total = len(references) * STEPS_PER_CASE
    in_flight_at_kill, transactions_at_kill = [], []

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        load.serving.set()
        futures = [pool.submit(load.work, references[n::CLIENTS]) for n in range(CLIENTS)]
        for kill in range(1, KILLS + 1):
            _wait_for_acknowledgements(load, total * kill // (KILLS + 1), futures)
            transactions_at_kill.append(wait_until_a_transaction_is_open(policy, server.name))
            load.serving.clear()
            in_flight_at_kill.append(load.in_flight)
            server.kill()
            assert server.process.returncode == -9

            assert_every_instance_consistent(policy)  # as the crash left it, before anything recovers
            _assert_nothing_acknowledged_was_lost(policy, list(load.acknowledged))
            server.start()
            load.serving.set()
        finished = sum(future.result(timeout=3 * WAIT) for future in futures)

    assert finished == len(references)
    assert server.starts == KILLS + 1
    assert_every_instance_consistent(policy)
    _assert_nothing_acknowledged_was_lost(policy, load.acknowledged)
    assert sum(audit_counts(policy, "task_completed").values()) == total  # nothing done twice, nothing missing
    assert sum(in_flight_at_kill) > 0, "no request was in flight at any kill"
    print(f"\n{KILLS} SIGKILLs survived; {len(load.acknowledged)} of {total} completions acknowledged, "
          f"{total - len(load.acknowledged)} committed without an answer; at each kill: requests in flight "
          f"{in_flight_at_kill}, database transactions open {transactions_at_kill}; "
          f"{load.unanswered} requests got no answer and were retried from a fresh read")
