"""The anti-social behaviour report driven wholly through the API: start, tasks, a message, every ending."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.accounts.api_tokens import issue_token
from service.dao import users_dao
from service.people import groups
from service.tasks.timers import fire_due_batch
from tests.service.conftest import ApiClient

REPORT = {"what_happened": "Loud music every night after midnight.", "happened_on": "2026-03-01",
          "location": "Hill House, flat 12", "reported_by": "Sam Neighbour, flat 14", "anyone_at_risk": False}


@pytest.fixture
def asb_system(client, runtime, people, asb_report):
    """The ASB team's own system: a token whose account an administrator put in the team's group."""
    groups.create_group(runtime.casework, people["adam"], name="asb-team", label="Anti-social behaviour team",
                        description="", now=runtime.clock.now())
    issued = issue_token(runtime.casework, people["adam"], "ASB system", [], runtime.clock.now())
    with runtime.db.reading() as session:
        username = users_dao.get_user(session, issued.record.service_user_id).username
    groups.add_member(runtime.casework, people["adam"], "asb-team", username, runtime.clock.now())
    return ApiClient(client, issued.token)


def _work(api, reference: str, answers: dict) -> None:
    task = api.get(f"/cases/{reference}").json["open_tasks"][0]
    assert api.post(f"/tasks/{task['id']}/claim").status_code == 200
    done = api.post(f"/tasks/{task['id']}/complete", json=answers)
    assert done.status_code == 200, done.json


def _start(api) -> str:
    assert [p["process_id"] for p in api.get("/processes").json["items"]] == ["asb_report"]
    started = api.post("/processes/asb_report/cases", json=REPORT)
    assert started.status_code == 201, started.json
    assert started.json["reference"].startswith("ASB-2026-")
    return started.json["reference"]


def test_every_ending_through_the_api(asb_system, api_as, runtime):
    caseworkers = api_as("caseworker")
    # Evidence in time: a decision.
    first = _start(asb_system)
    case = asb_system.get(f"/cases/{first}").json
    assert case["process_id"] == "asb_report" and "customer" not in case
    assert "restrictions" not in case  # a policy field: only the policy's pack adds it
    listed = asb_system.get("/tasks?group=asb-team").json["items"]
    assert [t["name"] for t in listed] == ["Triage the report"]
    _work(asb_system, first, {"triage_decision": "investigate"})
    _work(caseworkers, first, {"evidence_asked_for": "A diary sheet", "evidence_due_by": "2026-03-16"})
    wrong = asb_system.post(f"/cases/{first}/messages/asb_evidence_received", json={})
    assert wrong.status_code == 422
    sent = asb_system.post(f"/cases/{first}/messages/asb_evidence_received",
                           json={"evidence_summary": "Diary sheets"})
    assert sent.status_code == 201
    again = asb_system.post(f"/cases/{first}/messages/asb_evidence_received", json={"evidence_summary": "More"})
    assert again.status_code == 409
    _work(asb_system, first, {"action": "partner_referral"})
    assert asb_system.get(f"/cases/{first}").json["outcome"] == "Closed: action taken"

    # No action at triage.
    second = _start(asb_system)
    _work(asb_system, second, {"triage_decision": "no_action"})
    assert asb_system.get(f"/cases/{second}").json["status"] == "closed"

    # The deadline passes first.
    third = _start(asb_system)
    _work(asb_system, third, {"triage_decision": "investigate"})
    _work(caseworkers, third, {"evidence_asked_for": "Photos", "evidence_due_by": "2026-03-09"})
    runtime.clock.set(datetime(2026, 3, 9, 17, tzinfo=UTC))
    assert fire_due_batch(runtime.casework).fired == 1
    assert asb_system.get(f"/cases/{third}").json["outcome"] == "Closed: no evidence received"


def test_who_may_start_and_read(asb_system, api_as):
    outsider = api_as("process_owner")
    assert outsider.get("/processes").json["items"] == []
    assert outsider.post("/processes/asb_report/cases", json=REPORT).status_code == 403
    assert asb_system.post("/processes/asb_report/cases", json={"what_happened": ""}).status_code == 422
    assert asb_system.post("/processes/no_such_process/cases", json=REPORT).status_code == 404
    # The ASB system cannot start the policy's cases nor read them.
    policy_case = api_as("caseworker").post("/cases", json=_incident()).json["reference"]
    assert asb_system.get(f"/cases/{policy_case}").status_code == 403
    assert asb_system.post("/processes/unacceptable_behaviour/cases", json=_incident()).status_code == 403
    # Nor through the bare start of the default process (the policy's): the same rule, the same 403.
    assert asb_system.post("/cases", json=_incident()).status_code == 403


def test_the_case_list_and_history_show_only_the_cases_the_caller_may_read(asb_system, api_as):
    """The policy's pack admits its staff and auditors to its cases; a process without a pack admits anyone in a
    group and auditors."""
    report = _start(asb_system)
    policy_case = api_as("caseworker").post("/cases", json=_incident()).json["reference"]
    listed = asb_system.get("/cases").json
    assert ([c["reference"] for c in listed["items"]], listed["total"]) == ([report], 1)
    assert asb_system.get(f"/cases/{report}/history").status_code == 200
    refused = asb_system.get(f"/cases/{policy_case}/history")
    assert refused.status_code == 403 and refused.json["error"]["status"] == 403
    for reader in (api_as("auditor"), api_as("caseworker"), api_as("head_of_service")):
        assert {c["reference"] for c in reader.get("/cases").json["items"]} == {report, policy_case}
        assert reader.get(f"/cases/{policy_case}/history").status_code == 200
    assert api_as("process_owner").get("/cases").status_code == 403


def _incident() -> dict:
    from tests.bpmn import samples

    return samples.incident()
