"""The unmodified Camunda 7 worker library from PyPI against a real gunicorn server, on both databases.

``camunda-external-task-client-python3`` fetches, completes, fails (with its own retry counting) and
raises a BPMN error; a worker killed while holding a lock loses it when the lock expires, and another
worker then gets the task. Waiting is on real processes, with bounded deadlines.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from camunda.client.external_task_client import ExternalTaskClient
from camunda.external_task.external_task_worker import ExternalTaskWorker, NoExternalTaskFound
from sqlalchemy import select

from service.accounts.api_tokens import issue_token
from service.cases import incidents
from service.cases.cases import start_case
from service.config import ROOT
from service.dao import incidents_dao
from service.models import Case, HumanTask
from tests.service.conftest import deploy_fixture
from tests.service.reliability.server import WebServer

pytestmark = pytest.mark.slow
TOPIC = "housing-alert"
WAIT = 30.0


@pytest.fixture
def server(runtime):
    web = WebServer(runtime.settings.database_url, workers=1, threads=4).start()
    yield web
    web.kill()


def _config(token: str, **extra) -> dict:
    return {"auth_basic": {"username": "housing-worker", "password": token}, "maxTasks": 1, "lockDuration": 10_000,
            "asyncResponseTimeout": 500, "sleepSeconds": 0, **extra}


def _status(runtime, reference: str) -> tuple[str, str | None]:
    with runtime.db.reading() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        return case.status, case.outcome


def test_the_camunda_worker_library_completes_fails_retries_and_raises_bpmn_errors(runtime, people, server):
    deploy_fixture(runtime, "housing_alert.bpmn")
    token = issue_token(runtime.casework, people["adam"], "Housing worker", ["worker"], runtime.clock.now()).token
    references = {customer: start_case(runtime.casework, people["casey"], {"customer_reference": customer},
                                                        process_id="housing_alert").reference
                  for customer in ("C-OK", "C-NONE", "C-DOWN")}
    base = f"http://127.0.0.1:{server.port}/engine-rest"
    worker = ExternalTaskWorker("housing-worker", base, _config(token))
    handled: list[tuple[str, str]] = []

    def handle(task):
        customer = task.get_variable("customer_reference")
        retries = task._context.get("retries")
        handled.append((customer, str(retries)))
        if customer == "C-OK":
            return task.complete({"alert_id": 7, "placed": True})
        if customer == "C-NONE":
            return task.bpmn_error("NO_RECORD", "no tenancy for this customer", {"checked": "yes"})
        return task.failure("housing system down", "connection refused", max_retries=1, retry_timeout=0)

    deadline = time.monotonic() + WAIT
    while len(handled) < 4 and time.monotonic() < deadline:  # C-DOWN is fetched twice: first try, one retry
        try:
            worker.fetch_and_execute(TOPIC, handle)
        except NoExternalTaskFound:
            continue
    assert sorted(handled) == [("C-DOWN", "1"), ("C-DOWN", "None"), ("C-NONE", "None"), ("C-OK", "None")]
    assert _status(runtime, references["C-OK"]) == ("closed", "Alert placed")
    with runtime.db.reading() as session:
        [manual] = session.scalars(select(HumanTask).where(HumanTask.status == "open")).all()
        [row] = incidents_dao.page_of(session, 1).rows
    assert manual.element_id == "Task_Manual"  # the error boundary event caught NO_RECORD
    assert row.case_reference == references["C-DOWN"] and "housing system down" in row.incident.message

    incidents.retry_incident(runtime.casework, row.incident.id, people["adam"])
    deadline = time.monotonic() + WAIT
    while _status(runtime, references["C-DOWN"])[0] != "closed" and time.monotonic() < deadline:
        try:
            worker.fetch_and_execute(TOPIC, lambda task: task.complete({"alert_id": 8}))
        except NoExternalTaskFound:
            continue
    assert _status(runtime, references["C-DOWN"]) == ("closed", "Alert placed")


KILLED_WORKER = textwrap.dedent("""
    import sys, threading
    from camunda.client.external_task_client import ExternalTaskClient
    client = ExternalTaskClient("doomed-worker", sys.argv[1], {
        "auth_bearer": {"access_token": sys.argv[2]}, "maxTasks": 1, "lockDuration": 2000,
        "asyncResponseTimeout": 5000})
    tasks = client.fetch_and_lock("housing-alert")
    print(tasks[0]["id"] if tasks else "none", flush=True)
    threading.Event().wait()  # holds the lock until killed
""")


def test_a_worker_killed_holding_a_lock_loses_the_task_when_the_lock_expires(runtime, people, server):
    deploy_fixture(runtime, "housing_alert.bpmn")
    token = issue_token(runtime.casework, people["adam"], "Housing worker", ["worker"], runtime.clock.now()).token
    reference = start_case(runtime.casework, people["casey"], {"customer_reference": "C-1"},
                                            process_id="housing_alert").reference
    base = f"http://127.0.0.1:{server.port}/engine-rest"
    doomed = subprocess.Popen([sys.executable, "-c", KILLED_WORKER, base, token], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        locked_id = doomed.stdout.readline().strip()
    finally:
        doomed.kill()
        doomed.wait(timeout=10)
    assert locked_id not in ("", "none")

    survivor = ExternalTaskClient("survivor", base, {**_config(token), "lockDuration": 60_000})
    assert survivor.fetch_and_lock(TOPIC) == []  # still locked by the dead worker
    deadline = time.monotonic() + WAIT
    fetched = []
    while not fetched and time.monotonic() < deadline:
        fetched = survivor.fetch_and_lock(TOPIC)  # long-polls up to half a second each time
    assert [task["id"] for task in fetched] == [locked_id]
    assert survivor.complete(locked_id, {"alert_id": 9})
    assert _status(runtime, reference) == ("closed", "Alert placed")
