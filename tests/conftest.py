"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is taken from TEST_POSTGRES_URL (default: the local server on 127.0.0.1:5432). Each test
session creates its own throwaway database, migrates it once, and empties the tables after each
test. Without PostgreSQL the PostgreSQL leg is skipped with one printed line, except under CI=true,
where an unreachable PostgreSQL fails the run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from service.config import ROOT, Settings
from service.migrate import upgrade
from service.models import Base
from service.processes import definitions as definition_cache
from service.processes import forms as form_cache
from service.runtime import Runtime, build_runtime
from workflows.clock import FrozenClock

# The BPMN path-coverage report must load in the xdist controller too, which never reads tests/bpmn.
pytest_plugins = ["tests.bpmn.path_coverage"]

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday morning


def _postgres_reachable() -> str | None:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def pytest_configure(config: pytest.Config) -> None:
    problem = _postgres_reachable()
    config.ubp_postgres_problem = problem
    if problem and IN_CI:
        raise pytest.UsageError(f"CI=true but PostgreSQL is unreachable at {POSTGRES_ADMIN_URL}: {problem}")


def pytest_report_header(config: pytest.Config) -> str:
    problem = config.ubp_postgres_problem
    if problem:
        return f"PostgreSQL leg SKIPPED: PostgreSQL is unreachable ({problem})"
    return "database tests run on: sqlite, postgresql"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only_postgres = metafunc.definition.get_closest_marker("postgres_only") is not None
        metafunc.parametrize("backend", ["postgresql"] if only_postgres else ["sqlite", "postgresql"], scope="session")


def _worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session; each test works on its own copy."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    """One migrated PostgreSQL database per test session (and xdist worker), dropped at the end."""
    if request.config.ubp_postgres_problem:
        pytest.skip("PostgreSQL is unreachable")
    name = f"ubp_test_{_worker_suffix()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    upgrade(url)
    yield url
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        path = tmp_path / "ubp.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("migrated_postgres")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        environment="testing",
        database_url=database_url,
        secret_key="test-secret-key-not-for-production",
        secure_cookies=False,
        login_rate_limit="1000 per minute",
        forms_dir=ROOT / "forms",
        bpmn_dir=ROOT / "bpmn",
    )


@pytest.fixture
def runtime(settings: Settings, clock: FrozenClock) -> Iterator[Runtime]:
    runtime = build_runtime(settings, clock)
    yield runtime
    _empty_tables(runtime)
    runtime.db.dispose()
    definition_cache.forget_all()
    form_cache.forget_all()


def _empty_tables(runtime: Runtime) -> None:
    """PostgreSQL keeps one database per session, emptied after each test (TRUNCATE does not fire
    the append-only row triggers); each SQLite test had its own copy, which is simply left behind."""
    if not runtime.db.is_postgres:
        return
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with runtime.db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
