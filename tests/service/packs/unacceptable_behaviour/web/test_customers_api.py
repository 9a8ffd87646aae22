"""The policy's customer routes in the API: restrictions in force and the contact check, by bearer token."""

from __future__ import annotations

from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.test_policy_journey import _to_restriction


def test_contact_check_respects_the_single_method_and_always_allows_emergencies(policy, api_as, runtime, people):
    _to_restriction(policy, people, "2026-03-02")
    api = api_as("caseworker")
    customer = samples.incident()["customer_reference"]
    restrictions = api.get(f"/customers/{customer}/restrictions").json["restrictions"]
    assert {r["kind"] for r in restrictions} == {"single_point_of_contact", "single_communication_method"}
    phone = api.get(f"/customers/{customer}/contact-check?channel=telephone&datetime=2026-06-01T10:00").json
    assert phone["allowed"] is False and any("email" in reason for reason in phone["reasons"])
    email = api.get(f"/customers/{customer}/contact-check?channel=email&datetime=2026-06-01T10:00").json
    assert email["allowed"] is True and email["conditions"]
    emergency = api.get(f"/customers/{customer}/contact-check?channel=telephone&emergency=true").json
    assert emergency["allowed"] is True and "Emergencies" in emergency["reasons"][0]
    after = api.get(f"/customers/{customer}/contact-check?channel=telephone&datetime=2027-03-02").json
    assert after["allowed"] is True
    assert api.get(f"/customers/{customer}/contact-check").status_code == 422
    assert api.get("/customers/NOBODY/contact-check?channel=email").status_code == 404


def test_the_customer_routes_are_the_apis_own_a_token_and_its_roles_and_json_errors(client, api_as):
    assert client.get("/api/v1/customers/C-1/restrictions").status_code == 401
    refused = api_as("admin").get("/customers/C-1/restrictions")
    assert refused.status_code == 403 and refused.json["error"]["status"] == 403
    missing = api_as("caseworker").get("/customers/NOT%20ONE/restrictions")
    assert missing.status_code == 404
    assert missing.json["error"]["message"] == "There is no customer with that reference."
