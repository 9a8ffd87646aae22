"""The timer worker: polls for due timers, fires them, and keeps going through database outages."""

from __future__ import annotations

import logging
import signal
import threading

from service.casework.timers import fire_due_batch
from service.db import DatabaseUnavailable
from service.runtime import Runtime

log = logging.getLogger("ubp.worker")
MAX_BACKOFF_SECONDS = 60.0


class Worker:
    def __init__(self, runtime: Runtime, *, poll_seconds: float, batch_size: int = 50) -> None:
        self.runtime = runtime
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.stopping = threading.Event()

    def stop(self, *_: object) -> None:
        self.stopping.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def run_once(self) -> int:
        """Fire batches until nothing is due. Returns how many instances were claimed."""
        claimed = 0
        while not self.stopping.is_set():
            result = fire_due_batch(self.runtime.casework, self.batch_size)
            claimed += result.claimed
            if result.claimed:
                log.info("fired timers on %d case(s), %d failed", result.fired, result.failed)
            if result.claimed < self.batch_size:
                break
        return claimed

    def run(self) -> None:
        backoff = self.poll_seconds
        failing = False
        log.info("worker started; polling every %.1fs, batches of %d", self.poll_seconds, self.batch_size)
        while not self.stopping.is_set():
            try:
                self.run_once()
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
