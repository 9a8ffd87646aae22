"""People administration over the API: an HR or identity system's leaver feed."""

from __future__ import annotations

from tests.service.conftest import sign_in


def test_only_admin_tokens_manage_people(api_as):
    assert api_as("caseworker").get("/people").status_code == 403
    assert api_as("admin").get("/people").status_code == 200


def test_create_deactivate_reactivate_and_set_roles(api_as, client, people):
    api = api_as("admin")
    created = api.post("/people", json={"username": "rita", "full_name": "Rita Reviewer", "roles": ["caseworker"]})
    assert created.status_code == 201
    assert created.json["person"]["status"] == "active"
    assert "/set-password/" in created.json["set_password_link"]

    sign_in(client, "casey")
    assert client.get("/tasks").status_code == 200
    left = api.post("/people/casey/deactivate", json={"reason": "Left on 1 March"})
    assert left.status_code == 200 and left.json["status"] == "deactivated"
    assert client.get("/tasks").status_code == 302
    assert api.post("/people/casey/deactivate", json={"reason": "again"}).status_code == 409
    assert api.post("/people/casey/reactivate").status_code == 200

    roles = api.client.put("/api/v1/people/casey/roles", headers=api.headers, json={"roles": ["auditor"]})
    assert roles.status_code == 200 and roles.json["roles"] == ["auditor"]
    history = api.get("/people/casey").json["history"]
    assert [entry["what"] for entry in history] == ["Roles changed", "Reactivated", "Deactivated"]


def test_bad_requests_get_clear_messages(api_as, people):
    api = api_as("admin")
    missing = api.post("/people/casey/deactivate", json={})
    assert missing.status_code == 422 and missing.json["error"]["problems"][0]["field"] == "reason"
    unknown = api.post("/people", json={"username": "x!", "full_name": "X", "roles": ["wizard"], "extra": 1})
    assert unknown.status_code == 422
    assert api.get("/people/nobody").status_code == 404
    bad = api.post("/people", json={"username": "ok", "full_name": "Ok Person", "roles": "caseworker"})
    assert bad.status_code == 422


def test_people_can_be_listed_by_status(api_as, people, runtime):
    api = api_as("admin")
    api.post("/people/cora/deactivate", json={"reason": "Left"})
    assert [p["username"] for p in api.get("/people?status=deactivated").json["items"]] == ["cora"]
    assert api.get("/people?status=gone").status_code == 422


def test_set_groups_and_email(api_as, people, runtime):
    from service.people import groups

    groups.create_group(runtime.casework, None, name="asb-team", label="ASB team", description="",
                        now=runtime.clock.now())
    api = api_as("admin")
    put = api.client.put("/api/v1/people/owen/groups", headers=api.headers, json={"groups": ["asb-team"]})
    assert put.status_code == 200 and put.json == {"username": "owen", "groups": ["asb-team"]}
    unknown = api.client.put("/api/v1/people/owen/groups", headers=api.headers, json={"groups": ["ghosts"]})
    assert unknown.status_code == 422 and unknown.json["error"]["problems"][0]["field"] == "groups"
    email = api.client.put("/api/v1/people/owen/email", headers=api.headers, json={"email": "owen@example.org"})
    assert email.status_code == 200 and email.json["email"] == "owen@example.org"
    bad = api.client.put("/api/v1/people/owen/email", headers=api.headers, json={"email": "owen"})
    assert bad.status_code == 422 and bad.json["error"]["problems"][0]["field"] == "email"
    caseworker = api_as("caseworker")
    assert caseworker.client.put("/api/v1/people/owen/email", headers=caseworker.headers,
                                 json={"email": "x@example.org"}).status_code == 403
    history = api.get("/people/owen").json["history"]
    assert [entry["what"] for entry in history] == ["Email changed", "Groups changed"]
