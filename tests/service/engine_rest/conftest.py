"""A Camunda-speaking client for the Flask test client, authenticated with the product's API tokens."""

from __future__ import annotations

import base64

import pytest

from service.accounts.api_tokens import issue_token
from service.cases.cases import start_case
from tests.service.conftest import deploy_fixture


class EngineRest:
    def __init__(self, client, token: str | None, *, basic: bool = False) -> None:
        self.client = client
        if token is None:
            self.headers = {}
        elif basic:
            self.headers = {"Authorization": "Basic " + base64.b64encode(f"anyone:{token}".encode()).decode()}
        else:
            self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **query):
        return self.client.get(f"/engine-rest{path}", headers=self.headers, query_string=query or None)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(f"/engine-rest{path}", headers=self.headers, json=json, **kwargs)

    def put(self, path: str, json=None):
        return self.client.put(f"/engine-rest{path}", headers=self.headers, json=json)


@pytest.fixture
def engine_rest_as(client, runtime, people):
    def make(*roles: str, basic: bool = False) -> EngineRest:
        issued = issue_token(runtime.casework, people["adam"], f"System with {', '.join(roles)}", list(roles),
                             runtime.clock.now())
        return EngineRest(client, issued.token, basic=basic)

    return make


@pytest.fixture
def housing_alert(runtime):
    deploy_fixture(runtime, "housing_alert.bpmn")
    return runtime


def start_alert_case(runtime, actor, customer: str = "C-1") -> str:
    return start_case(runtime.casework, actor, {"customer_reference": customer}, process_id="housing_alert").reference
