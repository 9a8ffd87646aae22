"""Finding people: by username for the API and the command line, and the people a manager may choose."""

from __future__ import annotations

import pytest

from service.accounts import directory
from service.cases.errors import NotFound
from service.dao import users_dao


def _service_account(runtime) -> None:
    with runtime.db.transaction() as session:
        user = users_dao.add_user(session, username="svc-timer", full_name="Timer service", password_hash="x",
                                  roles=["worker"], job_title="", now=runtime.clock.now())
        user.is_service_account = True


def test_a_person_is_found_by_username_but_never_a_service_account(runtime, people):
    _service_account(runtime)
    assert directory.person_id(runtime.casework, "casey") == people["casey"].user_id
    for username in ("nobody", "svc-timer"):
        with pytest.raises(NotFound, match="no such person"):
            directory.person_id(runtime.casework, username)


def test_the_people_to_choose_are_everyone_but_service_accounts_by_name(runtime, people):
    _service_account(runtime)
    names = [user.full_name for user in directory.people_to_choose(runtime.casework)]
    assert names == sorted(names) and "Timer service" not in names
    assert {"Casey Worker", "Adam Admin"} <= set(names) and len(names) == len(people)


def test_a_username_is_found_by_user_id(runtime, people):
    assert directory.username_of(runtime.casework, people["casey"].user_id) == "casey"
    assert directory.username_of(runtime.casework, 987654) is None
