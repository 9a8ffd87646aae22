"""Messages through the API: by case reference or correlated by name and business key, validated against
the catch event's form, sent only by the groups the catch event names, payload reaching the case's data."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.dao import audit_dao
from service.models import ProcessInstance
from tests.service.conftest import deploy_fixture

PROCESS = "await_reply"


@pytest.fixture
def reply_process(runtime):
    deploy_fixture(runtime, "customer_reply.bpmn")
    return runtime


def _start(api) -> str:
    started = api.post(f"/cases?process={PROCESS}", json={})
    assert started.status_code == 201, started.json
    return started.json["reference"]


def _instance(runtime, reference: str) -> ProcessInstance:
    with runtime.db.reading() as session:
        return session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == reference)).one()


def test_a_message_by_case_reference_runs_the_case_on_with_its_payload_as_variables(reply_process, api_as):
    api = api_as("caseworker")
    reference = _start(api)
    sent = api.post(f"/cases/{reference}/messages/customer_reply", json={"accepted": True, "reply_note": "Fine"})
    assert sent.status_code == 201 and sent.json == {"reference": reference, "message": "customer_reply",
                                                     "delivered": True}
    instance = _instance(reply_process, reference)
    assert instance.status == "completed"  # ${accepted && customer_reply.accepted == true} took Flow_Yes
    with reply_process.db.reading() as session:
        events = audit_dao.list_events(session, instance.id)
    received = next(e for e in events if e.event_type == "message_received")
    assert received.data["message"] == "customer_reply" and received.data["form"]["reply_note"] == "Fine"
    assert "Flow_Yes" in received.data["path"]["taken_flows"]


def test_correlation_by_message_name_and_business_key(reply_process, api_as):
    api = api_as("caseworker")
    reference = _start(api)
    sent = api.post("/messages", json={"message_name": "customer_reply", "business_key": reference,
                                       "payload": {"accepted": False}})
    assert sent.status_code == 201
    case = api.get(f"/cases/{reference}").json
    assert [t["name"] for t in case["open_tasks"]] == ["Call the customer"]  # ${!accepted}


@pytest.mark.parametrize(("body", "status", "words"), [
    ({"accepted": "perhaps"}, 422, "accepted"),
    ({"accepted": True, "surprise": 1}, 422, "surprise"),
    ({}, 422, "accepted"),
])
def test_a_payload_that_does_not_fit_the_form_is_refused_and_nothing_changes(reply_process, api_as, body, status,
                                                                             words):
    api = api_as("caseworker")
    reference = _start(api)
    before = _instance(reply_process, reference).lock_version
    refused = api.post(f"/cases/{reference}/messages/customer_reply", json=body)
    assert refused.status_code == status and words in str(refused.json)
    assert _instance(reply_process, reference).lock_version == before


def test_only_the_groups_the_catch_event_names_may_send_it(reply_process, api_as):
    reference = _start(api_as("caseworker"))
    refused = api_as("caseworker").post(f"/cases/{reference}/messages/manager_override", json={})
    assert refused.status_code == 403 and "head_of_service" in refused.json["error"]["message"]
    sent = api_as("head_of_service").post(f"/cases/{reference}/messages/manager_override", json={})
    assert sent.status_code == 201
    assert _instance(reply_process, reference).status == "completed"
    assert api_as("auditor").post(f"/cases/{reference}/messages/manager_override", json={}).status_code == 403


def test_messages_nothing_waits_for_or_that_do_not_exist_are_refused_clearly(reply_process, api_as):
    api = api_as("caseworker")
    reference = _start(api)
    assert api.post(f"/cases/{reference}/messages/customer_reply", json={"accepted": True}).status_code == 201
    again = api.post(f"/cases/{reference}/messages/customer_reply", json={"accepted": True})
    assert again.status_code == 409 and "not waiting for ‘Reply received’" in again.json["error"]["message"]
    missing = api.post(f"/cases/{reference}/messages/no_such_message", json={})
    assert missing.status_code == 404 and "no message called" in missing.json["error"]["message"]
    assert api.post("/cases/UB-2026-9999/messages/customer_reply", json={}).status_code == 404
    bad = api.post("/messages", json={"message_name": 3, "payload": []})
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json["error"]["problems"]} >= {"message_name", "business_key", "payload"}
