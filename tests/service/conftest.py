from __future__ import annotations

from pathlib import Path

import pytest

from service.auth.passwords import hash_password
from service.casework.actors import Actor
from service.casework.deploy import deploy
from service.cli import load_forms
from service.dao import users_dao

FIXTURES = Path(__file__).parent.parent / "workflows" / "fixtures"
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
    "adam": ("Adam Admin", ["admin"]),
}


@pytest.fixture
def people(runtime) -> dict[str, Actor]:
    actors = {}
    with runtime.db.transaction() as session:
        for username, (name, roles) in PEOPLE.items():
            user = users_dao.add_user(session, username=username, full_name=name, password_hash=_HASH,
                                      roles=roles, job_title="", now=runtime.clock.now())
            actors[username] = Actor(user.id, tuple(user.roles), name)
    return actors


def deploy_fixture(runtime, name: str, content: bytes | None = None, comment: str = ""):
    path = FIXTURES / name
    return deploy(runtime.db, content or path.read_bytes(), load_forms(FIXTURES / "forms"), filename=name,
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
