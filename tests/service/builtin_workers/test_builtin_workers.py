"""The built-in email and http workers on both databases: a real SMTP server (aiosmtpd) and a real local
HTTP server, started by the test; failures retried with back-off and then turned into incidents."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from service import builtin_workers
from service.cases.cases import start_case
from service.dao import incidents_dao
from service.models import Case, ExternalTask
from tests.service.conftest import FIXTURES, deploy_fixture


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_closed_port())  # it needs a real number
    controller.start()
    yield controller, inbox
    controller.stop()


class Hms:
    """A stand-in housing management system: records what was posted, answers as told."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, dict]] = []
        self.status = 201
        hms = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hms.received.append((dict(self.headers), json.loads(body)))
                answer = json.dumps({"alert_id": 99}).encode()
                self.send_response(hms.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/alerts"


@pytest.fixture
def hms() -> Iterator[Hms]:
    server = Hms()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def notify(runtime, smtp, hms):
    deploy_fixture(runtime, "notify_tenant.bpmn")
    runtime.settings.mail = replace(runtime.settings.mail, host="127.0.0.1", port=smtp[0].port, starttls=False)
    runtime.settings.email_templates_dir = FIXTURES / "email"
    runtime.settings.http_targets = {"hms": hms.url}
    return runtime


def _start(runtime, people, customer: str = "C-42") -> str:
    return start_case(runtime.casework, people["casey"], {"customer_reference": customer,
                                                         "customer_name": "Pat Doe"},
                                                         process_id="notify_tenant").reference


def _work(runtime) -> int:
    return builtin_workers.run_once(runtime.casework, builtin_workers.configured_workers(runtime.settings))


def _case(runtime, reference: str) -> Case:
    with runtime.db.reading() as session:
        return session.scalars(select(Case).where(Case.reference == reference)).one()


def _incidents(runtime):
    with runtime.db.reading() as session:
        return [row.incident for row in incidents_dao.page_of(session, 1).rows]


def _open_task(runtime) -> ExternalTask:
    with runtime.db.reading() as session:
        return session.scalars(select(ExternalTask).where(ExternalTask.status == "open")).one()


def test_the_email_worker_sends_the_template_and_the_http_worker_posts_to_the_allowed_target(
    runtime, people, notify, smtp, hms
):
    reference = _start(runtime, people)
    assert _work(runtime) == 2  # the email, then the webhook it led to, in one pass
    [(recipients, message)] = smtp[1].messages
    assert recipients == ["c-42@tenants.example.org"]
    assert message["Subject"] == "We have opened a case for Pat Doe"
    assert "Your reference is C-42." in message.get_payload()
    [(headers, body)] = hms.received
    assert body == {"customer": "C-42", "alert": "case opened"}
    assert headers["X-Case-Reference"] == reference and headers["Content-Type"] == "application/json"
    assert (_case(runtime, reference).status, _case(runtime, reference).outcome) == ("closed", "Notified")
    assert _work(runtime) == 0


def test_an_smtp_server_that_is_down_is_retried_with_back_off_then_becomes_an_incident(runtime, people, notify, smtp):
    reference = _start(runtime, people)
    runtime.settings.mail = replace(runtime.settings.mail, port=_closed_port())
    retries = runtime.settings.builtin_worker_retries
    for attempt in range(retries + 1):
        assert _work(runtime) == 1, attempt
        assert _work(runtime) == 0  # waiting out the back-off
        runtime.clock.advance(minutes=30)
    assert _open_task(runtime).retries == 0
    [incident] = _incidents(runtime)
    assert incident.kind == "external_task" and incident.element_id == "Task_Email"
    assert "mail server could not take the email" in incident.message
    assert _case(runtime, reference).status == "open" and smtp[1].messages == []


def test_a_template_that_cannot_be_filled_in_is_an_incident_at_once(runtime, people, notify, smtp, monkeypatch):
    _start(runtime, people)
    with runtime.db.transaction() as session:
        task = session.scalars(select(ExternalTask)).one()
    from service.cases import process_variables
    from tests.service.reliability.conftest import ServiceAccount

    worker = ServiceAccount(runtime, people["adam"], "Worker", ("worker",)).actor
    with runtime.db.reading() as session:
        key = session.scalars(select(Case.reference)).one()
    process_variables.set_variables(runtime.casework, worker, key, {"email_template": "broken"})
    assert _work(runtime) == 1
    [incident] = _incidents(runtime)
    assert "could not be filled in" in incident.message and "not_in_the_data" in incident.message
    assert smtp[1].messages == [] and _open_task(runtime).id == task.id


@pytest.mark.parametrize(("status", "retried"), [(503, True), (400, False)])
def test_http_failures_are_retried_only_when_they_may_pass(runtime, people, notify, hms, status, retried):
    _start(runtime, people)
    hms.status = status
    assert _work(runtime) == 2  # the email went; the webhook failed
    task = _open_task(runtime)
    assert task.error_message == f"hms answered {status}"
    assert (task.retries > 0) is retried
    assert bool(_incidents(runtime)) is not retried


def test_a_target_that_is_not_configured_is_never_posted_to(runtime, people, notify, hms):
    _start(runtime, people)
    runtime.settings.http_targets = {"elsewhere": hms.url}
    assert _work(runtime) == 2
    [incident] = _incidents(runtime)
    assert "http_target must name one of the configured targets" in incident.message and hms.received == []


def test_the_worker_process_runs_the_configured_built_in_workers(runtime, people, notify, smtp, hms):
    from service.worker import Worker

    reference = _start(runtime, people)
    worker = Worker(runtime, poll_seconds=1)
    assert [w.topic for w in worker.builtin_workers] == ["email", "http"]
    worker.run_builtin_workers()
    assert len(smtp[1].messages) == 1 and len(hms.received) == 1
    assert _case(runtime, reference).status == "closed"
    runtime.settings.mail, runtime.settings.http_targets = replace(runtime.settings.mail, host=None), {}
    assert Worker(runtime, poll_seconds=1).builtin_workers == []
