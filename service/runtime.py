"""The long-lived objects one process shares: database, clock, engine and the casework services."""

from __future__ import annotations

from dataclasses import dataclass

from service.casework import Casework
from service.config import Settings
from service.db import Database
from service.environment import read_pack_settings
from service.packs import installed as installed_packs
from service.packs import registry
from service.tasks import external_tasks, timers  # noqa: F401 - register how their incidents are retried
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
    installed_packs.install()
    pack_settings = read_pack_settings(registry.retention_settings())  # a bad one stops start-up, one line each
    clock = clock or clocks.SystemClock()
    db = Database(settings.database_url, pool_size=settings.db_pool_size)
    engine = CaseEngine(clock)
    return Runtime(settings, db, clock, engine,
                   Casework(db, engine, clock, settings.provider, settings, pack_settings))
