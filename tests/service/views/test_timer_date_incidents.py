"""A timer date the person's answers make unusable: the step is refused with a reason and an incident opens on
the case naming the timer, through the API and the task page alike (never a 500, never a silent wait)."""

from __future__ import annotations

import pytest

from service.dao import incidents_dao
from service.tasks.inbox_actions import claim
from tests.service.views.conftest import open_task, text_of

BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="callback" name="Call the customer back" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_Agree" />
    <bpmn:userTask id="Task_Agree" name="Agree a call-back date" camunda:formKey="call_back"
                   camunda:candidateGroups="caseworker" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Agree" targetRef="Event_CallBack" />
    <bpmn:intermediateCatchEvent id="Event_CallBack" name="Call-back day">
      <bpmn:timerEventDefinition id="TED_1">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">${callBackOn}</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Event_CallBack" targetRef="End_1" />
    <bpmn:endEvent id="End_1" />
  </bpmn:process>
</bpmn:definitions>
"""
# A free-text answer: nothing stops a person typing words where the timer needs a date.
FORMS = {"call_back": {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Agree a call-back date",
                       "type": "object", "required": ["callBackOn"],
                       "properties": {"callBackOn": {"type": "string", "title": "Call back on", "maxLength": 40}}}}


@pytest.fixture
def callback_case(runtime, api_as):
    deployed = api_as("process_owner").post("/deployments", json={"bpmn": BPMN.decode(), "forms": FORMS,
                                                                   "filename": "callback.bpmn"})
    assert deployed.status_code == 201, deployed.json
    started = api_as("caseworker").post("/cases?process=callback", json={})
    assert started.status_code == 201, started.json
    return started.json["reference"]


def _incidents(runtime):
    with runtime.db.reading() as session:
        return incidents_dao.page_of(session, 1).rows


def test_through_the_api_a_bad_timer_date_is_refused_and_opens_an_incident_on_the_timer(runtime, api_as,
                                                                                        callback_case):
    staff = api_as("caseworker")
    task = next(t for t in staff.get(f"/cases/{callback_case}").json["open_tasks"])
    assert staff.post(f"/tasks/{task['id']}/claim").status_code == 200

    refused = staff.post(f"/tasks/{task['id']}/complete", json={"callBackOn": "next Tuesday"})

    assert refused.status_code == 422, refused.json
    assert "timer date must be" in str(refused.json) and "next Tuesday" not in str(refused.json)
    [row] = api_as("auditor").get("/incidents").json["items"]
    assert (row["case_reference"], row["element_id"], row["status"]) == (callback_case, "Event_CallBack", "open")
    assert "next Tuesday" not in row["message"]
    # Nothing of the step was kept: the person can correct the answer and carry on.
    assert staff.get(f"/cases/{callback_case}").json["open_tasks"][0]["id"] == task["id"]
    done = staff.post(f"/tasks/{task['id']}/complete", json={"callBackOn": "2026-04-01"})
    assert done.status_code == 200, done.json
    waiting = staff.get(f"/cases/{callback_case}").json
    assert waiting["status"] == "open" and waiting["open_tasks"] == []


def test_on_the_task_page_a_bad_timer_date_keeps_the_answers_and_the_incident_shows_on_the_case(
    runtime, people, client_request, callback_case
):
    task = open_task(runtime, callback_case)
    claim(runtime.casework, people["casey"], task.id)
    client = client_request.login("casey")

    page = client.post_page(f"/tasks/{task.id}", {"task_id": task.id, "callBackOn": "next Tuesday"})

    assert "timer date must be" in text_of(page.select_one(".govuk-error-summary, .govuk-notification-banner"))
    assert page.select_one("#callBackOn")["value"] == "next Tuesday"
    [row] = _incidents(runtime)
    assert (row.incident.element_id, row.incident.status) == ("Event_CallBack", "open")
    shown = text_of(client_request.login("casey").get(f"/cases/{callback_case}").select_one(".ubp-process-incidents"))
    assert "timer date must be" in shown and "next Tuesday" not in shown
    listed = text_of(client_request.login("adam").get("/admin/incidents").select_one("#incidents"))
    assert callback_case in listed and "Event_CallBack" in listed
