"""The administrator's group pages: create a group, add and take out people; no one else gets in."""

from __future__ import annotations

import pytest

from service.people import groups
from tests.service.views.conftest import text_of


def test_an_administrator_creates_a_group_and_adds_someone(client_request, runtime, policy):
    admin = client_request.login("adam")
    page = admin.get("/admin/groups")
    assert "Caseworkers" in text_of(page.select_one("table"))
    created = admin.post("/admin/groups", {"label": "Anti-social behaviour team", "name": "asb-team",
                                           "description": "Hears ASB reports"})
    assert created.headers["Location"].endswith("/admin/groups/asb-team")
    page = admin.follow(created)
    assert "No one is in this group yet" in text_of(page)
    added = admin.post("/admin/groups/asb-team", {"username": "owen"})
    page = admin.follow(added)
    assert "owen has been added" in text_of(page)
    assert [text_of(cell) for cell in page.select("table tbody td:nth-of-type(2)")] == ["owen"]
    taken_out = admin.post("/admin/groups/asb-team/members/owen/remove")
    assert groups.load_group(runtime.casework, "asb-team").members == []
    assert "taken out" in text_of(admin.follow(taken_out))


def test_mistakes_are_shown_on_the_field_and_nothing_is_lost(client_request, runtime, policy):
    admin = client_request.login("adam")
    page = admin.post_page("/admin/groups", {"label": "ASB", "name": "ASB Team"})
    assert "Enter a group name" in text_of(page.select_one(".govuk-error-summary"))
    assert page.select_one("#group-label")["value"] == "ASB"
    assert page.select_one("#group-name")["value"] == "ASB Team"
    admin.post("/admin/groups", {"label": "ASB", "name": "asb"})
    page = admin.post_page("/admin/groups/asb", {"username": "nobody"})
    assert "Enter the username of an active account" in text_of(page.select_one(".govuk-error-summary"))
    assert page.select_one("#member-username")["value"] == "nobody"
    refused = admin.post("/admin/groups/caseworker/members/casey/remove")
    assert "because they hold that role" in text_of(admin.follow(refused))
    admin.get("/admin/groups/no-such-group", status=404)


@pytest.mark.parametrize("who", ["casey", "hana", "owen", "audrey"])
def test_only_administrators_reach_the_group_pages(client_request, runtime, who):
    someone = client_request.login(who)
    someone.get("/admin/groups", status=403)
    someone.post("/admin/groups", {"label": "Mine", "name": "mine"}, status=403)
    someone.post("/admin/groups/caseworker", {"username": who}, status=403)
    assert "mine" not in {g.name for g in groups.list_groups(runtime.casework)}


def test_a_form_without_its_csrf_token_changes_nothing(client_request, runtime):
    admin = client_request.login("adam")
    admin.post("/admin/groups", {"label": "ASB", "name": "asb"}, status=400, with_csrf=False)
    assert "asb" not in {g.name for g in groups.list_groups(runtime.casework)}
