"""Two web servers and two workers on one PostgreSQL database, as behind a load balancer.

Shown here, each against both servers: sign-in limits shared through Redis, per address (taken from
the one trusted proxy hop) and per account; a revoked API token refused by every server at once; a
new deployment used at once by a server that had already started cases; both workers beating and
firing due timers exactly once between them; the same figures in /metrics whichever server answers.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from service.accounts.api_tokens import issue_token, revoke_token
from service.config import ROOT
from service.models import ApiToken, ProcessInstance, ProcessVersion, WorkerHeartbeat
from tests.bpmn import samples
from tests.service.conftest import deploy_policy
from tests.service.test_worker_processes import (
    WorkerProcess,
    _add_due_cases,
    _assert_each_fired_exactly_once,
    _parked_case,
    _wait_until_completed,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

WAIT = 60.0
REDIS = ("127.0.0.1", 6379)
SECRET = "a-secret-key-shared-by-every-server-0123456789"


def _redis_problem() -> str | None:
    try:
        with socket.create_connection(REDIS, timeout=2):
            return None
    except OSError as error:
        return str(error)


class WebServer:
    """gunicorn serving the app on a free port, with the environment every server of the group shares."""

    def __init__(self, database_url: str, name: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            **os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, "UBP_ENV": "testing",
            "SECURE_COOKIES": "false", "RATE_LIMIT_STORAGE_URL": f"redis://{REDIS[0]}:{REDIS[1]}/0",
            "PROXY_HOPS": "1", "LOGIN_RATE_LIMIT": "3 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute",
            "LOG_FORMAT": "text", "PYTHONUNBUFFERED": "1",
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.name = name
        self.process = subprocess.Popen(
            [str(gunicorn), "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "2", "service.wsgi:app"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method: str, path: str, *, headers: dict | None = None, body: bytes | None = None,
                opener=None) -> tuple[int, str]:
        request = urllib.request.Request(self.url(path), data=body, method=method, headers=headers or {})
        try:
            with (opener or self.opener).open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + WAIT
        while True:
            assert self.process.poll() is None, f"{self.name} exited"
            try:
                self.request("GET", "/health/live")
                return
            except OSError:
                assert time.monotonic() < deadline, f"{self.name} did not answer"
                time.sleep(0.2)  # polling a real subprocess, bounded by WAIT

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=WAIT)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def servers(runtime, database_url) -> Iterator[list[WebServer]]:
    problem = _redis_problem()
    if problem:
        pytest.skip(f"Redis is unreachable at {REDIS}: {problem}")
    started = [WebServer(database_url, "web-a"), WebServer(database_url, "web-b")]
    try:
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def workers(runtime) -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.kill()


def _sign_in_attempt(server: WebServer, csrf_from: WebServer, username: str, address: str) -> int:
    """A wrong password for ``username`` from client ``address``, through the proxy in front of ``server``."""
    _, page = csrf_from.request("GET", "/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": "not the password", "csrf_token": token})
    # The session cookie (and so the CSRF token) was issued by csrf_from: both servers share the secret key.
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(csrf_from.cookies), _NoRedirect())
    status, _ = server.request("POST", "/sign-in", body=body.encode(), opener=opener, headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address,
    })
    return status


def test_sign_in_limits_are_shared_per_address_and_per_account(servers, people) -> None:
    a, b = servers
    run = uuid.uuid4().hex[:8]  # Redis outlives the test: fresh addresses and names keep runs apart
    address = f"198.51.{int(run[:2], 16)}.{int(run[2:4], 16)}"
    # Per address: three a minute in all, whichever server is asked.
    assert [_sign_in_attempt(s, a, f"nobody-{run}-{n}", address) for n, s in enumerate((a, b, a))] == [401] * 3
    assert _sign_in_attempt(b, b, f"nobody-{run}-4", address) == 429
    # Another client behind the same proxy has its own bucket (ProxyFix took the forwarded address).
    assert _sign_in_attempt(a, a, f"nobody-{run}-5", f"{address}1") == 401

    # Per account: five a minute from anywhere, then refused even from a new address.
    account = f"casey-{run}"
    statuses = [_sign_in_attempt(s, s, account, f"203.0.113.{n}-{run}") for n, s in enumerate((a, b) * 3)]
    assert statuses == [401] * 5 + [429]


def test_a_revoked_token_is_refused_by_every_server_at_once(servers, runtime, people) -> None:
    issued = issue_token(runtime.casework, people["adam"], "Housing system", ["caseworker"], runtime.clock.now())
    bearer = {"Authorization": f"Bearer {issued.token}"}
    assert [s.request("GET", "/api/v1/tasks?assignee=me", headers=bearer)[0] for s in servers] == [200, 200]
    revoke_token(runtime.casework, people["adam"], issued.record.id, runtime.clock.now())
    assert [s.request("GET", "/api/v1/tasks?assignee=me", headers=bearer)[0] for s in servers] == [401, 401]
    with runtime.db.reading() as session:
        assert session.get(ApiToken, issued.record.id).revoked_at is not None


def test_a_new_deployment_is_used_at_once_by_every_server(servers, runtime, people) -> None:
    a, b = servers
    deploy_policy(runtime)
    json_type = {"Content-Type": "application/json"}
    caseworker = {"Authorization": f"Bearer {_token(runtime, people, 'caseworker')}", **json_type}
    owner = {"Authorization": f"Bearer {_token(runtime, people, 'process_owner')}", **json_type}

    status, started = b.request("POST", "/api/v1/cases", headers=caseworker,
                                body=json.dumps(samples.incident(customer_reference="SH-000001")).encode())
    assert status == 201, started
    assert _version_of(runtime, json.loads(started)["reference"]) == 1

    diagram = (ROOT / "bpmn" / "unacceptable_behaviour.bpmn").read_text()
    changed = diagram.replace('name="Unacceptable behaviour case"', 'name="Unacceptable behaviour case (v2)"', 1)
    status, deployed = a.request("POST", "/api/v1/deployments", headers=owner,
                                 body=json.dumps({"bpmn": changed, "comment": "v2"}).encode())
    assert status == 201, deployed

    status, started = b.request("POST", "/api/v1/cases", headers=caseworker,
                                body=json.dumps(samples.incident(customer_reference="SH-000002")).encode())
    assert status == 201, started
    assert _version_of(runtime, json.loads(started)["reference"]) == 2


def test_two_workers_beat_and_fire_each_timer_once(servers, runtime, people, workers, database_url) -> None:
    template = _parked_case(runtime, people)
    started = [WorkerProcess(database_url, name=name) for name in ("worker-1", "worker-2")]
    workers.extend(started)
    for worker in started:
        worker.wait_for("worker started")
    _add_due_cases(runtime, template, 40, "TWO")
    _wait_until_completed(runtime, "TWO", 40, started)
    _assert_each_fired_exactly_once(runtime, "TWO", 40)

    deadline = time.monotonic() + WAIT
    while True:
        with runtime.db.reading() as session:
            beating = session.scalars(select(WorkerHeartbeat.worker_id)).all()
        if len(beating) == 2:
            break
        assert time.monotonic() < deadline, beating
        time.sleep(0.1)  # polling real subprocesses, bounded by WAIT
    assert all(worker_id.startswith("timer-worker@") for worker_id in beating)
    for server in servers:
        status, body = server.request("GET", "/health/ready")
        assert status == 200, body
    figures = [server.request("GET", "/metrics")[1] for server in servers]
    running = [re.search(r"^ubp_running_instances (\S+)$", text, re.MULTILINE).group(1) for text in figures]
    assert running[0] == running[1]


def _token(runtime, people, role: str) -> str:
    return issue_token(runtime.casework, people["adam"], f"System as {role}", [role], runtime.clock.now()).token


def _version_of(runtime, reference: str) -> int:
    with runtime.db.reading() as session:
        return session.scalar(select(ProcessVersion.version).join(
            ProcessInstance, ProcessInstance.process_version_id == ProcessVersion.id,
        ).where(ProcessInstance.business_key == reference))
