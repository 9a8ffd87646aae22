"""When each timer worker last made progress: what /health/ready and the watchdog read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class WorkerHeartbeat(Base):
    __tablename__ = "worker_heartbeats"

    # Host name and process id: one row per worker process, replaced when it restarts.
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    # The end of the worker's last completed poll: due timers looked at, fired or parked.
    progressed_at: Mapped[datetime]
    # Timers fired (or parked) since the worker started, for "is it getting anywhere?".
    timers_handled: Mapped[int] = mapped_column(default=0)
