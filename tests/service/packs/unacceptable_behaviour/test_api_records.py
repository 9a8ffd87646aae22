"""A policy case in the platform's case API also lists its restrictions (the pack's ``case_api_extras``)."""

from __future__ import annotations

from tests.service.packs.unacceptable_behaviour.test_policy_journey import _to_restriction


def test_the_case_in_the_api_lists_its_restrictions_with_the_contact_each_permits(policy, api_as, people):
    journey = _to_restriction(policy, people, "2026-03-02")
    case = api_as("caseworker").get(f"/cases/{journey.reference}").json
    assert case["process_id"] == "unacceptable_behaviour"
    assert {r["kind"] for r in case["restrictions"]} == {"single_point_of_contact", "single_communication_method"}
    assert all(r["permitted_contact"] and r["starts_on"] == "2026-03-02" for r in case["restrictions"])
