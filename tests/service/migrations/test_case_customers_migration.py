"""Migration 0096 moves which customer a case is about out of the platform's ``cases`` table into the policy
pack's ``case_customers``: every link is carried over, cases without a customer get no row, rows that refer
to a case keep referring to it, and the downgrade puts the column back as it was."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text

from service.db import make_engine
from service.migrate import alembic_config
from tests.fresh_database import fresh_database


def _insert(connection, table: str, **values: Any) -> int:
    """A row with the given values and a plain stand-in for every other required column."""
    for column in inspect(connection).get_columns(table):
        if column["nullable"] or column["name"] in values or column.get("default") is not None:
            continue
        if column["name"] == "id":
            continue
        kind = str(column["type"]).upper()
        values[column["name"]] = (False if "BOOL" in kind else 0 if "INT" in kind else
                                  "2026-01-01 00:00:00" if "DATE" in kind or "TIME" in kind else
                                  "{}" if "JSON" in kind else "x")
    names = ", ".join(values)
    placeholders = ", ".join(":" + name for name in values)
    return connection.scalar(text(f"INSERT INTO {table} ({names}) VALUES ({placeholders}) RETURNING id"), values)


@pytest.fixture
def url(backend, tmp_path, request) -> Iterator[str]:
    with fresh_database(backend, tmp_path, request.config) as url:
        yield url


def test_the_links_move_to_the_pack_table_and_back(url):
    config = alembic_config(url)
    command.upgrade(config, "0095")
    engine = make_engine(url, timeouts=None)  # foreign keys on, as the service runs
    with engine.begin() as connection:
        version = _insert(connection, "process_versions", process_id="p", version=1)
        user = _insert(connection, "users", username="casey")
        cases = {}
        for n, customer in ((1, "C-1"), (2, "C-2"), (3, None)):
            instance = _insert(connection, "process_instances", business_key=f"K-{n}", process_version_id=version)
            customer_id = _insert(connection, "customers", reference=customer, name="A Customer") if customer else None
            cases[n] = (_insert(connection, "cases", reference=f"R-{n}", instance_id=instance, customer_id=customer_id),
                        customer_id)
            _insert(connection, "case_actors", case_id=cases[n][0], user_id=user, role="opener")
    engine.dispose()

    command.upgrade(config, "0096")
    plain = make_engine(url, timeouts=None)
    with plain.connect() as connection:
        assert "customer_id" not in {c["name"] for c in inspect(connection).get_columns("cases")}
        links = sorted(connection.execute(text("SELECT case_id, customer_id FROM case_customers")))
        assert links == sorted(cases[n] for n in (1, 2))
        joined = text("SELECT count(*) FROM case_actors JOIN cases ON cases.id = case_actors.case_id")
        assert connection.scalar(joined) == 3

    command.downgrade(config, "0095")
    with plain.connect() as connection:
        assert sorted(connection.execute(text("SELECT id, customer_id FROM cases"))) == sorted(cases.values())
        assert "case_customers" not in inspect(connection).get_table_names()
    plain.dispose()
