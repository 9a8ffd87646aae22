"""Recording an appeal through the API: once per decision, only while a restriction is in force."""

from __future__ import annotations

from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.test_policy_journey import _to_restriction


def test_appeals_through_the_api(policy, api_as, people):
    journey = _to_restriction(policy, people, "2026-03-02")
    api = api_as("caseworker")
    response = api.post(f"/cases/{journey.reference}/appeals", json=samples.appeal_received("2026-03-02"))
    assert response.status_code == 201, response.json
    again = api.post(f"/cases/{journey.reference}/appeals", json=samples.appeal_received("2026-03-02"))
    assert again.status_code == 409

