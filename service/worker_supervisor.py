"""The watchdog around the timer worker: a parent process that restarts a stuck or dead worker.

The worker runs in a child process and reports progress after every poll and every batch into a
shared value. Nothing inside a process can interrupt one C-level call that holds the interpreter
lock, so the watchdog is a separate process: if the child makes no progress for ``stall_seconds``
(longer than a batch may take within its step budgets), it is killed and a new one started. A
killed worker commits nothing; the attempt it had counted on its timer stays counted, so a timer
that keeps killing workers is parked after a few tries (see ``tasks.timers``).

SIGTERM stops the child gracefully, and kills it if it has not stopped after ``stop_seconds``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("ubp.watchdog")
_PR_SET_PDEATHSIG = 1


class Supervisor:
    def __init__(self, start_worker: Callable[[Callable[[], None]], None], *, stall_seconds: float,
                 stop_seconds: float = 8.0, restart_seconds: float = 1.0) -> None:
        """``start_worker(progress)`` runs the worker in the child until it is stopped, calling
        ``progress()`` whenever it gets something done."""
        self.start_worker = start_worker
        self.stall_seconds = stall_seconds
        self.stop_seconds = stop_seconds
        self.restart_seconds = restart_seconds
        self.stopping = threading.Event()
        self.restarts = 0
        self._context = multiprocessing.get_context("spawn")  # nothing of the parent's connections is shared

    def stop(self, *_: object) -> None:
        self.stopping.set()

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        beat = self._context.Value("d", time.time(), lock=False)
        while not self.stopping.is_set():
            beat.value = time.time()
            child = self._context.Process(target=_child, args=(self.start_worker, beat), name="ubp-worker")
            child.start()
            log.info("worker %d started", child.pid)
            self._watch(child, beat)
            if self.stopping.is_set():
                self._stop(child)
                break
            self.restarts += 1
            self.stopping.wait(self.restart_seconds)
        log.info("watchdog stopped")

    def _watch(self, child: Any, beat: Any) -> None:
        while not self.stopping.is_set():
            child.join(timeout=0.2)
            if not child.is_alive():
                log.error("worker %d exited with %s; starting another", child.pid, child.exitcode)
                return
            silent = time.time() - beat.value
            if silent > self.stall_seconds:
                log.error("worker %d made no progress for %.0fs; killing it and starting another", child.pid, silent)
                child.kill()
                child.join()
                return

    def _stop(self, child: Any) -> None:
        if child.is_alive():
            child.terminate()  # the worker finishes its batch and exits
            child.join(self.stop_seconds)
        if child.is_alive():
            log.error("worker %d did not stop within %.0fs of SIGTERM; killing it", child.pid, self.stop_seconds)
            child.kill()
            child.join()


def _child(start_worker: Callable[[Callable[[], None]], None], beat: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the watchdog decides; Ctrl-C reaches it, not us
    _die_with_parent()

    def progress() -> None:
        beat.value = time.time()

    start_worker(progress)


def _die_with_parent() -> None:
    """A watchdog killed with SIGKILL must not leave its worker running unwatched: on Linux the
    kernel kills the child when the parent dies, even if the child is stuck inside one C call."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        log.warning("this system cannot tie the worker's life to the watchdog's")
