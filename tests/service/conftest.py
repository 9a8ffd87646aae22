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
