"""One injectable clock for the engine, the worker and the service.

SpiffWorkflow reads ``datetime.now(timezone.utc)`` inside its timer module. ``install`` points
that module at the active clock so timers fire by the same clock as everything else; tests move
time with a ``FrozenClock`` and never sleep.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to. Thread-safe, so real worker threads can share it."""

    def __init__(self, start: datetime) -> None:
        self._lock = threading.Lock()
        self._now = _aware(start)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, instant: datetime) -> None:
        with self._lock:
            self._now = _aware(instant)

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("clock instants must carry a timezone")
    return instant.astimezone(UTC)


_active: Clock = SystemClock()


def active() -> Clock:
    return _active


def install(clock: Clock) -> None:
    """Make ``clock`` the process's clock, including inside SpiffWorkflow's timers."""
    global _active
    _active = clock


# SpiffWorkflow fires a timer only once its instant has strictly passed (``due < now``), while the
# worker claims an instance as soon as ``next_timer_due <= now``. Showing SpiffWorkflow the clock one
# microsecond (the finest a datetime holds) ahead makes a timer due at T fire at T, never a claim
# that fires nothing.
_SPIFF_RESOLUTION = timedelta(microseconds=1)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        instant = _active.now() + _SPIFF_RESOLUTION
        return instant if tz is None else instant.astimezone(tz)


_spiff_timer.datetime = _ClockedDatetime
