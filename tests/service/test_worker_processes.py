"""The timer worker as real processes on a real PostgreSQL: exactly once, killed, cut off, stopped.

Each test parks one decided restriction_clock case (its end date long past by the real clock) and
copies its rows into as many due cases as it needs, in one transaction, when the workers are ready.
Nothing here sleeps: it waits on the workers' log lines, on their exit, or polls the database
until a deadline.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text, update

from service.cases.cases import complete_task, start_case
from service.config import ROOT
from service.dao import tasks_dao
from service.history.audit_verify import verify_all
from service.models import AuditEvent, Case, HumanTask, ProcessInstance
from tests.service.conftest import deploy_fixture
from tests.service.switchable_proxy import SwitchableProxy

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

WAIT = 60.0  # seconds: generous deadlines that a passing run never comes near
_FIRED = re.compile(r"fired timers on (\d+) case\(s\)")


# -- the worker process -------------------------------------------------------------------------


def _ubp() -> list[str]:
    """The installed console script; the same entry point through the interpreter where the project
    was not installed into the environment running the tests."""
    script = Path(sys.executable).with_name("ubp")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from service.console import main; main()"]


class WorkerProcess:
    """``ubp worker`` in its own process, its log lines collected as they arrive."""

    def __init__(self, database_url: str, *args: str, name: str = "ubp-worker") -> None:
        separator = "&" if "?" in database_url else "?"
        env = {
            **os.environ,
            "DATABASE_URL": f"{database_url}{separator}application_name={name}",
            "SECRET_KEY": "test-secret-key-not-for-production",
            "UBP_ENV": "testing",
            "WORKER_POLL_SECONDS": "0.2",
            "LOG_FORMAT": "text",
            "PYTHONUNBUFFERED": "1",
        }
        self.name = name
        self.lines: list[str] = []
        self._arrived = threading.Condition()
        self.process = subprocess.Popen(
            [*_ubp(), "worker", *args], env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
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
        assert seen and self.count(fragment) >= times, (
            f"{self.name} did not log {fragment!r} {times} time(s):\n{self.log}")

    def fired(self) -> int:
        return sum(int(m.group(1)) for line in list(self.lines) if (m := _FIRED.search(line)))

    def terminate(self, timeout: float = 15) -> int:
        """SIGTERM, then the exit code once the process has ended and its last log lines are in."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=15)
        self._reader.join(timeout=5)


@pytest.fixture
def workers(runtime) -> Iterator[list[WorkerProcess]]:
    """Workers a test starts; any still running at the end are killed before the tables are emptied."""
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.kill()


def _start_workers(workers, url: str, *args: str, names: tuple[str, ...]) -> list[WorkerProcess]:
    started = [WorkerProcess(url, *args, name=name) for name in names]
    workers.extend(started)
    for worker in started:
        worker.wait_for("worker started")
    return started


# -- due timers ---------------------------------------------------------------------------------


def _parked_case(runtime, people) -> ProcessInstance:
    """A case decided in 2020 whose restriction ended on 31 January 2021, its timer parked (no due time)
    so no worker takes it; it is the template the due cases are copied from."""
    deploy_fixture(runtime, "restriction_clock.bpmn")
    runtime.clock.set(datetime(2020, 2, 3, 12, tzinfo=UTC))
    casey = people["casey"]
    reference = start_case(runtime.casework, casey, {"customer_reference": "C-1"},
                                            process_id="restriction_clock").reference
    with runtime.db.transaction() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.status == "open")).one()
        tasks_dao.claim(session, task.id, user_id=casey.user_id, now=runtime.clock.now())
    complete_task(runtime.casework, casey, task.id, {"decision": "restrict", "letter_date": "2020-01-31"})
    with runtime.db.transaction() as session:
        template = session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == reference)).one()
        assert template.next_timer_due == datetime(2021, 1, 31, tzinfo=UTC)
        session.execute(update(ProcessInstance).where(ProcessInstance.id == template.id).values(next_timer_due=None))
    return template


