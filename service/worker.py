"""The timer worker: polls for due timers, fires them, and keeps going through database outages."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from service import builtin_workers, heartbeat
from service.config import Settings
from service.data_protection.retention import sweep as retention_sweep
from service.db import DatabaseUnavailable
from service.history.anchors import anchor_if_due
from service.notifications.worker_step import notify_round
from service.observability.logs import configure_logging
from service.observability.metrics import TIMERS_FAILED, TIMERS_FIRED
from service.runtime import Runtime, build_runtime
from service.tasks.timers import fire_due_batch

log = logging.getLogger("ubp.worker")
MAX_BACKOFF_SECONDS = 60.0


class Worker:
    def __init__(self, runtime: Runtime, *, poll_seconds: float, batch_size: int = 50,
                 anchor_every: timedelta | None = None) -> None:
        self.runtime = runtime
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.anchor_every = anchor_every
        self.next_anchor: datetime | None = None
        self.next_retention_sweep: datetime | None = None
        self.stopping = threading.Event()
        self.builtin_workers = builtin_workers.configured_workers(runtime.settings)
        self.identity = heartbeat.identity(heartbeat.TIMER_WORKER, runtime.clock.now())
        self.handled = 0
        # Called after every batch and every round: the watchdog's sign of life (see worker_supervisor).
        self.on_progress: Callable[[], None] = lambda: None

    def stop(self, *_: object) -> None:
        self.stopping.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def run_once(self) -> int:
        """Fire batches until nothing is due. Returns how many instances were claimed."""
        claimed = 0
        while not self.stopping.is_set():
            result = fire_due_batch(self.runtime.casework, self.batch_size, lambda: self.on_progress())
            claimed += result.claimed
            self.handled += result.claimed
            self.on_progress()  # a batch is progress, even inside a long backlog
            TIMERS_FIRED.inc(result.fired)
            TIMERS_FAILED.inc(result.failed)
            if result.claimed:
                log.info("fired timers on %d case(s), %d failed", result.fired, result.failed)
            if result.claimed < self.batch_size:
                break
        return claimed

    def run_builtin_workers(self) -> None:
        """Work the email and http topics (when configured); their failures become incidents, not crashes."""
        if not self.builtin_workers:
            return
        while not self.stopping.is_set() and builtin_workers.run_once(self.runtime.casework, self.builtin_workers):
            pass

    def anchor_audit_if_due(self) -> None:
        """Anchor the audit log every ``anchor_every``; a failure is logged and tried at the next poll."""
        if self.anchor_every is None:
            return
        now = self.runtime.clock.now()
        if self.next_anchor is not None and now < self.next_anchor:
            return
        try:
            self.next_anchor = anchor_if_due(self.runtime.casework, now, self.anchor_every)
        except DatabaseUnavailable:
            raise
        except Exception:
            log.exception("could not anchor the audit log; trying again at the next poll")

    def sweep_retention_if_due(self) -> None:
        """Anonymise the cases past retention every ``retention_sweep_every`` (a failure waits for the next)."""
        now = self.runtime.clock.now()
        if self.next_retention_sweep is not None and now < self.next_retention_sweep:
            return
        self.next_retention_sweep = now + self.runtime.settings.retention_sweep_every
        report = retention_sweep(self.runtime.casework)
        if report.anonymised or report.failed:
            log.info("retention: anonymised %d case(s), %d could not be", len(report.anonymised), len(report.failed))

    def run_round(self) -> None:
        """One round of work, then the heartbeat: a worker stuck in a round, or cut off from the database,
        stops beating and its health check fails."""
        claimed = self.run_once()
        self.run_builtin_workers()
        self.anchor_audit_if_due()
        self.sweep_retention_if_due()
        self.send_notices()
        self.on_progress()
        heartbeat.beat(self.runtime.casework, self.identity, self.runtime.clock.now(),
                       details={"claimed": claimed, "handled": self.handled})

    def send_notices(self) -> None:
        """Notices after commit (see service/notifications): a failure is logged and tried at the next poll."""
        try:
            done = notify_round(self.runtime.casework, self.runtime.clock.now())
        except DatabaseUnavailable:
            raise
        except Exception:
            log.exception("could not send notices; trying again at the next poll")
            return
        if done.sent:
            log.info("notices: %d found, %d expanded, %d sent", done.found, done.expanded, done.sent)

    def run(self) -> None:
        backoff = self.poll_seconds
        failing = False
        log.info("worker started; polling every %.1fs, batches of %d", self.poll_seconds, self.batch_size)
        while not self.stopping.is_set():
            try:
                self.run_round()
                if failing:
                    log.info("recovered; timers are firing again")
                failing, backoff = False, self.poll_seconds
            except DatabaseUnavailable as error:
                failing, backoff = True, _longer(backoff)
                log.warning("database unavailable (%s); retrying in %.0fs", _first_line(error.__cause__), backoff)
            except Exception:
                failing, backoff = True, _longer(backoff)
                log.exception("worker batch failed; retrying in %.0fs", backoff)
            self.stopping.wait(backoff)
        # Logged here rather than in the signal handler, which may interrupt a log call mid-write.
        log.info("worker stopped")


def _longer(backoff: float) -> float:
    return min(max(backoff * 2, 1.0), MAX_BACKOFF_SECONDS)


def _first_line(error: BaseException | None) -> str:
    text = str(getattr(error, "orig", None) or error or "").strip()
    return text.splitlines()[0] if text else "no detail"


def run_worker(batch_size: int, progress: Callable[[], None], runtime: Runtime | None = None) -> None:
    """The timer worker until SIGTERM: in the watchdog's child process (a runtime of its own, from the
    environment; the worker serves no pages, so it needs no app), or in the command's own process."""
    if runtime is None:
        runtime = build_runtime(Settings.from_environment())
        configure_logging(runtime.settings.log_format, runtime.settings.log_level)
    worker = Worker(runtime, poll_seconds=runtime.settings.worker_poll_seconds, batch_size=batch_size,
                    anchor_every=runtime.settings.audit_anchor_every)
    worker.on_progress = progress
    worker.install_signal_handlers()
    worker.run()
