"""Who a case is about, in the API: a policy case carries its ``customer`` (the policy pack's subject,
``Pack.subject``) and ``?customer=`` finds the cases of one customer; an anti-social behaviour report, a process
with no pack, carries none. The OpenAPI document describes what the registered packs add."""

from __future__ import annotations

import pytest

from service.cases.cases import start_case
from tests.bpmn import samples

REPORT = {"what_happened": "Loud music.", "happened_on": "2026-03-01", "location": "Hill House",
          "reported_by": "Sam Neighbour"}


@pytest.fixture
def both(runtime, people, asb_report):
    policy_case = start_case(runtime.casework, people["casey"],
                             samples.incident(customer_reference="SH-000777", customer_name="Pat Doe"),
                             process_id="unacceptable_behaviour").reference
    report = start_case(runtime.casework, people["casey"], REPORT, process_id="asb_report").reference
    return policy_case, report


def test_a_policy_case_carries_its_customer_and_an_asb_report_none(both, api_as):
    policy_case, report = both
    api = api_as("caseworker")
    listed = {item["reference"]: item for item in api.get("/cases").json["items"]}
    assert listed[policy_case]["customer"] == {"reference": "SH-000777", "name": "SH-000777"}
    assert "customer" not in listed[report]

    case = api.get(f"/cases/{policy_case}").json
    assert case["customer"] == {"reference": "SH-000777", "name": "SH-000777"}
    assert case["restrictions"] == []  # the policy pack's extra field
    asb = api.get(f"/cases/{report}").json
    assert "customer" not in asb and "restrictions" not in asb


def test_the_case_list_finds_one_customers_cases(both, api_as):
    policy_case, _ = both
    api = api_as("caseworker")
    found = api.get("/cases", query_string={"customer": "sh-000777"}).json
    assert [item["reference"] for item in found["items"]] == [policy_case] and found["total"] == 1
    assert api.get("/cases", query_string={"customer": "SH-000778"}).json == {
        "items": [], "total": 0, "page": 1, "page_size": 25}


def test_the_document_describes_the_customer_and_the_policys_restrictions_from_its_pack(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert schemas["Case"]["properties"]["customer"]["properties"] == {"reference": {"type": "string"},
                                                                       "name": {"type": "string"}}
    assert "Restriction" in schemas  # the pack's, added with its routes
    extras = schemas["CaseDetail"]["allOf"][2]
    assert extras["properties"]["restrictions"]["items"] == {"$ref": "#/components/schemas/Restriction"}
