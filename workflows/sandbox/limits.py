"""Per-run limits on time, repetition and memory, and the tracer that enforces the clock.

RestrictedPython bounds what code may touch, not how long it runs or how much it builds. The clock
is a ``sys.settrace`` tracer in the calling thread only (no signals, so it works in gunicorn's
worker threads); it checks the deadline on every line and opcode of sandboxed frames, so a long
one-line expression stops as well as ``while True: pass``. Guards reach the running limits through
a thread-local, which keeps the per-call set-up to a few dictionary writes.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from workflows.sandbox.compiler import SANDBOX_FILENAME
from workflows.sandbox.errors import SandboxError

# Total new characters / list slots / 64-bit int words one run may build, as a multiple of max_size.
ALLOCATION_FACTOR = 100
# What one run may leave in task data (or return), as a multiple of max_size.
RESULT_FACTOR = 10


class Limits:
    __slots__ = ("deadline", "max_size", "max_iterations", "iterations_left", "allocation_left",
                 "touched", "_step")

    def __init__(self, *, time_limit_s: float, max_iterations: int, max_size: int) -> None:
        self.deadline = time.monotonic() + time_limit_s
        self.max_size = max_size
        self.max_iterations = max_iterations
        self.iterations_left = max_iterations
        self.allocation_left = max_size * ALLOCATION_FACTOR
        # Lists and dicts changed in place; they are measured before the run's results are kept.
        self.touched: list[Any] = []
        self._step = self._on_step

    def count_iterations(self, count: int) -> None:
        self.iterations_left -= count
        if self.iterations_left < 0:
            raise SandboxError("the expression repeated too many times")

    def allocate(self, size: int) -> None:
        self.allocation_left -= size
        if self.allocation_left < 0:
            raise SandboxError("the expression built too much data")

    def touch(self, container: Any) -> None:
        """Note a list or dict changed in place (once per run of consecutive changes)."""
        if not self.touched or self.touched[-1] is not container:
            self.touched.append(container)

    def check_size(self, size: int) -> None:
        if size > self.max_size:
            raise SandboxError("the result is too large")

    def _on_call(self, frame: Any, event: str, arg: Any) -> Callable | None:
        if frame.f_code.co_filename != SANDBOX_FILENAME:
            return None  # guards and helpers are trusted: don't pay for tracing them
        frame.f_trace_opcodes = True
        return self._on_step(frame, event, arg)

    def _on_step(self, frame: Any, event: str, arg: Any) -> Callable:
        if time.monotonic() > self.deadline:
            # Raising here unsets the tracer; sandboxed code cannot catch it (try is refused).
            raise SandboxError("the expression ran for too long")
        return self._step


_active = threading.local()


def current() -> Limits:
    """The limits of the sandboxed run in progress on this thread."""
    limits = getattr(_active, "limits", None)
    if limits is None:
        raise SandboxError("sandbox helpers only work while sandboxed code runs")
    return limits


def run_limited(limits: Limits, run: Callable[..., Any], *args: Any) -> Any:
    """``run(*args)`` under ``limits``, restoring any tracer (a debugger, coverage) afterwards."""
    previous_limits = getattr(_active, "limits", None)
    previous_trace = sys.gettrace()
    _active.limits = limits
    sys.settrace(limits._on_call)
    try:
        return run(*args)
    finally:
        sys.settrace(previous_trace)
        _active.limits = previous_limits
