"""What the administrators' timers pages read: the timers scheduled to fire, those that failed, one waiting timer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.dao import timers_dao
from service.dao.timers_dao import ScheduledTimer, TimerPage
from service.dao.timers_dao import WaitingTimerRow as WaitingTimerRow  # what waiting_timer returns

if TYPE_CHECKING:
    from service.casework import Casework


@dataclass(frozen=True)
class TimerListing:
    failed: list[ScheduledTimer]
    scheduled: TimerPage


def timer_listing(casework: Casework, page: int) -> TimerListing:
    """Every failed timer, and a page of the timers scheduled to fire, soonest first."""
    with casework.db.reading() as session:
        return TimerListing(timers_dao.failed_timers(session), timers_dao.scheduled_timers(session, page))


def waiting_timer(casework: Casework, instance_id: int, element_id: str) -> WaitingTimerRow | None:
    """The timer a running case waits on at that element, or None if it waits on none there."""
    with casework.db.reading() as session:
        return timers_dao.waiting_timer(session, instance_id, element_id)