def _add_due_cases(runtime, template: ProcessInstance, count: int, prefix: str) -> None:
    """``count`` copies of the template's instance and case, due since 2021, committed together."""
    instance_columns = [c.key for c in ProcessInstance.__table__.columns if c.key != "id"]
    case_columns = [c.key for c in Case.__table__.columns if c.key not in ("id", "reference", "instance_id")]
    with runtime.db.transaction() as session:
        case = session.scalars(select(Case).where(Case.instance_id == template.id)).one()
        base = {column: getattr(template, column) for column in instance_columns}
        rows = [
            {**base, "business_key": f"{prefix}-{n:04d}", "next_timer_due": datetime(2021, 1, 31, tzinfo=UTC),
             "lock_version": 1, "audit_seq": 0, "audit_head": ""}
            for n in range(1, count + 1)
        ]
        added = session.execute(insert(ProcessInstance).returning(ProcessInstance.id, ProcessInstance.business_key),
                                rows).all()
        case_base = {column: getattr(case, column) for column in case_columns}
        session.execute(insert(Case), [{**case_base, "reference": key, "instance_id": id_} for id_, key in added])


def _completed(runtime, prefix: str) -> int:
    with runtime.db.reading() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.business_key.like(f"{prefix}-%"), ProcessInstance.status == "completed"))


def _wait_until_completed(runtime, prefix: str, count: int, workers: list[WorkerProcess]) -> None:
    deadline = time.monotonic() + WAIT
    pause = threading.Event()
    while _completed(runtime, prefix) < count:
        logs = "\n\n".join(w.log for w in workers)
        assert time.monotonic() < deadline, f"only {_completed(runtime, prefix)} of {count} fired:\n{logs}"
        assert all(w.process.poll() is None for w in workers), f"a worker exited:\n{logs}"
        pause.wait(0.05)


def _timer_events_per_case(runtime, prefix: str) -> dict[str, dict[str, int]]:
    with runtime.db.reading() as session:
        rows = session.execute(
            select(ProcessInstance.business_key, AuditEvent.event_type, func.count())
            .join(AuditEvent, AuditEvent.instance_id == ProcessInstance.id)
            .where(ProcessInstance.business_key.like(f"{prefix}-%"))
            .group_by(ProcessInstance.business_key, AuditEvent.event_type)
        ).all()
    counts: dict[str, dict[str, int]] = {}
    for key, event_type, count in rows:
        counts.setdefault(key, {})[event_type] = count
    return counts


def _assert_each_fired_exactly_once(runtime, prefix: str, count: int) -> None:
    events = _timer_events_per_case(runtime, prefix)
    assert len(events) == count
    assert {key: e for key, e in events.items() if e.get("timer_fired") != 1 or "timer_failed" in e} == {}
    assert _completed(runtime, prefix) == count
    with runtime.db.reading() as session:
        report = verify_all(session)
    assert report.intact, report.broken[:3]


def _in_a_transaction(runtime, application_name: str) -> bool:
    """Whether the worker has held a transaction open for a tenth of a second: past its claim, firing."""
    with runtime.db.reading() as session:
        return bool(session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"
            " AND xact_start < clock_timestamp() - interval '100 milliseconds'"
        ), {"name": application_name}))


def _wait_until_in_a_transaction(runtime, worker: WorkerProcess) -> None:
    deadline = time.monotonic() + WAIT
    pause = threading.Event()
    while not _in_a_transaction(runtime, worker.name):
        assert time.monotonic() < deadline and worker.process.poll() is None, worker.log
        pause.wait(0.01)


# -- the scenarios ------------------------------------------------------------------------------


def test_two_workers_fire_a_thousand_due_timers_exactly_once(runtime, people, workers):
    template = _parked_case(runtime, people)
    url = runtime.settings.database_url
    first, second = _start_workers(workers, url, names=("ubp-worker-1", "ubp-worker-2"))
    _add_due_cases(runtime, template, 1000, "T")  # all due at once, with both workers already polling

    _wait_until_completed(runtime, "T", 1000, workers)
    assert first.terminate() == 0 and second.terminate() == 0
    _assert_each_fired_exactly_once(runtime, "T", 1000)
    assert first.fired() > 0 and second.fired() > 0, (first.fired(), second.fired())
    assert first.fired() + second.fired() == 1000
    print(f"\n1000 timers: {first.name} fired {first.fired()}, {second.name} fired {second.fired()}")


