"""Signing in lands each person on the first page their roles open."""

from __future__ import annotations

import pytest

from service.dao import users_dao
from service.people.actors import Actor


@pytest.mark.parametrize(("username", "landing"), [
    ("casey", "/tasks"), ("hana", "/tasks"), ("audrey", "/customers"),
])
def test_the_start_page_sends_signed_in_staff_to_their_work(client_request, people, username, landing):
    response = client_request.login(username).get_response("/")
    assert response.status_code == 302 and response.headers["Location"] == landing


def test_the_start_page_is_shown_to_someone_whose_roles_open_no_page(client_request, people, runtime):
    with runtime.db.transaction() as session:
        user = users_dao.add_user(session, username="newstarter", full_name="New Starter", password_hash="x",
                                  roles=[], job_title="", now=runtime.clock.now())
    people["newstarter"] = Actor(user.id, (), "New Starter")
    page = client_request.login("newstarter").get("/")
    assert page.h1.get_text(strip=True) == "Unacceptable behaviour cases"
