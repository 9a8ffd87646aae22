"""What the running processes report about themselves, for health checks and metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class WorkerHeartbeat(Base):
    """One row per background process, rewritten each time it finishes a round of work.

    ``kind`` says which loop it is (``timer-worker`` today; other workers add their own kind);
    ``details`` is a small JSON object a worker may use for its own progress figures.
    """

    __tablename__ = "worker_heartbeats"

    worker_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    hostname: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
