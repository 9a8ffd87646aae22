"""The long-lived objects one process shares: database, clock, engine and the casework services."""

from __future__ import annotations

from dataclasses import dataclass

from service.casework import timers  # noqa: F401 - registers how timer incidents are retried
from service.casework.cases import Casework
from service.config import Settings
from service.db import Database
from workflows import clock as clocks
from workflows.engine import CaseEngine


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: clocks.Clock
    engine: CaseEngine
    casework: Casework


def build_runtime(settings: Settings, clock: clocks.Clock | None = None) -> Runtime:
    clock = clock or clocks.SystemClock()
    db = Database(settings.database_url, pool_size=settings.db_pool_size)
    engine = CaseEngine(clock)
    return Runtime(settings, db, clock, engine, Casework(db, engine, clock, settings.letter_provider()))
