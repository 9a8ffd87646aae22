"""Empty databases of either kind, for tests that need a database of their own (migrated only as far as they say)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from tests.conftest import POSTGRES_ADMIN_URL


@contextmanager
def fresh_database(backend: str, folder: Path, config: pytest.Config) -> Iterator[str]:
    """The URL of a new, empty database; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'fresh-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    if config.ubp_postgres_problem:
        pytest.skip("PostgreSQL is unreachable")
    name = f"ubp_fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
