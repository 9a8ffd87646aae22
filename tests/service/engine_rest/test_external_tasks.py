"""Camunda 7's external task API on both databases: fetch and lock, complete, fail, BPMN errors, locks."""

from __future__ import annotations

from sqlalchemy import select

from service.cases import incidents
from service.cases.cases import start_case
from service.dao import audit_dao, incidents_dao
from service.models import Case, HumanTask, ProcessInstance
from tests.service.engine_rest.conftest import EngineRest, start_alert_case

TOPIC = [{"topicName": "housing-alert", "lockDuration": 60_000}]


def _fetch(rest: EngineRest, worker: str = "w1", **extra):
    reply = rest.post("/external-task/fetchAndLock", {"workerId": worker, "maxTasks": 10, "topics": TOPIC, **extra})
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def _case(runtime, reference: str) -> Case:
    with runtime.db.reading() as session:
        return session.scalars(select(Case).where(Case.reference == reference)).one()


def _events(runtime, reference: str) -> list[str]:
    with runtime.db.reading() as session:
        instance = session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == reference)).one()
        return [e.event_type for e in audit_dao.list_events(session, instance.id)]


def test_a_service_task_waits_as_an_external_task_that_a_worker_fetches_and_completes(
    runtime, people, housing_alert, engine_rest_as
):
    reference = start_alert_case(runtime, people["casey"])
    worker = engine_rest_as("worker")
    assert worker.get("/external-task/count").get_json() == {"count": 1}
    [task] = _fetch(worker, variables=None)
    assert (task["topicName"], task["activityId"], task["workerId"]) == ("housing-alert", "Task_Alert", "w1")
    assert task["businessKey"] == reference and task["processDefinitionKey"] == "housing_alert"
    assert task["variables"]["customer_reference"] == {"value": "C-1", "type": "String", "valueInfo": {}}
    assert task["priority"] == 5 and task["retries"] is None and task["lockExpirationTime"].endswith("+0000")
    assert _fetch(worker, "w2") == []  # locked

    reply = worker.post(f"/external-task/{task['id']}/complete", {
        "workerId": "w1", "variables": {"alert_id": {"value": 42, "type": "Integer"},
                                        "placed": {"value": True}, "detail": {"value": '{"a": 1}', "type": "Json"}},
        "localVariables": {"attempt": {"value": 1}},
    })
    assert reply.status_code == 204, reply.get_json()
    case = _case(runtime, reference)
    assert (case.status, case.outcome) == ("closed", "Alert placed")
    assert _events(runtime, reference).count("external_task_completed") == 1
    again = worker.post(f"/external-task/{task['id']}/complete", {"workerId": "w1"})
    assert again.status_code == 404 and again.get_json()["type"] == "InvalidRequestException"
    assert worker.get(f"/external-task/{task['id']}").status_code == 404


def test_a_wrong_worker_or_an_expired_lock_is_refused_and_the_task_can_be_fetched_again(
    runtime, people, housing_alert, engine_rest_as
):
    start_alert_case(runtime, people["casey"])
    worker = engine_rest_as("worker", basic=True)  # HTTP Basic, the token as the password
    [task] = _fetch(worker)
    wrong = worker.post(f"/external-task/{task['id']}/complete", {"workerId": "w2"})
    assert wrong.status_code == 400
    assert wrong.get_json() == {"type": "BadUserRequestException", "message": wrong.get_json()["message"]}
    assert "locked by worker 'w1'" in wrong.get_json()["message"]

    assert worker.post(f"/external-task/{task['id']}/extendLock",
                       {"workerId": "w1", "newDuration": 120_000}).status_code == 204
    runtime.clock.advance(seconds=90)
    assert _fetch(worker, "w2") == []  # the extended lock still holds
    runtime.clock.advance(seconds=31)
    expired = worker.post(f"/external-task/{task['id']}/complete", {"workerId": "w1"})
    assert expired.status_code == 400 and "expired" in expired.get_json()["message"]
    [again] = _fetch(worker, "w2")
    assert again["id"] == task["id"] and again["workerId"] == "w2"
    assert worker.post(f"/external-task/{task['id']}/unlock").status_code == 204
    assert worker.get("/external-task", notLocked="true").get_json()[0]["id"] == task["id"]


def test_failures_count_down_retries_wait_out_the_timeout_and_end_in_an_incident_that_can_be_retried(
    runtime, people, housing_alert, engine_rest_as
):
    reference = start_alert_case(runtime, people["casey"])
    worker = engine_rest_as("worker")
    [task] = _fetch(worker)
    failed = worker.post(f"/external-task/{task['id']}/failure", {
        "workerId": "w1", "errorMessage": "housing system timed out", "errorDetails": "trace…",
        "retries": 1, "retryTimeout": 60_000})
    assert failed.status_code == 204
    assert _fetch(worker) == []  # waiting out the retry timeout
    runtime.clock.advance(seconds=61)
    [task] = _fetch(worker)
    assert task["retries"] == 1 and task["errorMessage"] == "housing system timed out"

    worker.post(f"/external-task/{task['id']}/failure", {"workerId": "w1", "errorMessage": "still down",
                                                          "retries": 0, "retryTimeout": 0})
    runtime.clock.advance(hours=1)
    assert _fetch(worker) == []
    assert worker.get("/external-task/count", noRetriesLeft="true").get_json() == {"count": 1}
    with runtime.db.reading() as session:
        [row] = incidents_dao.page_of(session, 1).rows
    assert (row.incident.kind, row.incident.element_id, row.case_reference) == ("external_task", "Task_Alert",
                                                                               reference)
    assert "still down" in row.incident.message

    incidents.retry_incident(runtime.casework, row.incident.id, people["adam"])
    [task] = _fetch(worker)
    assert task["retries"] == 1
    assert worker.post(f"/external-task/{task['id']}/complete", {"workerId": "w1"}).status_code == 204
    assert _case(runtime, reference).status == "closed"
    types = _events(runtime, reference)
    assert types.count("external_task_failed") == 2 and "incident_retried" in types


