"""Groups over the API: an admin token creates a group and puts people in it; other tokens cannot."""

from __future__ import annotations

from service.people import groups


def test_an_admin_token_creates_a_group_and_manages_its_members(api_as, runtime, policy):
    api = api_as("admin")
    created = api.post("/groups", json={"name": "asb-team", "label": "ASB team"})
    assert created.status_code == 201 and created.json["name"] == "asb-team"
    assert api.post("/groups/asb-team/members", json={"username": "owen"}).status_code == 201
    assert api.post("/groups/asb-team/members", json={"username": "owen"}).status_code == 409
    shown = api.get("/groups/asb-team").json
    assert shown["members"] == [{"username": "owen", "full_name": "Owen Owner", "by_role": False}]
    listed = {g["name"]: g["member_count"] for g in api.get("/groups").json["items"]}
    assert listed["asb-team"] == 1 and listed["caseworker"] == 2
    removed = api.client.delete("/api/v1/groups/asb-team/members/owen", headers=api.headers)
    assert removed.status_code == 200 and groups.load_group(runtime.casework, "asb-team").members == []


def test_bad_requests_get_clear_answers(api_as, policy):
    api = api_as("admin")
    refused = api.post("/groups", json={"name": "Bad Name", "label": 3})
    assert refused.status_code == 422
    assert api.post("/groups", json={"name": "x", "label": "X", "colour": "red"}).status_code == 422
    assert api.post("/groups/ghosts/members", json={"username": "owen"}).status_code == 404
    missing = api.post("/groups/caseworker/members", json={"username": "nobody"})
    assert missing.status_code == 422 and missing.json["error"]["problems"][0]["field"] == "username"


def test_tokens_without_the_admin_role_cannot_touch_groups(api_as, runtime):
    api = api_as("caseworker", "process_owner", "auditor")
    assert api.get("/groups").status_code == 403
    assert api.post("/groups", json={"name": "mine", "label": "Mine"}).status_code == 403
    assert "mine" not in {g.name for g in groups.list_groups(runtime.casework)}
