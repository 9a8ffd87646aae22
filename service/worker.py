"""The timer worker: polls for due timers, fires them, and keeps going through database outages."""

from __future__ import annotations

import logging
import signal
import threading

from service.casework.timers import fire_due_batch
from service.db import DatabaseUnavailable
from service.runtime import Runtime

log = logging.getLogger("ubp.worker")


class Worker:
    def __init__(self, runtime: Runtime, *, poll_seconds: float, batch_size: int = 50) -> None:
        self.runtime = runtime
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.stopping = threading.Event()

    def stop(self, *_: object) -> None:
        log.info("worker stopping after the current batch")
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
            if result.claimed < self.batch_size:
                break
        return claimed

    def run(self) -> None:
        backoff = self.poll_seconds
        log.info("worker started; polling every %.1fs", self.poll_seconds)
        while not self.stopping.is_set():
            try:
                self.run_once()
                backoff = self.poll_seconds
            except DatabaseUnavailable as error:
                backoff = min(max(backoff * 2, 1.0), 60.0)
                log.warning("database unavailable (%s); retrying in %.0fs", error.__cause__, backoff)
            except Exception:
                backoff = min(max(backoff * 2, 1.0), 60.0)
                log.exception("worker batch failed; retrying in %.0fs", backoff)
            self.stopping.wait(backoff)
        log.info("worker stopped")
