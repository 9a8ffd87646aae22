"""The JSON API: one code path with the pages, same validation and permissions, consistent errors."""

from __future__ import annotations

from service.accounts.api_tokens import revoke_token
from service.models import ApiToken
from service.packs import registry
from tests.bpmn import samples


def _start(api) -> str:
    response = api.post("/cases", json=samples.incident())
    assert response.status_code == 201, response.json
    return response.json["reference"]


def test_no_token_or_a_bad_or_revoked_token_is_refused(client, policy, api_as, people, runtime):
    assert client.get("/api/v1/cases").status_code == 401
    bad = client.get("/api/v1/cases", headers={"Authorization": "Bearer ubp_00000000_nope"})
    assert bad.status_code == 401 and bad.json["error"]["message"]
    api = api_as("caseworker")
    assert api.get("/cases").status_code == 200
    with runtime.db.reading() as session:
        token_id = session.query(ApiToken).one().id
    revoke_token(runtime.casework, people["adam"], token_id, runtime.clock.now())
    assert api.get("/cases").status_code == 401


def test_tokens_are_stored_only_as_hashes(policy, api_as, runtime):
    api = api_as("caseworker")
    token = api.headers["Authorization"].split()[1]
    with runtime.db.reading() as session:
        record = session.query(ApiToken).one()
    assert token not in (record.token_hash, record.token_prefix) and len(record.token_hash) == 64


def test_the_default_start_follows_the_processs_own_starters(policy, api_as):
    """``POST /cases`` starts the default process (the policy, deployed by ``policy``) by its starter rule
    (candidateStarterGroups: caseworker): anyone else gets 403, as from ``POST /processes/<id>/cases``."""
    for role in ("auditor", "head_of_service", "process_owner"):
        refused = api_as(role).post("/cases", json=samples.incident())
        assert refused.status_code == 403 and refused.json["error"]["status"] == 403, role
        assert refused.json["error"]["message"] == "Only caseworkers can record an incident."
    assert api_as("caseworker").post("/cases", json=samples.incident()).status_code == 201
    assert api_as("auditor").get("/cases").json["total"] == 1


def test_a_default_start_before_the_process_is_deployed_is_not_found(runtime, api_as):
    missing = api_as("caseworker").post("/cases", json=samples.incident())
    assert missing.status_code == 404


def test_record_an_incident_then_work_the_case_through_the_api(policy, api_as):
    api = api_as("caseworker")
    reference = _start(api)
    case = api.get(f"/cases/{reference}")
    assert case.status_code == 200
    task = case.json["open_tasks"][0]
    assert task["name"] == "Assess the incident"
    listed = api.get("/tasks?group=caseworker")
    assert [t["id"] for t in listed.json["items"]] == [task["id"]]
    assert api.post(f"/tasks/{task['id']}/claim").status_code == 200
    done = api.post(f"/tasks/{task['id']}/complete", json=samples.assessment("isolated"))
    assert done.status_code == 200, done.json
    again = api.post(f"/tasks/{task['id']}/complete", json=samples.assessment("isolated"))
    assert again.status_code == 409 and "nothing was changed" in again.json["error"]["message"]
    closed = api.get(f"/cases/{reference}").json
    assert closed["status"] == "closed"
    history = api.get(f"/cases/{reference}/history").json["events"]
    assert [e["event_type"] for e in history][:2] == ["case_started", "task_opened"]


def test_a_start_that_names_no_process_takes_the_default_packs_or_is_refused(policy, api_as, monkeypatch):
    api = api_as("caseworker")
    assert api.post("/cases", json=samples.incident()).json["reference"].startswith("UB-")
    monkeypatch.setattr(registry, "default_process", lambda: None)  # an installation with no default process
    refused = api.post("/cases", json=samples.incident())
    assert refused.status_code == 422
    assert refused.json["error"]["problems"] == [
        {"field": "process", "message": "Name the process to start a case of: ?process=<id>."}]


def test_bad_bodies_get_clear_errors_and_store_nothing(policy, api_as, client):
    api = api_as("caseworker")
    wrong = api.post("/cases", json={**samples.incident(), "what_happened": 42, "surprise": "x"})
    assert wrong.status_code == 422
    fields = {p["field"] for p in wrong.json["error"]["problems"]}
    assert {"what_happened", "surprise"} <= fields
    huge = api.post("/cases", json={**samples.incident(), "what_happened": "x" * 200_000})
    assert huge.status_code == 422
    bad_date = api.post("/cases", json={**samples.incident(), "occurred_at": "2026-02-30T10:00"})
    assert bad_date.status_code == 422
    json_headers = {**api.headers, "Content-Type": "application/json"}
    not_json = client.post("/api/v1/cases", data=b"{not json", headers=json_headers)
    assert not_json.status_code == 400 and "JSON object" in not_json.json["error"]["message"]
    broken_utf8 = client.post("/api/v1/cases", data=b'{"what_happened": "\xff\xfe"}', headers=json_headers)
    assert broken_utf8.status_code == 400
    a_list = api.post("/cases", json=[1, 2])
    assert a_list.status_code == 400
    assert api.get("/cases").json["total"] == 0


def test_deploy_through_the_api(policy, api_as, runtime):
    api = api_as("process_owner")
    bpmn = (runtime.settings.bpmn_dir / "unacceptable_behaviour.bpmn").read_text()
    unchanged = api.post("/deployments", json={"bpmn": bpmn})
    assert unchanged.status_code == 200 and "unchanged" in unchanged.json["message"]
    changed = api.post("/deployments", json={"bpmn": bpmn.replace("Assess the incident", "Assess what happened"),
                                             "comment": "Plainer words"})
    assert changed.status_code == 201 and changed.json["versions"][0]["version"] == 2
    laughs = api.post("/deployments", json={"bpmn": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x/>'})
    assert laughs.status_code == 422 and "DOCTYPE" in laughs.json["error"]["problems"][0]["message"]
    assert api_as("caseworker").post("/deployments", json={"bpmn": bpmn}).status_code == 403


def test_the_openapi_document_and_its_docs_page(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.json["openapi"].startswith("3.")
    assert "/customers/{reference}/contact-check" in spec.json["paths"]
    # Titled with the configured service name; the platform's description names no pack's records.
    assert spec.json["info"]["title"] == f"{client.application.extensions['ubp'].settings.service_name} API"
    assert "incident" not in spec.json["info"]["description"].lower()
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "contact-check" in docs.get_data(as_text=True)


def test_the_openapi_document_lists_the_roles_an_account_can_have_when_it_is_served(client):
    def roles_enums(spec):
        new_person = spec["components"]["schemas"]["NewPerson"]["properties"]["roles"]["items"]["enum"]
        set_roles = spec["paths"]["/people/{username}/roles"]["put"]["requestBody"]["content"]["application/json"]
        return new_person, set_roles["schema"]["properties"]["roles"]["items"]["enum"]

    policy = ["caseworker", "head_of_service", "executive", "process_owner", "auditor", "data_protection_officer",
              "admin", "worker"]
    assert roles_enums(client.get("/api/v1/openapi.json").json) == (policy, policy)
    registry.register(registry.Pack(name="gardening", process_ids=("gardening_process",),
                                    groups=(registry.GroupSeed("gardeners", "Gardeners"),)))
    try:
        assert roles_enums(client.get("/api/v1/openapi.json").json) == (
            [*policy[:3], "gardeners", *policy[3:]],) * 2
    finally:
        registry.unregister("gardening")
