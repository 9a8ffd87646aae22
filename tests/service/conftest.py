from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from service.accounts.api_tokens import issue_token
from service.auth.passwords import hash_password
from service.cli import load_forms
from service.dao import users_dao
from service.packs import registry
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.packs.unacceptable_behaviour.pack import PACK as POLICY_PACK
from service.people.actors import Actor
from service.processes.deploy import deploy

FIXTURES = Path(__file__).parent.parent / "workflows" / "fixtures"
# The small test diagrams stand in for the policy in most page tests (customers, its case page, UB-
# references), so they are registered as a pack shaped like the policy's. A process with no pack is
# tested with the ASB report (tests/packs) and the diagrams in tests/service/cases.
FIXTURE_PACK = replace(POLICY_PACK, name="test_fixtures", process_ids=("three_tasks", "restriction_clock"),
                       wording={}, start_endpoint=None, continuity_lanes=(), task_briefs={}, default_start=False)
TEST_PASSWORD = "correct horse battery staple"
_HASH = hash_password(TEST_PASSWORD)

PEOPLE = {
    "casey": ("Casey Worker", ["caseworker"]),
    "cora": ("Cora Caseworker", ["caseworker"]),
    "hana": ("Hana Head", ["head_of_service"]),
    "henry": ("Henry Head", ["head_of_service"]),
    "erin": ("Erin Executive", ["executive"]),
    "owen": ("Owen Owner", ["process_owner"]),
    "audrey": ("Audrey Auditor", ["auditor"]),
    "dora": ("Dora Data-Protection", ["data_protection_officer"]),
    "adam": ("Adam Admin", ["admin"]),
}


@pytest.fixture(autouse=True, scope="session")
def fixture_pack():
    registry.register(FIXTURE_PACK)
    yield
    registry.unregister(FIXTURE_PACK.name)


@pytest.fixture(autouse=True)
def customers_on_record(monkeypatch):
    keep_customers_on_record(monkeypatch)


def keep_customers_on_record(monkeypatch) -> None:
    """A customer named by reference is on the housing management system's record, address and all: letters
    to them can go by post or email. (A new customer has only the details the incident form gave.)"""
    add = customers_dao.find_or_add_customer

    def find_or_add(session, data, *, now):
        customer = add(session, data, now=now)
        if data.get("new_customer") is not True and not customer.address and not customer.email:
            customer.address = ["1 Record Street", "Trowbridge", "BA14 8AA"]
            customer.email = f"{customer.reference.lower()}@customers.example"
        return customer

    monkeypatch.setattr(customers_dao, "find_or_add_customer", find_or_add)


@pytest.fixture
def people(runtime) -> dict[str, Actor]:
    actors = {}
    with runtime.db.transaction() as session:
        for username, (name, roles) in PEOPLE.items():
            user = users_dao.add_user(session, username=username, full_name=name, password_hash=_HASH,
                                      roles=roles, job_title="", now=runtime.clock.now())
            actors[username] = Actor(user.id, tuple(user.roles), name)
    return actors


def deploy_process_file(runtime, filename: str, comment: str = "tests"):
    """One diagram of bpmn/, with the forms of forms/ (as ``ubp deploy`` deploys each file)."""
    path = runtime.settings.bpmn_dir / filename
    return deploy(runtime.casework, path.read_bytes(), load_forms(runtime.settings.forms_dir), filename=filename,
                  deployed_by_id=None, comment=comment, now=runtime.clock.now())


def deploy_policy(runtime):
    """The policy diagram and forms as they are in bpmn/ and forms/ (the policy alone: the tests that
    count versions or read the process list mean the policy's)."""
    deploy_process_file(runtime, "unacceptable_behaviour.bpmn")
    return runtime


@pytest.fixture
def policy(runtime):
    return deploy_policy(runtime)


@pytest.fixture
def asb_report(policy):
    """The policy and the anti-social behaviour report, a second process with no pack."""
    deploy_process_file(policy, "asb_report.bpmn")
    return policy


class ApiClient:
    def __init__(self, client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(f"/api/v1{path}", headers=self.headers, json=json, **kwargs)


@pytest.fixture
def api_as(client, runtime, people):
    """An API client whose token carries the given roles."""

    def make(*roles: str) -> ApiClient:
        issued = issue_token(runtime.casework, people["adam"], f"System with {', '.join(roles)}", list(roles),
                             runtime.clock.now())
        return ApiClient(client, issued.token)

    return make


def deploy_fixture(runtime, name: str, content: bytes | None = None, comment: str = ""):
    path = FIXTURES / name
    return deploy(runtime.casework, content or path.read_bytes(), load_forms(FIXTURES / "forms"), filename=name,
                  deployed_by_id=None, comment=comment, now=runtime.clock.now())


@pytest.fixture
def app(runtime):
    from service.app import create_app

    application = create_app(runtime.settings, runtime)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, username: str, password: str = TEST_PASSWORD):
    page = client.get("/sign-in")
    return client.post("/sign-in", data={
        "username": username, "password": password, "csrf_token": csrf_token_from(page.get_data(as_text=True)),
    })
