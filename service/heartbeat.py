"""Worker heartbeats: how a background process tells health checks and metrics that it is alive.

Any long-running loop can use it::

    me = heartbeat.identity("timer-worker", now)
    heartbeat.beat(db, me, now, details={"claimed": 12})   # after each round of work

``/health/ready`` fails when the newest ``timer-worker`` beat is older than WORKER_HEARTBEAT_MAX_AGE_SECONDS;
``ubp worker-health`` (the compose and Kubernetes probe) checks the beat of the workers on its own host;
``/metrics`` exports each kind's age as ``ubp_worker_heartbeat_age_seconds{kind=...}``.
A beat is written in its own short transaction, so it proves the worker can still reach the database.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.casework import Casework
from service.dao import heartbeats_dao

TIMER_WORKER = "timer-worker"


@dataclass(frozen=True)
class WorkerIdentity:
    worker_id: str
    kind: str
    hostname: str
    pid: int
    started_at: datetime


def identity(kind: str, started_at: datetime) -> WorkerIdentity:
    hostname, pid = socket.gethostname(), os.getpid()
    return WorkerIdentity(f"{kind}@{hostname}:{pid}", kind, hostname, pid, started_at)


def beat(casework: Casework, worker: WorkerIdentity, now: datetime, details: dict[str, Any] | None = None) -> None:
    with casework.db.transaction() as session:
        heartbeats_dao.record_beat(session, worker_id=worker.worker_id, kind=worker.kind, hostname=worker.hostname,
                                   pid=worker.pid, started_at=worker.started_at, now=now, details=details or {})


def last_beat(casework: Casework, kind: str, *, this_host: bool = False) -> datetime | None:
    with casework.db.reading() as session:
        return heartbeats_dao.latest_beat(session, kind, socket.gethostname() if this_host else None)
