from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service.casework.api_tokens import issue_token
from service.cli import deploy_directory
from service.models import (
    AccessLogEntry,
    ApiToken,
    AuditEvent,
    Case,
    Customer,
    HumanTask,
    ProcessInstance,
    ProcessVersion,
    User,
)
from tests.service.api.conftest import ApiClient
from tests.service.views.conftest import ClientRequest

STORED = (Case, Customer, ProcessInstance, HumanTask, AuditEvent, ProcessVersion, ApiToken, User, AccessLogEntry)


@pytest.fixture
def policy(runtime):
    deploy_directory(runtime, runtime.settings.bpmn_dir, runtime.settings.forms_dir, "tests")
    return runtime


@pytest.fixture
def api_as(client, runtime, people):
    """An API client whose token carries the given roles."""

    def make(*roles: str) -> ApiClient:
        issued = issue_token(runtime.db, people["adam"], f"System with {', '.join(roles)}", list(roles),
                             runtime.clock.now())
        return ApiClient(client, issued.token)

    return make


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
