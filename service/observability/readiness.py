"""Whether this process can serve: the database answers, its schema is at this code's head, a worker beats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service import heartbeat
from service.casework import Casework
from service.db import DatabaseUnavailable
from service.migrate import schema_revisions

if TYPE_CHECKING:
    from service.casework import Casework


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(value == "ok" for value in self.checks.values())


def database_answers(casework: Casework) -> bool:
    """Liveness: the database answers a trivial query now."""
    try:
        with casework.db.reading() as session:
            session.execute(text("SELECT 1"))
    except DatabaseUnavailable:
        return False
    return True


def check_readiness(casework: Casework, now: datetime, heartbeat_max_age: timedelta) -> Readiness:
    checks = {"database": "ok", "migrations": "ok", "worker": "ok"}
    try:
        with casework.db.reading() as session:
            session.execute(text("SELECT 1"))
        current, heads = schema_revisions(casework.db.engine)
        if current != heads:
            checks["migrations"] = f"database at {', '.join(sorted(current)) or 'nothing'}; code expects " \
                                   f"{', '.join(sorted(heads))} (run ubp migrate)"
        else:
            beat = heartbeat.last_beat(casework, heartbeat.TIMER_WORKER)
            if beat is None:
                checks["worker"] = "no timer worker has reported"
            elif now - beat > heartbeat_max_age:
                checks["worker"] = f"the timer worker last reported {int((now - beat).total_seconds())}s ago"
    except (DatabaseUnavailable, DBAPIError):
        # Only the fact: the driver's message can name hosts and users.
        return Readiness({"database": "unreachable", "migrations": "unknown", "worker": "unknown"})
    return Readiness(checks)
