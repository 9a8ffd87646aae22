"""gunicorn serving the app as in production, for the real-process tests, and a plain HTTP client.

The server runs in its own process group (master and workers), so a test can SIGKILL all of it
at once, as a crashed host would. Nothing here sleeps: start-up waits on gunicorn's log lines and
then polls /health until a deadline.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from service.config import ROOT

WAIT = 60.0  # seconds: generous deadlines that a passing run never comes near
SECRET_KEY = "test-secret-key-not-for-production"
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def message(self) -> str:
        return self.json["error"]["message"]


class WebServer:
    """``gunicorn service.wsgi:app`` with gthread workers, on 127.0.0.1; restartable on the same port."""

    def __init__(self, database_url: str, *, name: str = "ubp-web", workers: int = 2, threads: int = 4,
                 env: dict[str, str] | None = None, config: str | None = None) -> None:
        self.config = config  # e.g. "python:service.gunicorn_conf"; the command line still wins
        separator = "&" if "?" in database_url else "?"
        self.name = name
        self.workers = workers
        self.threads = threads
        self.port = 0
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{database_url}{separator}application_name={name}",
            "SECRET_KEY": SECRET_KEY,
            "UBP_ENV": "testing",
            "API_RATE_LIMIT": "100000 per minute",
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.lines: list[str] = []
        self.starts = 0
        self._arrived = threading.Condition()
        self._reader: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> WebServer:
        self.lines = []
        gunicorn = [sys.executable, "-m", "gunicorn", "service.wsgi:app", "--worker-class", "gthread",
                    "--workers", str(self.workers), "--threads", str(self.threads),
                    "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5", "--timeout", "30",
                    *(["--config", self.config] if self.config else [])]
        self.process = subprocess.Popen(
            gunicorn, env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, start_new_session=True,  # its own process group
        )
        self._reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
        self._reader.start()
        self.wait_for("Listening at")
        self.port = int(next(m.group(1) for line in self.lines if (m := _LISTENING.search(line))))
        self.wait_for("Booting worker", times=self.workers)
        self._wait_until_healthy()
        self.starts += 1
        return self

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: no handler runs, nothing is flushed."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)
        self._wait_until_group_gone()
        self._reader.join(timeout=5)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        if self.process is not None:
            self._wait_until_group_gone()

    @property
    def pids(self) -> set[int]:
        """The master and its workers still alive: members of its process group that are not zombies."""
        return _group_members(self.process.pid)

    # -- logs -----------------------------------------------------------------------------------

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stderr:
            with self._arrived:
                self.lines.append(line.rstrip("\n"))
                self._arrived.notify_all()
        with self._arrived:
            self._arrived.notify_all()

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def count(self, fragment: str) -> int:
        return sum(fragment in line for line in list(self.lines))

    def wait_for(self, fragment: str, times: int = 1, timeout: float = WAIT) -> None:
        with self._arrived:
            seen = self._arrived.wait_for(
                lambda: self.count(fragment) >= times or self.process.poll() is not None, timeout)
        assert seen and self.count(fragment) >= times, f"{self.name} did not log {fragment!r}:\n{self.log}"

    # -- waiting --------------------------------------------------------------------------------

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + WAIT
        pause = threading.Event()
        while True:
            try:
                if Http(self.port).get("/health").status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass  # not listening yet
            assert time.monotonic() < deadline and self.process.poll() is None, f"{self.name} never served:\n{self.log}"
            pause.wait(0.05)

    def _wait_until_group_gone(self) -> None:
        """Workers are reaped by init once the master is gone; wait until none is left holding the port."""
        deadline = time.monotonic() + WAIT
        pause = threading.Event()
        while self.pids:
            assert time.monotonic() < deadline, f"{self.name}'s processes outlived it: {self.pids}"
            pause.wait(0.05)


@dataclass
class Http:
    """One request per connection (no keep-alive, so no request is ever silently re-sent)."""

    port: int
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
                ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            sent = {**self.headers, **(headers or {}), "Connection": "close"}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return reply
        finally:
            connection.close()

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post_json(self, path: str, payload: Any = None) -> Reply:
        body = json.dumps(payload if payload is not None else {}).encode()
        return self.request("POST", path, body=body, headers={"Content-Type": "application/json"})

    def post_form(self, path: str, fields: dict[str, str]) -> Reply:
        from urllib.parse import urlencode

        return self.request("POST", path, body=urlencode(fields).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})


def _group_members(group: int) -> set[int]:
    members = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state != "Z":
            members.add(int(entry.name))
    return members


def bearer(port: int, token: str) -> Http:
    return Http(port, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
