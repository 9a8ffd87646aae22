"""``POST /engine-rest/message`` correlates as Camunda 7 does: by business key (chosen at start, or the case
reference), by process instance id and by correlation keys (typed process variables), one case or ``all``."""

from __future__ import annotations

import pytest

from tests.service.conftest import deploy_fixture

REPLY = {"accepted": {"value": True, "type": "Boolean"}}


@pytest.fixture
def await_reply(runtime):
    deploy_fixture(runtime, "customer_reply.bpmn")


def _start(rest, business_key: str | None = None) -> dict:
    body = {"variables": {}} if business_key is None else {"variables": {}, "businessKey": business_key}
    started = rest.post("/process-definition/key/await_reply/start", body)
    assert started.status_code == 200, started.get_json()
    return started.get_json()


def _ended(rest, reference: str) -> bool:
    return rest.get(f"/process-instance/{reference}").get_json()["ended"]


def test_a_business_key_chosen_at_start_is_the_case_s_business_key_and_finds_it(await_reply, engine_rest_as):
    casey = engine_rest_as("caseworker", "worker")
    started = _start(casey, "HMS-ALERT-1")
    reference = started["id"]
    assert started["businessKey"] == "HMS-ALERT-1" and reference != "HMS-ALERT-1"
    assert [i["id"] for i in casey.get("/process-instance", businessKey="HMS-ALERT-1").get_json()] == [reference]
    assert casey.get("/process-instance/count", businessKey="HMS-ALERT-1").get_json() == {"count": 1}
    assert casey.get("/process-instance", businessKey=reference).get_json() == []  # it answers to its chosen key
    [history] = casey.get("/history/process-instance", processInstanceBusinessKey="HMS-ALERT-1").get_json()
    assert (history["id"], history["businessKey"]) == (reference, "HMS-ALERT-1")
    unkeyed = _start(casey)
    assert unkeyed["businessKey"] == unkeyed["id"]  # without one, the reference is its business key

    delivered = casey.post("/message", {"messageName": "customer_reply", "businessKey": "HMS-ALERT-1",
                                        "processVariables": REPLY, "resultEnabled": True})
    assert delivered.status_code == 200, delivered.get_json()
    [result] = delivered.get_json()
    assert (result["resultType"], result["processInstance"]["id"]) == ("Execution", reference)
    assert _ended(casey, reference) and not _ended(casey, unkeyed["id"])


def test_business_keys_need_not_be_unique_but_a_message_needs_one_case_unless_all(await_reply, engine_rest_as):
    casey = engine_rest_as("caseworker", "worker")
    first, second = _start(casey, "T-100"), _start(casey, "T-100")
    ambiguous = casey.post("/message", {"messageName": "customer_reply", "businessKey": "T-100",
                                        "processVariables": REPLY})
    assert ambiguous.status_code == 409 and "2 cases are waiting" in ambiguous.get_json()["message"]
    assert not _ended(casey, first["id"]) and not _ended(casey, second["id"])
    both = casey.post("/message", {"messageName": "customer_reply", "businessKey": "T-100", "all": True,
                                   "processVariables": REPLY, "resultEnabled": True})
    assert sorted(r["processInstance"]["id"] for r in both.get_json()) == sorted([first["id"], second["id"]])
    assert _ended(casey, first["id"]) and _ended(casey, second["id"])
    nothing = casey.post("/message", {"messageName": "customer_reply", "businessKey": "T-100", "all": True})
    assert nothing.status_code == 204  # all: no waiting case is not an error, as in Camunda


@pytest.mark.parametrize("key", ["", "   ", " padded", "tab\there", "x" * 256, 42])
def test_a_business_key_that_cannot_be_one_is_refused(await_reply, engine_rest_as, key):
    refused = engine_rest_as("caseworker").post("/process-definition/key/await_reply/start",
                                                {"variables": {}, "businessKey": key})
    assert refused.status_code == 400 and "businessKey" in refused.get_json()["message"]


def test_correlation_keys_pick_the_case_whose_variables_hold_those_typed_values(await_reply, engine_rest_as):
    rest = engine_rest_as("caseworker", "worker")
    cases = [_start(rest)["id"] for _ in range(3)]
    for reference, tenancy, flag in zip(cases, ["T-1", "T-2", "T-3"],
                                        [{"value": 1, "type": "Integer"}, {"value": True, "type": "Boolean"},
                                         {"value": 1.0, "type": "Double"}], strict=True):
        assert rest.post(f"/process-instance/{reference}/variables", {"modifications": {
            "tenancy": {"value": tenancy, "type": "String"}, "flag": flag}}).status_code == 204

    def correlate(**fields):
        return rest.post("/message", {"messageName": "customer_reply", "processVariables": REPLY,
                                      "resultEnabled": True, **fields})

    assert correlate().status_code == 409  # three cases wait: which one?
    assert correlate(correlationKeys={"tenancy": {"value": "T-9", "type": "String"}}).status_code == 409
    mismatch = correlate(businessKey=cases[0], correlationKeys={"tenancy": {"value": "T-2", "type": "String"}})
    assert mismatch.status_code == 409 and "no case is waiting" in mismatch.get_json()["message"]
    # Typed: a Boolean true is not the number 1; 1 and 1.0 are the same number.
    assert correlate(correlationKeys={"flag": {"value": 1, "type": "Integer"}}).status_code == 409
    [boolean] = correlate(correlationKeys={"flag": {"value": True, "type": "Boolean"}}).get_json()
    assert boolean["processInstance"]["id"] == cases[1]
    [by_tenancy] = correlate(correlationKeys={"tenancy": {"value": "T-3", "type": "String"},
                                              "flag": {"value": 1, "type": "Integer"}}).get_json()
    assert by_tenancy["processInstance"]["id"] == cases[2]
    [by_id] = correlate(processInstanceId=cases[0]).get_json()
    assert by_id["processInstance"]["id"] == cases[0]
    assert [_ended(rest, reference) for reference in cases] == [True, True, True]
    assert correlate(processInstanceId=cases[0]).status_code == 409  # it no longer waits


def test_correlation_keeps_the_message_s_groups_and_refuses_what_it_does_not_support(await_reply, engine_rest_as):
    rest = engine_rest_as("caseworker", "worker")
    reference = _start(rest)["id"]
    override = rest.post("/message", {"messageName": "manager_override",
                                      "correlationKeys": {"tenancy": {"value": "T-1", "type": "String"}}})
    assert override.status_code == 403  # only head_of_service sends it: no probing case data by correlation keys
    for field, value in [("localCorrelationKeys", {"a": {"value": 1}}), ("processVariablesLocal", {"a": {"value": 1}}),
                         ("variablesInResultEnabled", True)]:
        refused = rest.post("/message", {"messageName": "customer_reply", "businessKey": reference, field: value})
        assert refused.status_code == 400 and field in refused.get_json()["message"], field
    bad_keys = rest.post("/message", {"messageName": "customer_reply", "correlationKeys": {"x": 1}})
    assert bad_keys.status_code == 400 and "correlationKeys" in bad_keys.get_json()["message"]
    assert rest.post("/message", {"businessKey": reference}).status_code == 400  # messageName is required
    assert not _ended(rest, reference)