def test_a_worker_killed_mid_batch_loses_nothing_and_fires_nothing_twice(runtime, people, workers):
    template = _parked_case(runtime, people)
    url = runtime.settings.database_url
    _add_due_cases(runtime, template, 500, "K")
    [doomed] = _start_workers(workers, url, "--batch-size", "100", names=("ubp-worker-doomed",))
    doomed.wait_for("fired timers on 100 case(s)")
    _wait_until_in_a_transaction(runtime, doomed)  # well into its second batch
    doomed.kill()
    assert doomed.process.returncode == -signal.SIGKILL

    committed = _completed(runtime, "K")
    assert committed % 100 == 0 and 0 < committed < 500, committed  # whole batches only
    fired_events = sum(e.get("timer_fired", 0) for e in _timer_events_per_case(runtime, "K").values())
    assert fired_events == committed  # the killed batch left no trace

    [survivor] = _start_workers(workers, url, "--batch-size", "100", names=("ubp-worker-survivor",))
    _wait_until_completed(runtime, "K", 500, [survivor])
    assert survivor.terminate() == 0
    assert survivor.fired() == 500 - committed
    _assert_each_fired_exactly_once(runtime, "K", 500)
    print(f"\nkilled after {committed} of 500; the restarted worker fired {survivor.fired()}")


@pytest.fixture
def proxy(runtime) -> Iterator[SwitchableProxy]:
    url = runtime.db.engine.url
    relay = SwitchableProxy((url.host or "127.0.0.1", url.port or 5432))
    yield relay
    relay.close()


def test_a_worker_rides_out_a_database_outage_and_fires_what_fell_due_meanwhile(runtime, people, workers, proxy):
    template = _parked_case(runtime, people)
    relayed = runtime.db.engine.url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    [worker] = _start_workers(workers, relayed, names=("ubp-worker-outage",))
    _add_due_cases(runtime, template, 1, "BEFORE")
    worker.wait_for("fired timers on 1 case(s)")  # connected through the relay, with a pooled connection

    proxy.cut()
    _add_due_cases(runtime, template, 50, "DURING")  # straight to the database, not through the relay
    worker.wait_for("database unavailable", times=2)
    assert worker.process.poll() is None
    assert "retrying in 1s" in worker.log and "retrying in 2s" in worker.log  # backing off
    assert _completed(runtime, "DURING") == 0

    proxy.restore()
    _wait_until_completed(runtime, "DURING", 50, [worker])
    worker.wait_for("recovered; timers are firing again")
    assert worker.terminate() == 0
    _assert_each_fired_exactly_once(runtime, "DURING", 50)


def test_a_worker_whose_connection_is_terminated_mid_batch_gives_the_batch_back_and_carries_on(
    runtime, people, workers
):
    template = _parked_case(runtime, people)
    _add_due_cases(runtime, template, 600, "PGT")
    [worker] = _start_workers(workers, runtime.settings.database_url, "--batch-size", "300",
                              names=("ubp-worker-pgt",))
    # End the worker's connection while it holds a batch's transaction open (firing, part-way through). Finding
    # that transaction and ending it is one statement, so a batch that commits meanwhile is never mistaken for it.
    deadline = time.monotonic() + WAIT
    pause = threading.Event()
    while not _terminate_in_a_transaction(runtime, worker.name):
        assert time.monotonic() < deadline and worker.process.poll() is None, worker.log
        pause.wait(0.01)

    _wait_until_completed(runtime, "PGT", 600, [worker])
    assert worker.terminate() == 0
    assert "database unavailable" in worker.log and "Traceback" not in worker.log, worker.log
    _assert_each_fired_exactly_once(runtime, "PGT", 600)


def _terminate_in_a_transaction(runtime, application_name: str) -> int:
    with runtime.db.reading() as session:
        return session.scalar(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :name"
            " AND xact_start < clock_timestamp() - interval '100 milliseconds'"
        ), {"name": application_name})


def test_sigterm_lets_the_worker_finish_its_batch_and_exit_cleanly(runtime, people, workers):
    template = _parked_case(runtime, people)
    _add_due_cases(runtime, template, 600, "S")
    [worker] = _start_workers(workers, runtime.settings.database_url, "--batch-size", "200",
                              names=("ubp-worker-sigterm",))
    _wait_until_in_a_transaction(runtime, worker)  # in the middle of its first batch

    asked = time.monotonic()
    assert worker.terminate() == 0
    assert time.monotonic() - asked < 10
    finished = _completed(runtime, "S")
    assert finished % 200 == 0 and 0 < finished < 600, finished  # the batch in hand was finished, then it stopped
    assert worker.fired() == finished and worker.lines[-1].endswith("watchdog stopped")
    assert worker.lines[-2].endswith("worker stopped")  # it stopped itself: the watchdog did not have to kill it
    events = _timer_events_per_case(runtime, "S")
    assert sum(e.get("timer_fired", 0) for e in events.values()) == finished
