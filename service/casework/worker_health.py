"""Is the timer worker getting anywhere? For /health/ready (issue #20 wires it in) and for people.

Each worker writes a heartbeat after every poll that got through (``service.worker``). A worker that
is stuck, dead or cut off from the database stops writing it, so "no progress for a while" is the
one signal that covers all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from service.dao import heartbeats_dao
from service.db import Database


@dataclass(frozen=True)
class WorkerProgress:
    last_progress: datetime | None
    stalled: bool

    @property
    def message(self) -> str:
        if self.last_progress is None:
            return "no timer worker has run yet"
        return ("the timer worker has made no progress since " if self.stalled else "timer worker progressing, last ") \
            + self.last_progress.isoformat(timespec="seconds")


def worker_progress(db: Database, now: datetime, stale_after: timedelta) -> WorkerProgress:
    with db.reading() as session:
        last = heartbeats_dao.latest_progress(session)
    return WorkerProgress(last, last is None or now - last > stale_after)
