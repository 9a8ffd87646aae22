from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service.models import AccessLogEntry, ApiToken, AuditEvent, Case, HumanTask, ProcessInstance, ProcessVersion, User
from service.packs.unacceptable_behaviour.models import Customer
from tests.service.views.conftest import ClientRequest

STORED = (Case, Customer, ProcessInstance, HumanTask, AuditEvent, ProcessVersion, ApiToken, User, AccessLogEntry)


@pytest.fixture
def client_request(client, runtime, people) -> ClientRequest:
    return ClientRequest(client, runtime, people)


@pytest.fixture
def stored(runtime):
    """Row counts of everything a request could write, to compare before and after."""

    def count() -> dict[str, int]:
        with runtime.db.reading() as session:
            return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) for model in STORED}

    return count
