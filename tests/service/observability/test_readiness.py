"""Liveness: whether the database answers now."""

from __future__ import annotations

from service.config import Settings
from service.observability.readiness import database_answers
from service.runtime import build_runtime


def test_the_database_answers(runtime) -> None:
    assert database_answers(runtime.casework) is True


def test_an_unreachable_database_does_not() -> None:
    unreachable = build_runtime(Settings(environment="testing", database_url="postgresql://nobody@127.0.0.1:9/nothing",
                                         secret_key="k" * 40, secure_cookies=False))
    try:
        assert database_answers(unreachable.casework) is False
    finally:
        unreachable.db.dispose()
