"""Real gunicorn servers on a real PostgreSQL, and the check that every instance came through consistent."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, text

from service.accounts.api_tokens import issue_token
from service.cases.cases import start_case
from service.dao import tasks_dao
from service.history.audit_verify import verify_all
from service.models import AuditEvent, HumanTask, ProcessInstance
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.people.actors import Actor
from tests.bpmn import samples
from tests.service.reliability.server import WebServer, bearer


@pytest.fixture
def web(runtime) -> Iterator[Callable[..., WebServer]]:
    """Makes gunicorn servers on the test's database; any still running at the end are killed."""
    made: list[WebServer] = []

    def make(database_url: str | None = None, **options) -> WebServer:
        server = WebServer(database_url or runtime.settings.database_url, **options)
        made.append(server)
        return server

    yield make
    for server in made:
        server.kill()


class ServiceAccount:
    """An API token and the actor it stands for."""

    def __init__(self, runtime, admin: Actor, name: str, roles: tuple[str, ...] = ("caseworker",)) -> None:
        issued = issue_token(runtime.casework, admin, name, list(roles), runtime.clock.now())
        self.token = issued.token
        self.actor = Actor(issued.record.service_user_id, roles, f"{name} (API)")


def start_cases(runtime, starter: Actor, count: int) -> list[str]:
    """``count`` policy cases, each waiting at ‘Assess the incident’, for a caseworker to pick up."""
    return [start_case(runtime.casework, starter, samples.incident(customer_reference=f"SH-{n:06d}"),
                                        process_id=PROCESS_ID).reference
            for n in range(count)]


def start_cases_through(port: int, account: ServiceAccount, count: int, *, claim: bool = False) -> list[Opened]:
    """``count`` policy cases started through the API, four at a time (the server's two workers
    make it quicker than starting them in the test's own process), each with its first task id;
    with ``claim``, that task is claimed for the account."""

    def start(n: int) -> Opened:
        client = bearer(port, account.token)
        started = client.post_json("/api/v1/cases", samples.incident(customer_reference=f"SH-{n:06d}"))
        assert started.status == 201, started.text
        [task] = started.json["next_tasks"]
        if claim:
            claimed = client.post_json(f"/api/v1/tasks/{task['id']}/claim")
            assert claimed.status == 200, claimed.text
        return Opened(started.json["reference"], task["id"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(start, range(count)))


@dataclass(frozen=True)
class Opened:
    reference: str
    task_id: str


def transactions_open(runtime, application_name: str) -> int:
    with runtime.db.reading() as session:
        return session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND xact_start IS NOT NULL"
        ), {"name": application_name})


def wait_until_a_transaction_is_open(runtime, application_name: str) -> int:
    """Poll (for five seconds at most) until one of the server's connections is inside a transaction,
    so that what the test does next lands mid-write more often than not; returns how many were open."""
    deadline = time.monotonic() + 5
    pause = threading.Event()
    while not (open_now := transactions_open(runtime, application_name)) and time.monotonic() < deadline:
        pause.wait(0.002)
    return open_now


def audit_counts(runtime, event_type: str) -> dict[str | None, int]:
    """How many events of ``event_type`` each task has."""
    with runtime.db.reading() as session:
        rows = session.execute(select(AuditEvent.task_id, func.count()).where(AuditEvent.event_type == event_type)
                               .group_by(AuditEvent.task_id)).all()
    return dict(rows)


def assert_every_instance_consistent(runtime) -> int:
    """State, task rows and audit agree for every instance; returns how many were checked.

    The engine's ready human tasks (loaded from the stored state) are exactly the open task rows;
    a finished instance has none; every task row was opened once in the audit, and every completed
    one was completed once there (and no other); each chain's seq runs 1..audit_seq with no gap or
    repeat; and every chain verifies.
    """
    from service.dao import processes_dao
    from service.processes.definitions import definition_of

    checked = 0
    with runtime.db.reading() as session:
        for instance in session.scalars(select(ProcessInstance).order_by(ProcessInstance.id)):
            key = instance.business_key
            definition = definition_of(processes_dao.get_version(session, instance.process_version_id))
            workflow = runtime.engine.load(definition, instance.state)
            ready = {t.id for t in runtime.engine.ready_user_tasks(workflow)}
            assert ready == tasks_dao.list_open_task_ids(session, instance.id), key
            assert (instance.status == "completed") == runtime.engine.is_finished(workflow), key
            events = session.execute(select(AuditEvent.seq, AuditEvent.event_type, AuditEvent.task_id)
                                     .where(AuditEvent.instance_id == instance.id).order_by(AuditEvent.seq)).all()
            assert [seq for seq, _, _ in events] == list(range(1, instance.audit_seq + 1)), key
            rows = dict(session.execute(select(HumanTask.id, HumanTask.status)
                                        .where(HumanTask.instance_id == instance.id)).all())
            opened = sorted(task for _, kind, task in events if kind == "task_opened")
            completed = sorted(task for _, kind, task in events if kind == "task_completed")
            assert opened == sorted(rows), key
            assert completed == sorted(task for task, status in rows.items() if status == "completed"), key
            checked += 1
        report = verify_all(session)
    assert report.intact, report.broken[:3]
    return checked
