"""The benchmark's own world: a fresh database, the processes deployed, tokens, and a gunicorn server
started with the production settings, plus timer workers on demand."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from bench.profile import py_spy_command
from service.accounts.api_tokens import issue_token
from service.cli import load_forms
from service.config import ROOT, Settings
from service.dao import users_dao
from service.migrate import upgrade
from service.people.actors import Actor
from service.processes.deploy import deploy
from service.runtime import Runtime, build_runtime

BENCH = Path(__file__).resolve().parent
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class BenchEnvironment:
    backend: str
    database_url: str = ""
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    tokens: dict[str, str] = field(default_factory=dict)
    service_users: dict[str, str] = field(default_factory=dict)
    server: subprocess.Popen | None = None
    base_url: str = ""
    _db_name: str = ""
    _profiler: subprocess.Popen | None = None
    _worker_logs: list[Path] = field(default_factory=list)

    def create_database(self, work: Path) -> None:
        if self.backend == "sqlite":
            self.database_url = f"sqlite:///{work / 'bench.sqlite3'}"
        else:
            self._db_name = f"ubp_bench_{secrets.token_hex(4)}"
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self._db_name}"')
            self.database_url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{self._db_name}"
        upgrade(self.database_url)

    def runtime(self) -> Runtime:
        return build_runtime(Settings(environment="production", database_url=self.database_url,
                                      secret_key=self.secret, secure_cookies=False))

    def prepare(self) -> None:
        """Users, tokens (caseworker and head of service) and the processes, deployed."""
        runtime = self.runtime()
        now = runtime.clock.now()
        with runtime.db.transaction() as session:
            admin = users_dao.add_user(session, username="bench-admin", full_name="Bench Admin",
                                       password_hash="!",  # noqa: S106 - not a hash: this account never signs in
                                       roles=["admin"], job_title="", now=now)
            for username, role in (("bench-caseworker", "caseworker"), ("bench-head", "head_of_service")):
                users_dao.add_user(session, username=username, full_name=username, roles=[role], job_title="",
                                   password_hash=_password_hash(), now=now)
        acting_admin = Actor(admin.id, ("admin",), "Bench Admin")
        for role in ("caseworker", "head_of_service"):
            issued = issue_token(runtime.casework, acting_admin, f"bench {role}", [role], now)
            self.tokens[role] = issued.token
            with runtime.db.reading() as session:
                self.service_users[role] = users_dao.get_user(session, issued.record.service_user_id).username
        forms = {**load_forms(ROOT / "forms"), **load_forms(BENCH / "forms")}
        deploy(runtime.casework, (ROOT / "bpmn" / "unacceptable_behaviour.bpmn").read_bytes(), forms,
               filename="unacceptable_behaviour.bpmn", deployed_by_id=None, comment="bench", now=now)
        for path in sorted((BENCH / "processes").glob("*.bpmn")):
            content = path.read_text().replace("{assignee}", self.service_users["caseworker"]).encode()
            deploy(runtime.casework, content, forms, filename=path.name, deployed_by_id=None, comment="bench", now=now)
        runtime.db.dispose()

    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": self.secret, "UBP_ENV": "production",
                "SECURE_COOKIES": "false", "API_RATE_LIMIT": "1000000 per minute",
                "LOGIN_RATE_LIMIT": "100000 per minute", "DB_POOL_SIZE": "4", "WORKER_POLL_SECONDS": "0.2"}

    def start_server(self, workers: int = 4, threads: int = 2, profile_to: Path | None = None) -> None:
        """``profile_to``: once the server answers (its start-up is not measured), py-spy samples it and
        its workers until the benchmark ends, and writes its folded stacks there."""
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--threads", str(threads), "--worker-class", "gthread", "--keep-alive", "30", "--log-level", "warning",
             "service.wsgi:app"],
            env=self.env(), start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base_url}/health", timeout=2) as response:
                    if response.status == 200:
                        if profile_to is not None:
                            self._profiler = subprocess.Popen(py_spy_command(profile_to, self.server.pid))
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the benchmark server did not start")

    def start_worker(self, batch_size: int = 200, *, wait_until_ready: bool = False) -> subprocess.Popen:
        """A timer worker process; with ``wait_until_ready``, returns once it has started polling, so that
        its start-up (importing the service) is not counted against what it fires."""
        log = tempfile.NamedTemporaryFile(prefix="ubp-bench-worker-", suffix=".log", delete=False)  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-c", "from service.console import main; main()", "worker",
             "--batch-size", str(batch_size)],
            env=self.env(), start_new_session=True, stdout=subprocess.DEVNULL, stderr=log,
        )
        log.close()
        self._worker_logs.append(Path(log.name))
        deadline = time.monotonic() + 60
        while wait_until_ready and "worker started" not in Path(log.name).read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the timer worker did not start: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.05)
        return process

    def stop(self, process: subprocess.Popen | None) -> None:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def close(self) -> None:
        if self._profiler is not None and self._profiler.poll() is None:
            self._profiler.send_signal(signal.SIGINT)  # py-spy writes its file on an interrupt, not on SIGTERM
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._profiler.wait(timeout=60)
        self.stop(self.server)
        for log in self._worker_logs:
            log.unlink(missing_ok=True)
        if self._db_name:
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self._db_name}" WITH (FORCE)')


def _password_hash() -> str:
    from service.auth.passwords import hash_password

    return hash_password(BENCH_PASSWORD)


BENCH_PASSWORD = "benchmark password, never used outside a benchmark database"  # noqa: S105