def test_a_bpmn_error_is_caught_by_the_error_boundary_event(runtime, people, housing_alert, engine_rest_as):
    reference = start_alert_case(runtime, people["casey"])
    worker = engine_rest_as("worker")
    [task] = _fetch(worker)
    reply = worker.post(f"/external-task/{task['id']}/bpmnError", {
        "workerId": "w1", "errorCode": "NO_RECORD", "errorMessage": "no such tenancy",
        "variables": {"lookup": {"value": "none", "type": "String"}}})
    assert reply.status_code == 204, reply.get_json()
    with runtime.db.reading() as session:
        [human] = session.scalars(select(HumanTask).where(HumanTask.status == "open")).all()
    assert human.element_id == "Task_Manual"
    assert worker.get("/external-task/count").get_json() == {"count": 0}
    assert "external_task_bpmn_error" in _events(runtime, reference)


def test_a_bpmn_error_nothing_catches_becomes_an_incident(runtime, people, housing_alert, engine_rest_as):
    reference = start_alert_case(runtime, people["casey"])
    worker = engine_rest_as("worker")
    [task] = _fetch(worker)
    assert worker.post(f"/external-task/{task['id']}/bpmnError",
                       {"workerId": "w1", "errorCode": "SOMETHING_ELSE"}).status_code == 204
    with runtime.db.reading() as session:
        [row] = incidents_dao.page_of(session, 1).rows
    assert "SOMETHING_ELSE" in row.incident.message and row.case_reference == reference
    assert _case(runtime, reference).status == "open"


def test_only_worker_tokens_may_work_external_tasks_and_bad_bodies_get_camunda_errors(
    runtime, people, housing_alert, engine_rest_as, client
):
    start_alert_case(runtime, people["casey"])
    anonymous = EngineRest(client, None)
    refused = anonymous.post("/external-task/fetchAndLock", {"workerId": "w", "topics": TOPIC})
    assert refused.status_code == 401 and refused.get_json()["type"] == "AuthenticationException"
    assert "Basic" in refused.headers["WWW-Authenticate"]
    wrong_role = engine_rest_as("caseworker").post("/external-task/fetchAndLock", {"workerId": "w", "topics": TOPIC})
    assert wrong_role.status_code == 403 and wrong_role.get_json()["type"] == "AuthorizationException"
    assert EngineRest(client, "ubp_00000000_nonsense").get("/version").status_code == 401

    worker = engine_rest_as("worker")
    for body, words in (
        ({"topics": TOPIC}, "workerId is required"),
        ({"workerId": "w", "topics": [{"topicName": "x"}]}, "lockDuration is required"),
        ({"workerId": "w", "maxTasks": "ten", "topics": TOPIC}, "maxTasks must be"),
        ({"workerId": "w", "topics": [{**TOPIC[0], "processVariables": {"a": 1}}]}, "not supported"),
    ):
        reply = worker.post("/external-task/fetchAndLock", body)
        assert reply.status_code == 400 and reply.get_json()["type"] == "InvalidRequestException"
        assert words in reply.get_json()["message"]
    [task] = _fetch(worker)
    for variables, words in (
        ({"x": {"value": "a", "type": "Integer"}}, "Cannot convert"),
        ({"x": {"value": "rO0AB", "type": "Object", "valueInfo": {
            "serializationDataFormat": "application/x-java-serialized-object"}}}, "application/json"),
        ({"x": {"value": 1, "type": "Bytes"}}, "not supported"),
        ({"not a name": {"value": 1}}, "variable name"),
    ):
        reply = worker.post(f"/external-task/{task['id']}/complete", {"workerId": "w1", "variables": variables})
        assert reply.status_code == 400 and words in reply.get_json()["message"], reply.get_json()
    assert worker.get("/external-task/count").get_json() == {"count": 1}  # nothing was lost
    not_json = worker.post(f"/external-task/{task['id']}/complete", data="{", content_type="application/json")
    assert not_json.status_code == 400 and set(not_json.get_json()) == {"type", "message"}


def test_priority_orders_fetching_when_asked(runtime, people, housing_alert, engine_rest_as):
    first = start_alert_case(runtime, people["casey"], "C-1")
    runtime.clock.advance(minutes=1)
    second = start_alert_case(runtime, people["casey"], "C-2")
    worker = engine_rest_as("worker")
    [oldest] = _fetch(worker, maxTasks=1)
    assert oldest["businessKey"] == first
    assert [t["businessKey"] for t in _fetch(worker, "w2", businessKey=None)] == [second]
    assert worker.get("/external-task", workerId="w2").get_json()[0]["businessKey"] == second


def test_a_task_shows_the_business_key_chosen_at_start_and_fetching_filters_by_it(
    runtime, people, housing_alert, engine_rest_as
):
    keyed = start_case(runtime.casework, people["casey"], {"customer_reference": "C-1"}, process_id="housing_alert",
                                        business_key="TENANCY-9").reference
    unkeyed = start_alert_case(runtime, people["casey"], "C-2")
    worker = engine_rest_as("worker")
    [task] = _fetch(worker, topics=[{**TOPIC[0], "businessKey": "TENANCY-9"}])
    assert (task["processInstanceId"], task["businessKey"]) == (keyed, "TENANCY-9")
    listed = {t["processInstanceId"]: t["businessKey"] for t in worker.get("/external-task").get_json()}
    assert listed == {keyed: "TENANCY-9", unkeyed: unkeyed}
