from __future__ import annotations

import pytest

from service.casework.api_tokens import issue_token
from service.cli import deploy_directory


class ApiClient:
    def __init__(self, client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(f"/api/v1{path}", headers=self.headers, json=json, **kwargs)


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
